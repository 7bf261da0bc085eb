// The review queue: uncertain matches wait here for a person. Accepting links the remote
// record to the chosen candidate (and, when a provisional patient was created meanwhile, merges
// that one into the chosen one); rejecting records that they are different people. The rules
// (only an offered candidate, only an open review) are the matcher's: applyReviewDecision.
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.ts';
import { recordChange, recordChanges, type ChangeContext } from './events.ts';
import { inTransaction, type Db, type Queryable, type Tx } from './pool.ts';
import { upsertLink } from './links.ts';
import { applyReviewDecision, type ReviewDecision, type ScoredCandidate } from '../core/matching/index.ts';
import { isUuid } from '../core/ids.ts';

export interface MatchReview {
  id: string;
  connectionId: string | null;
  system: string | null;
  entityKind: string;
  remoteId: string | null;
  localId: string | null;
  incoming: unknown;
  /** alreadyLinkedTo: the record this candidate is linked to on the review's connection, when another one. */
  candidates: { id: string; score: number; explanation: unknown; alreadyLinkedTo: string | null }[];
  /** superseded: closed by Tandem once a newer version of the record was linked automatically. */
  status: 'pending' | 'accepted' | 'rejected' | 'superseded';
  resolution: unknown;
  createdAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
}

// A candidate already linked to another record on the review's connection cannot take this one
// (one record per patient per connection): the reviewer is told so before choosing it.
const SELECT = `SELECT r.*, c.system,
    (SELECT coalesce(jsonb_object_agg(l.local_id, l.remote_id), '{}') FROM links l
      WHERE l.connection_id = r.connection_id AND l.entity_kind = r.entity_kind AND l.remote_id IS NOT NULL
        AND l.remote_id IS DISTINCT FROM r.remote_id
        AND l.local_id::text IN (SELECT jsonb_array_elements(r.candidates)->>'id')) AS linked_elsewhere
  FROM match_reviews r LEFT JOIN connections c ON c.id = r.connection_id`;

function toReview(r: Record<string, unknown>): MatchReview {
  return {
    id: r.id as string,
    connectionId: r.connection_id as string | null,
    system: r.system as string | null,
    entityKind: r.entity_kind as string,
    remoteId: r.remote_id as string | null,
    localId: r.local_id as string | null,
    incoming: r.incoming,
    candidates: (r.candidates as Omit<MatchReview['candidates'][number], 'alreadyLinkedTo'>[]).map((c) => ({
      ...c,
      alreadyLinkedTo: (r.linked_elsewhere as Record<string, string> | null)?.[c.id] ?? null,
    })),
    status: r.status as MatchReview['status'],
    resolution: r.resolution,
    createdAt: (r.created_at as Date).toISOString(),
    resolvedAt: r.resolved_at ? (r.resolved_at as Date).toISOString() : null,
    resolvedBy: r.resolved_by as string | null,
  };
}

export async function listMatchReviews(
  db: Queryable,
  practiceId: string,
  status: string,
  limit: number,
): Promise<MatchReview[]> {
  const { rows } = await db.query(
    `${SELECT} WHERE r.practice_id = $1 AND r.status = $2 ORDER BY r.created_at LIMIT $3`,
    [practiceId, status, limit],
  );
  return rows.map(toReview);
}

export async function getMatchReview(db: Queryable, practiceId: string, id: string): Promise<MatchReview> {
  if (!isUuid(id)) throw new NotFoundError('match review');
  const {
    rows: [row],
  } = await db.query(`${SELECT} WHERE r.practice_id = $1 AND r.id = $2`, [practiceId, id]);
  if (!row) throw new NotFoundError('match review');
  return toReview(row);
}

/**
 * Closes the open review of a remote record that has just been linked without one (a newer
 * version of it was decided automatically): there is nothing left for a person to decide.
 */
