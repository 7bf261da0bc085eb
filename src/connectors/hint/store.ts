// The Hint connector's own SQL: the merge snapshot per link and InstantOn sessions. Webhooks
// are stored by the hub's InboxWriter; inbound-drain.ts turns inbox rows into jobs.
import { toLink, upsertLinkStatement, type Link, type LinkKey, type LinkPatch } from '../../db/links.ts';
import type { Queryable } from '../../db/pool.ts';
import type { Snapshot } from './mapping-merge.ts';
import { isUuid } from '../../core/ids.ts';
import type { SecretBox } from '../../security/secrets.ts';

export async function readSnapshot(db: Queryable, linkId: string): Promise<Snapshot | null> {
  const { rows } = await db.query('SELECT snapshot FROM hint_sync_state WHERE link_id = $1', [linkId]);
  return rows[0] ? (rows[0].snapshot as Snapshot) : null;
}

/** What a push reads beside the patient record itself (readPushState). */
export interface PushState {
  /** The practice is disabled (or gone): its connections do not sync. */
  practiceDisabled: boolean;
  /** The patient's link to its Hint record, with the merge base kept for it (readSnapshot). */
  linked: { link: Link; snapshot: Snapshot | null } | undefined;
  /** The practitioner the patient names as its row stands, and that practitioner's link, if any. */
  practitioner: { localId: string | null; link: { localId: string; remoteId: string | null } | undefined };
}

/**
 * Everything a push reads besides the patient row, in one statement: whether the practice is
 * enabled (checked on every background job, never cached), the link with its merge base, and
 * the link of the practitioner the patient names. Three round trips became one; a push is
 * one of the most frequent jobs.
 */
export async function readPushState(
  db: Queryable,
  practiceId: string,
  connectionId: string,
  localId: string,
): Promise<PushState> {
  const { rows } = await db.query(
    `SELECT pr.disabled_at IS NOT NULL AS practice_disabled, l.*, s.snapshot AS hint_snapshot,
            pt.practitioner_id AS practitioner_id, pl.local_id AS practitioner_link_local_id,
            pl.remote_id AS practitioner_link_remote_id
       FROM practices pr
       LEFT JOIN links l ON l.practice_id = pr.id AND l.connection_id = $2 AND l.entity_kind = 'patient'
        AND l.local_id = $3 AND l.remote_id IS NOT NULL
       LEFT JOIN hint_sync_state s ON s.link_id = l.id
       LEFT JOIN patients pt ON pt.practice_id = pr.id AND pt.id = $3
       LEFT JOIN links pl ON pl.practice_id = pr.id AND pl.connection_id = $2 AND pl.entity_kind = 'practitioner'
        AND pl.local_id = pt.practitioner_id
      WHERE pr.id = $1`,
    [practiceId, connectionId, localId],
  );
  const row = rows[0];
  if (!row) return { practiceDisabled: true, linked: undefined, practitioner: { localId: null, link: undefined } };
  return {
    practiceDisabled: row.practice_disabled === true,
    linked: row.id
      ? { link: toLink(row) as Link, snapshot: (row.hint_snapshot as Snapshot | null) ?? null }
      : undefined,
    practitioner: {
      localId: row.practitioner_id ?? null,
      link: row.practitioner_link_local_id
        ? { localId: row.practitioner_link_local_id, remoteId: row.practitioner_link_remote_id }
        : undefined,
    },
  };
}

/** `echo`: the names this write echoed (null: none); undefined leaves the last one in place. */
export async function writeSnapshot(
  db: Queryable,
  practiceId: string,
  linkId: string,
  snapshot: Snapshot,
  echo?: NameEcho | null,
): Promise<void> {
  // One statement for both: every outbound write sets the echo (most often to null), and a
  // second UPDATE of the same row was a third of this table's writes per change.
  // A new echo of the same names widens the one in place instead of replacing it: a rename the
  // earlier write overwrote may still have its webhook on the way, and must stay recognised
  // (name-echo.ts) after the next write of other fields (an edit storm lost such renames).
  await db.query(
    `INSERT INTO hint_sync_state (link_id, practice_id, snapshot, name_echo) VALUES ($1, $2, $3, $4)
     ON CONFLICT (link_id) DO UPDATE SET snapshot = EXCLUDED.snapshot, updated_at = now(),
       name_echo = ${echoUpdate('$5')}`,
    [linkId, practiceId, JSON.stringify(snapshot), echo ? JSON.stringify(echo) : null, echo !== undefined],
  );
}

