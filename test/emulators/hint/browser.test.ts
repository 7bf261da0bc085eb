// The embedded app inside emulated Hint, in a real Chromium: the host page performs the
// handshake, loads the partner surface, and hint-sdk.js hands it the user and patient.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, startHint, type Harness } from './support.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function partnerApp(hintUrl: string): Server {
  return createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/hint/handshake') {
      req.resume();
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end('{"session_key":"sk-1"}');
      });
      return;
    }
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><script src="${hintUrl}/hint-sdk.js"></script><p id="who"></p><p id="patient"></p><script>
      HintSDK.init(function (sdk) {
        document.getElementById('who').textContent = sdk.user.name + ' ' + location.search;
        document.getElementById('patient').textContent = sdk.currentPatient ? sdk.currentPatient.id : 'none';
      });
      HintSDK.onCurrentPatientChanged(function (p) { document.getElementById('patient').textContent = p ? p.id : 'none'; });
    </script>`);
  });
}

describe.skipIf(!existsSync(CHROMIUM))('Hint emulator in a browser: InstantOn, embedded app, hint-sdk.js', () => {
  let h: Harness;
  let app: Server;
  let browser: Browser;
  beforeAll(async () => {
    h = await startHint({ seed: 4 });
    app = partnerApp(h.url);
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    await request(`${h.url}/_emulator/partner`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ handshakeUrl: `${base}/hint/handshake`, surfaceUrl: `${base}/embed` }),
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    app.closeAllConnections();
    await new Promise((r) => app.close(r));
    await h.close();
  });

  it('InstantOn in a browser: the admin clicks Connect and lands on the partner with a working code', async () => {
    const base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    await request(`${h.url}/_emulator/partner`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirectUrl: `${base}/connected?code=` }),
    });
    const page = await browser.newPage();
    try {
      await page.goto(`${h.url}/marketplace/connect?practice=${h.creds.practices[0]?.id}`);
      await Promise.all([
        page.waitForURL(/\/connected\?code=/),
        page.click(`button[data-partner="${h.creds.partners[0]?.id}"]`),
      ]);
      const code = new URL(page.url()).searchParams.get('code');
      const res = await h.call('POST', '/api/oauth/tokens', h.creds.partnerApiKey, {
        grant_type: 'authorization_code',
        code,
      });
      expect(res.status).toBe(200);
      expect((await res.json()).practice.id).toBe(h.creds.practices[0]?.id);
    } finally {
      await page.close();
    }
  });

  it('serves the SDK script', async () => {
    const res = await request(`${h.url}/hint-sdk.js`);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(await res.text()).toContain('window.HintSDK');
  });

  it('hands the app the user and the open patient, and tells it when the patient changes', async () => {
    const patients = await (await h.call('GET', '/api/provider/patients?limit=2')).json();
    const [first, second] = patients;
    const page = await browser.newPage();
    try {
      await page.goto(`${h.url}/_emulator/embed?practice=${h.creds.practices[0]?.id}&patient=${first.id}`);
      const frame = page.frameLocator('#app');
      await expect.poll(() => frame.locator('#patient').textContent(), { timeout: 10_000 }).toBe(first.id);
      expect(await frame.locator('#who').textContent()).toContain('session_key=sk-1');
      await page.selectOption('#patient', second.id);
      await expect.poll(() => frame.locator('#patient').textContent(), { timeout: 10_000 }).toBe(second.id);
    } finally {
      await page.close();
    }
  });
});