export async function supersedeReviews(
  db: Queryable,
  link: { connectionId: string; entityKind: string; remoteId: string; localId: string },
): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE match_reviews SET status = 'superseded', resolved_at = now(), resolved_by = 'tandem',
       resolution = jsonb_build_object('linkedTo', $4::text)
     WHERE connection_id = $1 AND entity_kind = $2 AND remote_id = $3 AND status = 'pending'`,
    [link.connectionId, link.entityKind, link.remoteId, link.localId],
  );
  return rowCount ?? 0;
}

async function lockPending(tx: Tx, ctx: ChangeContext, id: string): Promise<MatchReview> {
  const review = await getMatchReview(tx, ctx.practiceId, id);
  await tx.query('SELECT 1 FROM match_reviews WHERE id = $1 FOR UPDATE', [id]);
  if (review.status === 'superseded')
    throw new ConflictError('this review was closed: a newer version of the record was linked automatically');
  if (review.status !== 'pending') throw new ConflictError(`this review was already ${review.status}`);
  return review;
}

/** Moves everything of a provisional duplicate onto the chosen patient, then deletes the duplicate. */
async function mergePatient(tx: Tx, ctx: ChangeContext, duplicateId: string, survivorId: string): Promise<void> {
  const { rows: moved } = await tx.query(
    'UPDATE appointments SET patient_id = $3, updated_at = now(), version = version + 1 WHERE practice_id = $1 AND patient_id = $2 RETURNING id, version',
    [ctx.practiceId, duplicateId, survivorId],
  );
  // Each moved appointment is a change like any other: audited, and heard by the spokes.
  await recordChanges(
    tx,
    moved.map((a) => ({
      ...ctx,
      entityKind: 'appointment',
      entityId: a.id as string,
      action: 'updated' as const,
      version: a.version as number,
      fields: ['patientId'],
    })),
  );
  // A link of the duplicate moves over unless the survivor already has one on that connection.
  await tx.query(
    `UPDATE links l SET local_id = $3, updated_at = now() WHERE l.practice_id = $1 AND l.entity_kind = 'patient' AND l.local_id = $2
       AND NOT EXISTS (SELECT 1 FROM links s WHERE s.connection_id = l.connection_id AND s.entity_kind = 'patient' AND s.local_id = $3)`,
    [ctx.practiceId, duplicateId, survivorId],
  );
  const {
    rows: [dup],
  } = await tx.query(
    `UPDATE patients SET deleted_at = now(), version = version + 1, updated_at = now() WHERE practice_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING version`,
    [ctx.practiceId, duplicateId],
  );
  if (dup) await recordChange(tx, ctx, 'patient', duplicateId, 'deleted', dup.version, ['mergedInto']);
}

/** The core's view of a stored review: the incoming record is the provisional patient if one was made. */
function systemName(system: string | null): string {
  return system ? system.charAt(0).toUpperCase() + system.slice(1) : 'the other system';
}

function decide(review: MatchReview, decision: ReviewDecision) {
  const application = applyReviewDecision(
    {
      incomingId: review.localId ?? review.remoteId ?? review.id,
      status: review.status === 'pending' ? 'open' : review.status,
      candidates: review.candidates as ScoredCandidate[],
    },
    decision,
  );
  if (!application.ok) throw new ValidationError([{ field: 'patientId', message: application.error }]);
  return application.outcome;
}

/**
 * A patient links to one record per connection. Taking this one would orphan the record it is
 * linked to (which still carries our id in the other system), so it is refused in words.
 */
async function refuseSecondLink(tx: Tx, review: MatchReview, patientId: string): Promise<void> {
  const {
    rows: [other],
  } = await tx.query(
    `SELECT remote_id FROM links WHERE connection_id = $1 AND entity_kind = $2 AND local_id = $3
       AND remote_id IS NOT NULL AND remote_id <> $4`,
    [review.connectionId, review.entityKind, patientId, review.remoteId],
  );
  if (!other) return;
  const system = systemName(review.system);
  throw new ConflictError(
    `this patient is already linked to another ${system} record (${other.remote_id as string}) on this connection, ` +
      `and a patient links to one ${system} record per connection. If the two are the same person, merge them in ` +
      `${system} first; otherwise reject this review.`,
    [{ field: 'patientId', message: `already linked to ${system} record ${other.remote_id as string}` }],
  );
}

export async function acceptMatchReview(
  db: Db,
  ctx: ChangeContext,
  id: string,
  patientId: string,
): Promise<MatchReview> {
  return inTransaction(db, async (tx) => {
    const review = await lockPending(tx, ctx, id);
    const outcome = decide(review, {
      kind: 'accept',
      candidateId: patientId,
      action: review.localId ? 'merge' : 'link',
    });
    const {
      rows: [patient],
    } = await tx.query('SELECT id FROM patients WHERE practice_id = $1 AND id = $2 AND deleted_at IS NULL', [
      ctx.practiceId,
      patientId,
    ]);
    if (!patient)
      throw new ValidationError([
        { field: 'patientId', message: 'refers to a patient that no longer exists in this practice' },
      ]);
    switch (outcome.kind) {
      case 'merge':
        if (outcome.mergeId !== outcome.keepId) await mergePatient(tx, ctx, outcome.mergeId, outcome.keepId);
        break;
      case 'link':
        break;
      case 'create':
        throw new Error('accepting a review never creates a patient');
      default: {
        const unreachable: never = outcome;
        throw unreachable;
      }
    }
    if (review.connectionId && review.remoteId) {
      await refuseSecondLink(tx, review, patientId);
      await tx.query(
        `DELETE FROM links WHERE connection_id = $1 AND entity_kind = $2 AND remote_id = $3 AND local_id <> $4`,
        [review.connectionId, review.entityKind, review.remoteId, patientId],
      );
      await upsertLink(tx, {
        practiceId: ctx.practiceId,
        connectionId: review.connectionId,
        entityKind: review.entityKind,
        localId: patientId,
        remoteId: review.remoteId,
      });
    }
    await tx.query(
      `UPDATE match_reviews SET status = 'accepted', resolution = $2, resolved_at = now(), resolved_by = $3 WHERE id = $1`,
      [
        id,
        JSON.stringify({
          patientId,
          merged: outcome.kind === 'merge' && outcome.mergeId !== outcome.keepId ? outcome.mergeId : null,
        }),
        ctx.actor,
      ],
    );
    return getMatchReview(tx, ctx.practiceId, id);
  });
}

export async function rejectMatchReview(db: Db, ctx: ChangeContext, id: string): Promise<MatchReview> {
  return inTransaction(db, async (tx) => {
    decide(await lockPending(tx, ctx, id), { kind: 'reject' });
    await tx.query(
      `UPDATE match_reviews SET status = 'rejected', resolution = '{"differentPeople": true}', resolved_at = now(), resolved_by = $2 WHERE id = $1`,
      [id, ctx.actor],
    );
    return getMatchReview(tx, ctx.practiceId, id);
  });
}

/** The open review of a remote record, if one waits for a person (e.g. "why is this Hint patient not linked?"). */
export async function findPendingReview(
  db: Queryable,
  practiceId: string,
  connectionId: string,
  entityKind: string,
  remoteId: string,
): Promise<MatchReview | undefined> {
  const { rows } = await db.query(
    `${SELECT} WHERE r.practice_id = $1 AND r.connection_id = $2 AND r.entity_kind = $3 AND r.remote_id = $4
       AND r.status = 'pending' ORDER BY r.created_at LIMIT 1`,
    [practiceId, connectionId, entityKind, remoteId],
  );
  return rows[0] ? toReview(rows[0]) : undefined;
}

/** Whether a review of this remote record waits for a person (the cheap check, for paging through many). */
export async function hasPendingReview(
  db: Queryable,
  connectionId: string,
  entityKind: string,
  remoteId: string,
): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM match_reviews WHERE connection_id = $1 AND entity_kind = $2 AND remote_id = $3 AND status = 'pending' LIMIT 1`,
    [connectionId, entityKind, remoteId],
  );
  return rows.length > 0;
}

/**
 * Which of these local records a pending review of the connection offers as a candidate. One
 * pass over the reviews per call: tested per record instead, 100,000 patients against tens of
 * thousands of reviews never finishes.
 */
export async function candidatesUnderReview(db: Queryable, connectionId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await db.query(
    `SELECT DISTINCT c->>'id' AS id FROM match_reviews r CROSS JOIN jsonb_array_elements(r.candidates) c
     WHERE r.connection_id = $1 AND r.status = 'pending' AND c->>'id' = ANY($2::text[])`,
    [connectionId, ids],
  );
  return new Set(rows.map((r) => r.id as string));
}
