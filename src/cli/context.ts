// What most CLI commands need: the configuration and an open, migrated database.
import { loadConfig, type Config } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import type { Db } from '../db/pool.ts';

export interface CliContext {
  config: Config;
  db: Db;
  url: string;
}

export async function withDatabase<T>(fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, home: config.home, poolSize: 4 });
  try {
    await migrate(database.db);
    return await fn({ config, db: database.db, url: database.url });
  } finally {
    await database.close();
  }
}

export function print(value: unknown, json: boolean): void {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : String(value) + '\n');
}