/** The new name_echo of a snapshot write, `given`: whether the write sets it (writeSnapshot). */
const echoUpdate = (given: string) => `CASE
         WHEN NOT ${given} THEN hint_sync_state.name_echo
         WHEN EXCLUDED.name_echo->'first_name' = hint_sync_state.name_echo->'first_name'
          AND EXCLUDED.name_echo->'last_name' = hint_sync_state.name_echo->'last_name'
           THEN jsonb_set(EXCLUDED.name_echo, '{after}', COALESCE(hint_sync_state.name_echo->'after', 'null'))
         ELSE EXCLUDED.name_echo END`;

/**
 * The names a PATCH carried only because Hint requires them (not a change of Tandem's), with
 * Hint's version read just before (`after`) and the one its answer carried (`until`).
 */
export interface NameEcho {
  first_name: string | null;
  last_name: string | null;
  after: string | null;
  until: string | null;
}

/**
 * The link's new state and the merge base it goes with, in one statement (so atomically): a
 * crash between the two would leave a hash that does not match its snapshot, and a wrong base
 * for the next merge. One round trip, where a transaction of two statements took four.
 * `echo`: the names this write echoed (null: none); undefined leaves the last one in place.
 */
export async function saveLinkState(
  db: Queryable,
  key: LinkKey & { remoteId: string },
  patch: LinkPatch,
  snapshot: Snapshot,
  echo?: NameEcho | null,
): Promise<Link> {
  return saveLinkStateIn(db, key, patch, snapshot, echo);
}

/** saveLinkState within the caller's transaction (a merge that holds the link's lock). */
export async function saveLinkStateIn(
  tx: Queryable,
  key: LinkKey & { remoteId: string },
  patch: LinkPatch,
  snapshot: Snapshot,
  echo?: NameEcho | null,
): Promise<Link> {
  const link = upsertLinkStatement(key, patch);
  const n = link.params.length;
  // The snapshot's write is writeSnapshot's, taking the link's id from the upsert.
  const { rows } = await tx.query(
    `WITH saved AS (${link.sql}),
     state AS (
       INSERT INTO hint_sync_state (link_id, practice_id, snapshot, name_echo)
       SELECT id, practice_id, $${n + 1}::jsonb, $${n + 2}::jsonb FROM saved
       ON CONFLICT (link_id) DO UPDATE SET snapshot = EXCLUDED.snapshot, updated_at = now(),
         name_echo = ${echoUpdate(`$${n + 3}::boolean`)})
     SELECT * FROM saved`,
    [...link.params, JSON.stringify(snapshot), echo ? JSON.stringify(echo) : null, echo !== undefined],
  );
  return toLink(rows[0]) as Link;
}

/** Replaces the echo (null forgets it) once an overwritten rename was dealt with (name-echo.ts). */
export async function replaceNameEcho(db: Queryable, linkId: string, echo: NameEcho | null): Promise<void> {
  await db.query(
    'UPDATE hint_sync_state SET name_echo = $2 WHERE link_id = $1 AND name_echo IS DISTINCT FROM $2::jsonb',
    [linkId, echo ? JSON.stringify(echo) : null],
  );
}

export async function readNameEcho(db: Queryable, linkId: string): Promise<NameEcho | null> {
  const { rows } = await db.query('SELECT name_echo FROM hint_sync_state WHERE link_id = $1', [linkId]);
  return (rows[0]?.name_echo as NameEcho | undefined) ?? null;
}

/** The name echoes of these links, by link id (the inbox drain's batch read). */
export async function readNameEchoes(db: Queryable, linkIds: string[]): Promise<Map<string, NameEcho>> {
  const { rows } = await db.query(
    'SELECT link_id, name_echo FROM hint_sync_state WHERE link_id = ANY($1::uuid[]) AND name_echo IS NOT NULL',
    [linkIds],
  );
  return new Map(rows.map((r) => [r.link_id as string, r.name_echo as NameEcho]));
}

export async function createConnectSession(
  db: Queryable,
  practiceId: string,
  ttlMinutes = 30,
): Promise<{ id: string; expiresAt: string }> {
  const { rows } = await db.query(
    `INSERT INTO hint_connect_sessions (practice_id, expires_at) VALUES ($1, now() + make_interval(mins => $2)) RETURNING id, expires_at`,
    [practiceId, ttlMinutes],
  );
  return { id: rows[0].id, expiresAt: rows[0].expires_at.toISOString() };
}

/** The practice a live, unused session belongs to; the session is used up. */
export async function useConnectSession(db: Queryable, id: string): Promise<string | undefined> {
  if (!isUuid(id)) return undefined;
  const { rows } = await db.query(
    `UPDATE hint_connect_sessions SET used_at = now() WHERE id = $1 AND used_at IS NULL AND expires_at > now() RETURNING practice_id`,
    [id],
  );
  return rows[0]?.practice_id;
}

