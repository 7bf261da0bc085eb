// The practice's sync log: levels debug | error | exception, linked to the record concerned.
// Messages carry ids and reasons only, never names, dates of birth or contacts.
import type { Queryable } from './pool.ts';

export type LogLevel = 'debug' | 'error' | 'exception';

export interface LogEntry {
  id: number;
  level: LogLevel;
  message: string;
  connectionId: string | null;
  entityKind: string | null;
  entityId: string | null;
  context: Record<string, unknown>;
  createdAt: string;
}

export interface NewLogEntry {
  level: LogLevel;
  message: string;
  connectionId?: string | null;
  entityKind?: string | null;
  entityId?: string | null;
  context?: Record<string, unknown>;
}

export async function writeLog(db: Queryable, practiceId: string, entry: NewLogEntry): Promise<void> {
  await db.query(
    `INSERT INTO log_entries (practice_id, level, message, connection_id, entity_kind, entity_id, context)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      practiceId,
      entry.level,
      entry.message,
      entry.connectionId ?? null,
      entry.entityKind ?? null,
      entry.entityId ?? null,
      entry.context ?? {},
    ],
  );
}

/** Many entries in one statement (a batch's chunk), in order. */
export async function writeLogs(db: Queryable, practiceId: string, entries: NewLogEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.query(
    `INSERT INTO log_entries (practice_id, level, message, connection_id, entity_kind, entity_id, context)
     SELECT $1, e->>'level', e->>'message', (e->>'connection_id')::uuid, e->>'entity_kind', e->>'entity_id', e->'context'
     FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS x(e, n)
     ORDER BY x.n`,
    [
      practiceId,
      JSON.stringify(
        entries.map((e) => ({
          level: e.level,
          message: e.message,
          connection_id: e.connectionId ?? null,
          entity_kind: e.entityKind ?? null,
          entity_id: e.entityId ?? null,
          context: e.context ?? {},
        })),
      ),
    ],
  );
}

const levelsAtOrAbove: Record<LogLevel, LogLevel[]> = {
  debug: ['debug', 'error', 'exception'],
  error: ['error', 'exception'],
  exception: ['exception'],
};

export interface LogQuery {
  level?: LogLevel;
  /** Entries after this id (live follow: pass the last id seen). */
  afterId?: number;
  /** Entries before this id (paging back through older entries). */
  beforeId?: number;
  limit?: number;
  entityId?: string;
  connectionId?: string;
}

/**
 * Entries matching, oldest first: the newest `limit` of them, or with `afterId` the first
 * `limit` after it (so a follower catching up never steps over a burst).
 */
export async function readLogs(db: Queryable, practiceId: string | null, options: LogQuery): Promise<LogEntry[]> {
  const following = (options.afterId ?? 0) > 0;
  const { rows } = await db.query(
    `SELECT * FROM log_entries
     WHERE ($1::uuid IS NULL OR practice_id = $1) AND level = ANY($2) AND id > $3
       AND ($5::text IS NULL OR entity_id = $5) AND ($6::uuid IS NULL OR connection_id = $6)
       AND ($7::bigint IS NULL OR id < $7)
     ORDER BY id ${following ? 'ASC' : 'DESC'} LIMIT $4`,
    [
      practiceId,
      levelsAtOrAbove[options.level ?? 'debug'],
      options.afterId ?? 0,
      options.limit ?? 100,
      options.entityId ?? null,
      options.connectionId ?? null,
      options.beforeId ?? null,
    ],
  );
  return (following ? rows : rows.reverse()).map((r) => ({
    id: r.id,
    level: r.level,
    message: r.message,
    connectionId: r.connection_id,
    entityKind: r.entity_kind,
    entityId: r.entity_id,
    context: r.context,
    createdAt: r.created_at.toISOString(),
  }));
}
