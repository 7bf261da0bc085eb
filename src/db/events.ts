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
  // No NOTIFY here: PostgreSQL serialises committing transactions that notify, which caps
  // write throughput. The writing process wakes its dispatcher itself (see jobs/outbox.ts).
  outboxWritten();
}

/**
 * The same two inserts as recordChange, as CTEs to attach to the statement that writes the
 * record (one round trip, one atomic statement). `source` is the CTE returning the record's row.
 */
export function changeCtes(source: string, params: unknown[], ctx: ChangeContext, entityKind: string,
  action: 'created' | 'updated' | 'deleted', fields: string[]): string {
  const at = params.length;
  params.push(ctx.practiceId, entityKind, action, ctx.origin, fields, ctx.actor);
  const [practice, kind, act, origin, changed, actor] = [1, 2, 3, 4, 5, 6].map((i) => `$${at + i}`);
  return `ev AS (INSERT INTO domain_events (practice_id, entity_kind, entity_id, action, version, origin, changed_fields)
      SELECT ${practice}, ${kind}, id, ${act}, version, ${origin}, ${changed} FROM ${source}),
    au AS (INSERT INTO audit_events (practice_id, actor, action, entity_kind, entity_id, fields)
      SELECT ${practice}, ${actor}, ${kind} || '.' || ${act}, ${kind}, id, ${changed} FROM ${source})`;
}

let onOutboxWritten: () => void = () => {};

/** Called after every outbox write; the composition root points it at the dispatcher's wake-up. */
export function outboxWritten(): void { onOutboxWritten(); }

export function setOutboxListener(listener: () => void): void { onOutboxWritten = listener; }