/** A Hint activation no Tandem admin asked for, parked until an admin approves or rejects it. */
export interface PendingActivation {
  id: string;
  hintPracticeId: string;
  hintPracticeName: string | null;
  integrationId: string | null;
  source: 'headless' | 'redirect';
  status: 'pending' | 'approved' | 'rejected';
  createdAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  practiceId: string | null;
}

export interface ParkedActivation {
  hintPracticeId: string;
  hintPracticeName: string | null;
  integrationId: string | null;
  source: 'headless' | 'redirect';
  accessToken: string;
}

const PENDING_COLUMNS = `id, hint_practice_id, hint_practice_name, integration_id, source, status, created_at,
  decided_at, decided_by, practice_id`;

interface PendingRow {
  id: string;
  hint_practice_id: string;
  hint_practice_name: string | null;
  integration_id: string | null;
  source: PendingActivation['source'];
  status: PendingActivation['status'];
  created_at: Date;
  decided_at: Date | null;
  decided_by: string | null;
  practice_id: string | null;
}

function pendingFromRow(r: PendingRow): PendingActivation {
  return {
    id: r.id,
    hintPracticeId: r.hint_practice_id,
    hintPracticeName: r.hint_practice_name,
    integrationId: r.integration_id,
    source: r.source,
    status: r.status,
    createdAt: r.created_at.toISOString(),
    decidedAt: r.decided_at ? r.decided_at.toISOString() : null,
    decidedBy: r.decided_by,
    practiceId: r.practice_id,
  };
}

/** Parks an activation; a newer code for the same Hint practice replaces the parked token. */
export async function parkActivation(
  db: Queryable,
  secrets: SecretBox,
  a: ParkedActivation,
): Promise<PendingActivation> {
  const { rows } = await db.query<PendingRow>(
    `INSERT INTO hint_pending_activations (hint_practice_id, hint_practice_name, integration_id, source, credentials_encrypted)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (hint_practice_id) WHERE status = 'pending' DO UPDATE SET hint_practice_name = EXCLUDED.hint_practice_name,
       integration_id = EXCLUDED.integration_id, source = EXCLUDED.source,
       credentials_encrypted = EXCLUDED.credentials_encrypted, created_at = now()
     RETURNING ${PENDING_COLUMNS}`,
    [a.hintPracticeId, a.hintPracticeName, a.integrationId, a.source, secrets.sealJson({ accessToken: a.accessToken })],
  );
  return pendingFromRow(rows[0]!);
}

export async function listPendingActivations(db: Queryable): Promise<PendingActivation[]> {
  const { rows } = await db.query<PendingRow>(
    `SELECT ${PENDING_COLUMNS} FROM hint_pending_activations WHERE status = 'pending' ORDER BY created_at, id`,
  );
  return rows.map(pendingFromRow);
}

/**
 * Decides a pending activation once: the row leaves 'pending' and its sealed token is dropped in
 * the same statement, so two admins deciding at once cannot both use it. Returns the activation
 * and (on approval) the token, or undefined when it is not pending (decided already, or unknown).
 */
export async function decidePendingActivation(
  db: Queryable,
  secrets: SecretBox,
  id: string,
  decision: { status: 'approved' | 'rejected'; actor: string; practiceId: string | null },
): Promise<{ activation: PendingActivation; accessToken: string } | undefined> {
  if (!isUuid(id)) return undefined;
  const { rows } = await db.query<PendingRow & { sealed: string }>(
    `UPDATE hint_pending_activations p SET status = $2, decided_at = now(), decided_by = $3, practice_id = $4,
       credentials_encrypted = NULL
     FROM (SELECT id, credentials_encrypted FROM hint_pending_activations WHERE id = $1 AND status = 'pending' FOR UPDATE) old
     WHERE p.id = old.id
     RETURNING ${PENDING_COLUMNS.replace(/(\w+)/g, 'p.$1')}, old.credentials_encrypted AS sealed`,
    [id, decision.status, decision.actor, decision.practiceId],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    activation: pendingFromRow(row),
    accessToken: secrets.openJson<{ accessToken: string }>(row.sealed).accessToken,
  };
}

/** Puts an approval that could not complete back to pending, with its token. */
export async function reopenPendingActivation(
  db: Queryable,
  secrets: SecretBox,
  id: string,
  accessToken: string,
): Promise<void> {
  await db.query(
    `UPDATE hint_pending_activations SET status = 'pending', decided_at = NULL, decided_by = NULL, practice_id = NULL,
       credentials_encrypted = $2 WHERE id = $1`,
    [id, secrets.sealJson({ accessToken })],
  );
}
