// The console's overview in a few statements: per connection, the patient links that need
// attention (errored, unsynced), the last successful sync, pending reviews and failed jobs.
// Counting only the rare statuses uses links_patient_status (migration 016), so the cost does
// not grow with the number of synced patients.
import type { Queryable } from './pool.ts';

export interface ConnectionFigures {
  errored: number;
  unsynced: number;
  linked: number;
  lastSyncedAt: string | null;
  pendingReviews: number;
  failedJobs: number;
}

export interface PracticeFigures {
  byConnection: Map<string, ConnectionFigures>;
  pendingReviews: number;
  failedJobs: number;
}

export async function practiceFigures(db: Queryable, practiceId: string): Promise<PracticeFigures> {
  const [links, synced, reviews, jobs] = await Promise.all([
    db.query(
      `SELECT connection_id, status, count(*)::int AS n FROM links
       WHERE practice_id = $1 AND entity_kind = 'patient' AND status IN ('errored', 'unsynced')
       GROUP BY connection_id, status`,
      [practiceId],
    ),
    db.query(
      `SELECT c.id, s.last_synced_at, n.linked FROM connections c
       LEFT JOIN LATERAL (SELECT max(last_synced_at) AS last_synced_at FROM links WHERE connection_id = c.id) s ON true
       LEFT JOIN LATERAL (SELECT count(*)::int AS linked FROM links
                          WHERE practice_id = c.practice_id AND entity_kind = 'patient' AND connection_id = c.id) n ON true
       WHERE c.practice_id = $1`,
      [practiceId],
    ),
    db.query(
      `SELECT connection_id, count(*)::int AS n FROM match_reviews WHERE practice_id = $1 AND status = 'pending'
       GROUP BY connection_id`,
      [practiceId],
    ),
    // graphile-worker 0.17's private table (as jobs/failed.ts reads it): jobs out of attempts.
    db.query(
      `SELECT j.payload ->> 'connectionId' AS connection_id, count(*)::int AS n FROM graphile_worker._private_jobs j
       WHERE j.attempts >= j.max_attempts AND j.payload ->> 'practiceId' = $1::text
       GROUP BY 1`,
      [practiceId],
    ),
  ]);
  const byConnection = new Map<string, ConnectionFigures>();
  for (const r of synced.rows)
    byConnection.set(r.id, {
      errored: 0,
      unsynced: 0,
      linked: r.linked ?? 0,
      lastSyncedAt: r.last_synced_at ? r.last_synced_at.toISOString() : null,
      pendingReviews: 0,
      failedJobs: 0,
    });
  for (const r of links.rows) {
    const f = byConnection.get(r.connection_id);
    if (f) f[r.status as 'errored' | 'unsynced'] = r.n;
  }
  let pendingReviews = 0;
  for (const r of reviews.rows) {
    pendingReviews += r.n;
    const f = r.connection_id ? byConnection.get(r.connection_id) : undefined;
    if (f) f.pendingReviews = r.n;
  }
  let failedJobs = 0;
  for (const r of jobs.rows) {
    failedJobs += r.n;
    const f = r.connection_id ? byConnection.get(r.connection_id) : undefined;
    if (f) f.failedJobs = r.n;
  }
  return { byConnection, pendingReviews, failedJobs };
}
