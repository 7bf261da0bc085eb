// Keeps the console's build (dist/web) in step with its sources (src/web). `npm install` builds
// it through the package's `prepare` script; `npm start` calls ensureConsoleBuilt, which
// rebuilds only when a source file is newer than the build (a `git pull` touches what changed).
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CONSOLE_SOURCE_DIR = path.join(ROOT, 'src/web');
export const CONSOLE_DIST_DIR = path.join(ROOT, 'dist/web');
const VITE_CONFIG = path.join(ROOT, 'vite.config.ts');

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const mtime = entry.isDirectory() ? await newestMtime(full) : (await stat(full)).mtimeMs;
    newest = Math.max(newest, mtime);
  }
  return newest;
}

export type BuildState = 'fresh' | 'stale' | 'missing';

export async function consoleBuildState(): Promise<BuildState> {
  const built = await stat(path.join(CONSOLE_DIST_DIR, 'index.html')).catch(() => undefined);
  if (!built) return 'missing';
  const sources = Math.max(await newestMtime(CONSOLE_SOURCE_DIR), (await stat(VITE_CONFIG)).mtimeMs);
  return sources > built.mtimeMs ? 'stale' : 'fresh';
}

/** Builds the console with Vite (about 4 s) unless the build is already current. */
export async function ensureConsoleBuilt(log: (message: string) => void = () => {}): Promise<BuildState> {
  const state = await consoleBuildState();
  if (state === 'fresh') return state;
  log(state === 'missing' ? 'building the console (first start)' : 'console sources changed: rebuilding');
  const { build } = await import('vite');
  await build({ configFile: VITE_CONFIG, logLevel: 'warn' });
  return state;
}
