// The connector contract is checked at start-up: every folder's export must have every part,
// and a folder that lacks one stops Tandem with the folder and the part named.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { loadConnectorCli, loadConnectors } from '../../src/connectors/registry.ts';
import type { ConnectorDeps } from '../../src/connectors/types.ts';
import { createLogger } from '../../src/logger.ts';
import type { Db } from '../../src/db/pool.ts';
import { SecretBox } from '../../src/security/secrets.ts';

// The factories only keep their dependencies at construction; nothing here reaches a database.
const deps: ConnectorDeps = {
  config: loadConfig({ TANDEM_HOME: os.tmpdir() }),
  db: {} as Db,
  logger: createLogger('silent'),
  secrets: new SecretBox('11'.repeat(32)),
  publicUrl: () => 'http://127.0.0.1:1',
};

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A connectors directory holding one folder whose index.ts is `source`. */
async function connectorsDir(folder: string, source: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tandem-registry-'));
  dirs.push(dir);
  await mkdir(path.join(dir, folder));
  await writeFile(path.join(dir, folder, 'index.ts'), source);
  return dir;
}

describe('connector registry', () => {
  it('loads Hint, Healthengine and Salesforce: each has every part of the contract', async () => {
    const connectors = await loadConnectors(deps);
    expect(connectors.map((c) => c.system)).toEqual(['healthengine', 'hint', 'salesforce']);
    for (const c of connectors) {
      expect(typeof c.loadConnection).toBe('function');
      expect(typeof c.settingsSchema.safeParse).toBe('function');
      expect(Array.isArray(c.fanOut) && Array.isArray(c.batchKinds)).toBe(true);
    }
  });

  it('fails start-up naming the folder and each missing part', async () => {
    const dir = await connectorsDir(
      'salesforce',
      `export default () => ({ system: 'salesforce', tasks: {}, fanOut: [], hasRealCredentials: () => false });\n`,
    );
    const failure = loadConnectors(deps, dir);
    await expect(failure).rejects.toThrow(/src\/connectors\/salesforce/);
    await expect(failure).rejects.toThrow(/missing part "loadConnection"/);
    await expect(failure).rejects.toThrow(/missing part "settingsSchema"/);
    await expect(failure).rejects.toThrow(/missing part "batchKinds"/);
  });

  it('refuses a part of the wrong kind, and an index.ts without a factory', async () => {
    const wrongKind = await connectorsDir(
      'acme',
      `export default () => ({ system: 'acme', loadConnection: async () => ({}), settingsSchema: {}, tasks: {},
        fanOut: {}, batchKinds: [], hasRealCredentials: () => false });\n`,
    );
    await expect(loadConnectors(deps, wrongKind)).rejects.toThrow(
      /src\/connectors\/acme: part "settingsSchema" must be a zod schema; part "fanOut" must be an array/,
    );
    const noFactory = await connectorsDir('acme', `export const nothing = 1;\n`);
    await expect(loadConnectors(deps, noFactory)).rejects.toThrow(
      /src\/connectors\/acme: index.ts must default-export a ConnectorFactory/,
    );
  });

  it('finds every connector CLI subcommand through its cli export, and refuses a malformed one', async () => {
    expect(Object.keys(await loadConnectorCli('hint')).sort()).toEqual(['migrate-legacy-ids', 'sync']);
    expect(Object.keys(await loadConnectorCli('healthengine')).sort()).toEqual(['list', 'resync']);
    const valid = `export default () => ({ system: 'acme', loadConnection: async () => ({}),
      settingsSchema: { safeParse: () => ({}) }, tasks: {}, fanOut: [], batchKinds: [], hasRealCredentials: () => false });\n`;
    const badCli = await connectorsDir('acme', `${valid}export const cli = { fix: { summary: 'x' } };\n`);
    await expect(loadConnectors(deps, badCli)).rejects.toThrow(
      /src\/connectors\/acme: cli subcommand "fix" must have summary and usage strings and a run function/,
    );
    await expect(loadConnectorCli('acme', badCli)).rejects.toThrow(/cli subcommand "fix"/);
    const goodCli = await connectorsDir(
      'acme',
      `${valid}export const cli = { fix: { summary: 'x', usage: 'tandem acme fix', run: async () => 0 } };\n`,
    );
    expect(Object.keys(await loadConnectorCli('acme', goodCli))).toEqual(['fix']);
    expect((await loadConnectors(deps, goodCli)).map((c) => c.system)).toEqual(['acme']);
  });
});
