// The outbox and the audit trail, written inside the caller's transaction.
import type { Queryable } from './pool.ts';

/** Where a change came from: the API, the CLI, or a connection (so that spoke is not told its own change). */
export type ChangeOrigin = 'api' | 'cli' | 'system' | `connection:${string}`;

export interface ChangeContext { practiceId: string; actor: string; origin: ChangeOrigin }

export async function recordChange(
  db: Queryable, ctx: ChangeContext, entityKind: string, entityId: string,
  action: 'created' | 'updated' | 'deleted', version: number, fields: string[],
): Promise<void> {
  // Field names only, never values: the audit trail and the outbox carry no PHI.
  await db.query(
    `WITH e AS (
       INSERT INTO domain_events (practice_id, entity_kind, entity_id, action, version, origin, changed_fields)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
     )
     INSERT INTO audit_events (practice_id, actor, action, entity_kind, entity_id, fields)
     VALUES ($1, $8, $2 || '.' || $4, $2, $3, $7)`,
    [ctx.practiceId, entityKind, entityId, action, version, ctx.origin, fields, ctx.actor]);
  await db.query(`SELECT pg_notify('tandem_outbox', $1)`, [ctx.practiceId]);
}
