// Starts one PostgreSQL for the whole run (DATABASE_URL when set, else an embedded one in a
// temp dir), migrates a template database once, and hands its URL to the test files.
// Each test file then clones the template (see test/support/db.ts): isolated and fast.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded.ts';
import { createPool, ensureDatabase } from '../../src/db/pool.ts';
import { migrate } from '../../src/db/migrate.ts';
import { ensureConsoleBuilt } from '../../src/http/console-build.ts';
import { runPrefix } from './db-names.ts';

export const TEMPLATE_DB = `tandem_template_${process.pid}`;

let embedded: EmbeddedDatabase | undefined;
let tempHome: string | undefined;
let serverUrl: string;

export async function setup(project: TestProject): Promise<void> {
  // Browser and serving tests need the console as `npm start` would serve it (built by `npm ci`;
  // rebuilt here only when src/web changed since).
  await ensureConsoleBuilt();
  if (process.env.DATABASE_URL) {
    serverUrl = process.env.DATABASE_URL;
  } else {
    tempHome = await mkdtemp(path.join(os.tmpdir(), 'tandem-test-'));
    embedded = await startEmbeddedPostgres(tempHome);
    serverUrl = embedded.url;
  }
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB}`);
  await admin.end();
  const templateUrl = await ensureDatabase(serverUrl, TEMPLATE_DB);
  const pool = createPool(templateUrl, 2);
  await migrate(pool);
  await pool.end();
  project.provide('dbServerUrl', serverUrl);
  project.provide('dbTemplate', TEMPLATE_DB);
}

export async function teardown(): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const leftovers = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE starts_with(datname, $1) OR datname = $2`,
    [runPrefix(TEMPLATE_DB), TEMPLATE_DB],
  );
  for (const { datname } of leftovers.rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  await admin.end();
  if (embedded) await embedded.stop();
  if (tempHome) await rm(tempHome, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    dbServerUrl: string;
    dbTemplate: string;
  }
}
