// Benchmark: what the console's first page costs to download. Target (issue 13): JS + CSS ≤ 300 KB
// gzip for the first page. Opens the sign-in page (what every visitor loads first) and the
// overview behind it in Chromium against a real `tandem start`, records every script and
// stylesheet the browser fetched, and sums their gzip sizes (level 6, as a typical server or CDN).
// Also reports the whole build (every lazy page chunk) as an upper bound.
// Run: npx tsx bench/console-size.ts   (uses the build in dist/web; `npm install` makes it)
import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CONSOLE_DIST_DIR } from '../src/http/console-build.ts';
import { machine, startTandemProcess } from './support/tandem-process.ts';

const gz = (b: Buffer) => gzipSync(b, { level: 6 }).length;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

const tandem = await startTandemProcess({ TANDEM_SANDBOX: 'off' });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
  const fetched = new Map<string, { raw: number; gzip: number }>();
  page.on('response', async (res) => {
    const url = new URL(res.url());
    if (!/\.(js|css)$/.test(url.pathname)) return;
    const body = await res.body().catch(() => undefined);
    if (body) fetched.set(url.pathname, { raw: body.length, gzip: gz(body) });
  });
  await page.goto(`${tandem.url}/sign-in`, { waitUntil: 'networkidle' });
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  const first = [...fetched.values()].reduce((a, f) => ({ raw: a.raw + f.raw, gzip: a.gzip + f.gzip }), {
    raw: 0,
    gzip: 0,
  });
  const js = [...fetched].filter(([p]) => p.endsWith('.js')).reduce((a, [, f]) => a + f.gzip, 0);

  const assets = path.join(CONSOLE_DIST_DIR, 'assets');
  let all = 0;
  for (const f of await readdir(assets)) if (/\.(js|css)$/.test(f)) all += gz(await readFile(path.join(assets, f)));

  console.log(
    `${machine()}; load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `first page (/sign-in): ${fetched.size} files, ${kb(first.raw)} raw, ${kb(first.gzip)} gzip (JS ${kb(js)}, CSS ${kb(first.gzip - js)})`,
  );
  for (const [p, f] of fetched) console.log(`  ${p}  ${kb(f.raw)} raw  ${kb(f.gzip)} gzip`);
  console.log(`whole build (every page chunk): ${kb(all)} gzip`);
} finally {
  await browser.close();
  await tandem.stop();
}
