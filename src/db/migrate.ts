// Numbered .sql migrations, applied in one transaction under an advisory lock so two
// processes starting at once neither race nor half-apply. graphile-worker's own schema follows.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMigrations as runWorkerMigrations } from 'graphile-worker';
import type { Db } from './pool.ts';
import { inTransaction } from './pool.ts';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const LOCK_KEY = 7_453_001; // arbitrary, constant: "tandem migrations"

export interface Migration {
  id: number;
  name: string;
  sql: string;
}

export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f)).sort();
  const numbers = files.map((f) => f.slice(0, 3));
  const clash = files.filter((f, i) => numbers.indexOf(f.slice(0, 3)) !== i);
  if (clash.length > 0) throw new Error(`two migrations share a number: ${clash.join(', ')} — renumber one`);
  return Promise.all(
    files.map(async (file) => ({
      id: Number(file.slice(0, 3)),
      name: file.replace(/\.sql$/, ''),
      sql: await readFile(path.join(dir, file), 'utf8'),
    })),
  );
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(db: Db): Promise<string[]> {
  const migrations = await loadMigrations();
  const applied = await inTransaction(db, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.query(`CREATE TABLE IF NOT EXISTS tandem_migrations (
      id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await tx.query<{ id: number }>('SELECT id FROM tandem_migrations')).rows.map((r) => r.id));
    const names: string[] = [];
    for (const m of migrations.filter((m) => !done.has(m.id))) {
      await tx.query(m.sql);
      await tx.query('INSERT INTO tandem_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
      names.push(m.name);
    }
    return names;
  });
  // Our pool (which handles idle-connection errors), not one graphile-worker would open for itself.
  await runWorkerMigrations({ pgPool: db });
  return applied;
}

/** True when every migration file has been applied (used by /health). */
export async function migrationsCurrent(db: Db): Promise<boolean> {
  const migrations = await loadMigrations();
  const last = migrations.at(-1)?.id ?? 0;
  const result = await db
    .query<{ max: number | null }>('SELECT max(id) AS max FROM tandem_migrations')
    // No migrations table yet (42P01 undefined_table): nothing is current. Anything else is thrown.
    .catch((e: { code?: string }) => {
      if (e.code === '42P01') return null;
      throw e;
    });
  return (result?.rows[0]?.max ?? 0) >= last;
}
