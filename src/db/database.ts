// Opens Tandem's database: the server in DATABASE_URL, or an embedded PostgreSQL under <home>/pg.
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded.ts';
import { createPool, ensureDatabase, type Db } from './pool.ts';

export interface OpenDatabase {
  db: Db;
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

export async function openDatabase(options: {
  databaseUrl?: string;
  home: string;
  poolSize?: number;
}): Promise<OpenDatabase> {
  let embedded: EmbeddedDatabase | undefined;
  let url = options.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres(options.home);
    url = await ensureDatabase(embedded.url, 'tandem');
  }
  const db = createPool(url, options.poolSize ?? 20);
  return {
    db,
    url,
    embedded: embedded !== undefined,
    async close() {
      await db.end().catch(() => {});
      await embedded?.stop();
    },
  };
}
