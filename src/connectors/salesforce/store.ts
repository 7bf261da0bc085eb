// SQL for the connector's own tables (migration 022): where change capture stands per
// connection, and the PKCE verifiers of web-server flows under way (ten minutes to finish).
import type { Queryable } from '../../db/pool.ts';

export interface SyncState {
  replayId: number | null;
  pollCursor: string | null;
  capture: 'cdc' | 'polling';
}

export async function getSyncState(db: Queryable, connectionId: string): Promise<SyncState> {
  const {
    rows: [r],
  } = await db.query('SELECT * FROM salesforce_sync_state WHERE connection_id = $1', [connectionId]);
  return {
    replayId: r?.replay_id === null || r?.replay_id === undefined ? null : Number(r.replay_id),
    pollCursor: r?.poll_cursor ? (r.poll_cursor as Date).toISOString() : null,
    capture: r?.capture ?? 'cdc',
  };
}

/** Stores what capture reached; only the keys given change. */
export async function saveSyncState(
  db: Queryable,
  practiceId: string,
  connectionId: string,
  patch: Partial<SyncState>,
): Promise<void> {
  await db.query(
    `INSERT INTO salesforce_sync_state (connection_id, practice_id, replay_id, poll_cursor, capture)
     VALUES ($1, $2, $4, $6, coalesce($7, 'cdc'))
     ON CONFLICT (connection_id) DO UPDATE SET
       replay_id = CASE WHEN $3 THEN $4 ELSE salesforce_sync_state.replay_id END,
       poll_cursor = CASE WHEN $5 THEN $6::timestamptz ELSE salesforce_sync_state.poll_cursor END,
       capture = coalesce($7, salesforce_sync_state.capture),
       updated_at = now()`,
    [
      connectionId,
      practiceId,
      'replayId' in patch,
      patch.replayId ?? null,
      'pollCursor' in patch,
      patch.pollCursor ?? null,
      patch.capture ?? null,
    ],
  );
}

export async function saveOauthState(
  db: Queryable,
  s: { state: string; practiceId: string; connectionId: string; codeVerifier: string; redirectUri: string },
): Promise<void> {
  await db.query(
    `INSERT INTO salesforce_oauth_states (state, practice_id, connection_id, code_verifier, redirect_uri) VALUES ($1, $2, $3, $4, $5)`,
    [s.state, s.practiceId, s.connectionId, s.codeVerifier, s.redirectUri],
  );
}

/** The flow under way for this state, used once (taken), if it is under ten minutes old. */
export async function takeOauthState(
  db: Queryable,
  state: string,
): Promise<{ practiceId: string; connectionId: string; codeVerifier: string; redirectUri: string } | undefined> {
  const { rows } = await db.query(
    `DELETE FROM salesforce_oauth_states WHERE state = $1 RETURNING *, created_at > now() - interval '10 minutes' AS fresh`,
    [state],
  );
  const r = rows[0];
  if (!r?.fresh) return undefined;
  return {
    practiceId: r.practice_id,
    connectionId: r.connection_id,
    codeVerifier: r.code_verifier,
    redirectUri: r.redirect_uri,
  };
}
