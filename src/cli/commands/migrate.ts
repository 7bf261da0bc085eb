// `tandem migrate`: applies pending database migrations and exits.
import { loadConfig } from '../../config.ts';
import { openDatabase } from '../../db/database.ts';
import { migrate } from '../../db/migrate.ts';

export const usage = `Usage: tandem migrate

Applies pending migrations to DATABASE_URL (or the embedded database) and exits.`;

export async function run(): Promise<number> {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, home: config.home, poolSize: 2 });
  try {
    const applied = await migrate(database.db);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'up to date\n');
  } finally {
    await database.close();
  }
  return 0;
}
