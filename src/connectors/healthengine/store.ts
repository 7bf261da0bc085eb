// SQL for the connector's own tables (migration 004): state, published-day hashes, requests seen.
import type { Queryable } from '../../db/pool.ts';

export interface ConnectorState {
  subscriptionId: string | null;
  subscriptionExpiresAt: string | null;
  lastFullPublishAt: string | null;
  lastPollAt: string | null;
  alertSince: string | null;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : null);

export async function getState(db: Queryable, connectionId: string): Promise<ConnectorState> {
  const {
    rows: [r],
  } = await db.query('SELECT * FROM healthengine_state WHERE connection_id = $1', [connectionId]);
  return {
    subscriptionId: r?.subscription_id ?? null,
    subscriptionExpiresAt: iso(r?.subscription_expires_at),
    lastFullPublishAt: iso(r?.last_full_publish_at),
    lastPollAt: iso(r?.last_poll_at),
    alertSince: iso(r?.alert_since),
  };
}

type StatePatch = Partial<{
  subscriptionId: string | null;
  subscriptionExpiresAt: string | null;
  lastFullPublishAt: string;
  lastPollAt: string;
  alertSince: string | null;
}>;
const COLUMNS: Record<keyof StatePatch, string> = {
  subscriptionId: 'subscription_id',
  subscriptionExpiresAt: 'subscription_expires_at',
  lastFullPublishAt: 'last_full_publish_at',
  lastPollAt: 'last_poll_at',
  alertSince: 'alert_since',
};

export async function setState(
  db: Queryable,
  practiceId: string,
  connectionId: string,
  patch: StatePatch,
): Promise<void> {
  const entries = Object.entries(patch) as Array<[keyof StatePatch, unknown]>;
  if (entries.length === 0) return;
  const columns = entries.map(([k]) => COLUMNS[k]);
  const values = entries.map(([, v]) => v);
  await db.query(
    `INSERT INTO healthengine_state (connection_id, practice_id, ${columns.join(', ')}) VALUES ($1, $2, ${values.map((_, i) => `$${i + 3}`).join(', ')})
     ON CONFLICT (connection_id) DO UPDATE SET ${columns.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, updated_at = now()`,
    [connectionId, practiceId, ...values],
  );
}

/** Forgets what was published (new practice id, re-enable): everything is sent again. */
export async function forgetPublished(db: Queryable, connectionId: string): Promise<void> {
  await db.query('DELETE FROM healthengine_published_days WHERE connection_id = $1', [connectionId]);
}

/**
 * A resource that left the resource snapshot had its availability dropped by Healthengine:
 * what Tandem remembers publishing for it is forgotten, so its days are sent again if it returns.
 */
export async function forgetPublishedExcept(db: Queryable, connectionId: string, resourceIds: string[]): Promise<void> {
  await db.query(
    'DELETE FROM healthengine_published_days WHERE connection_id = $1 AND NOT (resource_id = ANY($2::text[]))',
    [connectionId, resourceIds],
  );
}

export async function publishedHashes(
  db: Queryable,
  connectionId: string,
  resourceIds: string[],
  dates: string[],
): Promise<Map<string, string>> {
  const { rows } = await db.query(
    `SELECT resource_id, day, hash FROM healthengine_published_days
     WHERE connection_id = $1 AND resource_id = ANY($2) AND day = ANY($3::date[])`,
    [connectionId, resourceIds, dates],
  );
  return new Map(rows.map((r) => [`${r.resource_id}|${r.day}`, r.hash as string]));
}

export async function savePublished(
  db: Queryable,
  connectionId: string,
  days: Array<{ resourceId: string; date: string; hash: string }>,
): Promise<void> {
  if (days.length === 0) return;
  await db.query(
    `INSERT INTO healthengine_published_days (connection_id, resource_id, day, hash)
     SELECT $1, r, d::date, h FROM unnest($2::text[], $3::text[], $4::text[]) AS x(r, d, h)
     ON CONFLICT (connection_id, resource_id, day) DO UPDATE SET hash = EXCLUDED.hash, published_at = now()`,
    [connectionId, days.map((d) => d.resourceId), days.map((d) => d.date), days.map((d) => d.hash)],
  );
}

export async function markSeen(db: Queryable, connectionId: string, type: string, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await db.query(
    `INSERT INTO healthengine_requests (connection_id, request_key, request_type)
     SELECT $1, k, $2 FROM unnest($3::text[]) AS k
     ON CONFLICT (connection_id, request_key) DO UPDATE
       SET resolved_at = NULL, outcome = NULL, answered_at = NULL, answer_error = NULL
       WHERE healthengine_requests.resolved_at IS NOT NULL`,
    [connectionId, type, keys],
  );
}

/**
 * Tandem answered the request (`outcome`), or Healthengine refused the answer (`error`). The
 * request stays open until a read of Healthengine's queue no longer lists it (markGone):
 * health reflects Healthengine's queue, not what Tandem believes it sent.
 */
export async function markAnswered(
  db: Queryable,
  connectionId: string,
  key: string,
  outcome: string,
  error: string | null = null,
): Promise<void> {
  await db.query(
    `UPDATE healthengine_requests SET answered_at = now(), outcome = $3, answer_error = $4
     WHERE connection_id = $1 AND request_key = $2 AND resolved_at IS NULL`,
    [connectionId, key, outcome, error],
  );
}

/** Requests of a type no longer listed by Healthengine were resolved (by us, or elsewhere). */
export async function markGone(
  db: Queryable,
  connectionId: string,
  type: string,
  stillPending: string[],
): Promise<void> {
  await db.query(
    `UPDATE healthengine_requests SET resolved_at = now(), outcome = COALESCE(outcome, 'gone')
     WHERE connection_id = $1 AND request_type = $2 AND resolved_at IS NULL AND NOT (request_key = ANY($3))`,
    [connectionId, type, stillPending],
  );
}

export async function oldestOpenRequest(
  db: Queryable,
  connectionId: string,
): Promise<{ key: string; type: string; firstSeenAt: string } | undefined> {
  const {
    rows: [r],
  } = await db.query(
    `SELECT request_key, request_type, first_seen_at FROM healthengine_requests
     WHERE connection_id = $1 AND resolved_at IS NULL ORDER BY first_seen_at LIMIT 1`,
    [connectionId],
  );
  return r ? { key: r.request_key, type: r.request_type, firstSeenAt: r.first_seen_at.toISOString() } : undefined;
}

export interface AnsweredYetListed {
  key: string;
  type: string;
  answeredWith: string;
  answeredAt: string;
  error: string | null;
}

/** Requests Tandem answered that Healthengine still lists: its answer was ignored or refused. */
export async function answeredYetListed(db: Queryable, connectionId: string): Promise<AnsweredYetListed[]> {
  const { rows } = await db.query(
    `SELECT request_key, request_type, outcome, answered_at, answer_error FROM healthengine_requests
     WHERE connection_id = $1 AND resolved_at IS NULL AND answered_at IS NOT NULL ORDER BY first_seen_at LIMIT 20`,
    [connectionId],
  );
  return rows.map((r) => ({
    key: r.request_key,
    type: r.request_type,
    answeredWith: r.outcome,
    answeredAt: r.answered_at.toISOString(),
    error: r.answer_error,
  }));
}

/** Forgets everything this connector kept for a connection (the sandbox relinks to a fresh emulator). */
export async function forgetConnectionState(db: Queryable, connectionId: string): Promise<void> {
  await forgetPublished(db, connectionId);
  await db.query('DELETE FROM healthengine_state WHERE connection_id = $1', [connectionId]);
}

/** What the poller needs of each connection's state, for many connections in one read. */
export async function pollStates(
  db: Queryable,
  connectionIds: string[],
): Promise<
  Map<string, { lastPollAt: Date | null; subscriptionId: string | null; subscriptionExpiresAt: Date | null }>
> {
  const { rows } = await db.query(
    `SELECT connection_id, last_poll_at, subscription_id, subscription_expires_at FROM healthengine_state
     WHERE connection_id = ANY($1::uuid[])`,
    [connectionIds],
  );
  return new Map(
    rows.map((r) => [
      r.connection_id as string,
      {
        lastPollAt: r.last_poll_at,
        subscriptionId: r.subscription_id,
        subscriptionExpiresAt: r.subscription_expires_at,
      },
    ]),
  );
}
