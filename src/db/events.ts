// The outbox and the audit trail, written inside the caller's transaction.
import type { Queryable } from './pool.ts';

/** Where a change came from: the API, the CLI, or a connection (so that spoke is not told its own change). */
export type ChangeOrigin = 'api' | 'cli' | 'system' | `connection:${string}`;

export interface ChangeContext {
  practiceId: string;
  actor: string;
  origin: ChangeOrigin;
}

export type ChangeAction = 'created' | 'updated' | 'deleted';

/** One change to one record, as the outbox and the audit trail record it. */
export interface Change extends ChangeContext {
  entityKind: string;
  entityId: string;
  action: ChangeAction;
  version: number;
  /** Field names only, never values: the audit trail and the outbox carry no PHI. */
  fields: string[];
}

/**
 * CTEs `ev` and `au` inserting a domain event and an audit event per change, with their
 * parameters appended to `params`. Attached to the statement that writes the records, they
 * make the change and its events one atomic statement; every writer of events uses this.
 */
export function changeCtes(changes: Change[], params: unknown[]): string {
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const events = changes.map(
    (c) =>
      `(${p(c.practiceId)}::uuid, ${p(c.entityKind)}, ${p(c.entityId)}::uuid, ${p(c.action)}, ${p(c.version)}::int, ${p(c.origin)}, ${p(c.fields)}::text[])`,
  );
  const audits = changes.map(
    (c) =>
      `(${p(c.practiceId)}::uuid, ${p(c.actor)}, ${p(`${c.entityKind}.${c.action}`)}, ${p(c.entityKind)}, ${p(c.entityId)}, ${p(c.fields)}::text[])`,
  );
  return `ev AS (INSERT INTO domain_events (practice_id, entity_kind, entity_id, action, version, origin, changed_fields) VALUES ${events.join(', ')}),
    au AS (INSERT INTO audit_events (practice_id, actor, action, entity_kind, entity_id, fields) VALUES ${audits.join(', ')})`;
}

/**
 * CTEs `ev` and `au` writing one event of each per row of the CTE `source` (columns practice_id,
 * id, version): the events of an UPDATE … RETURNING in the same statement, so a change needs no
 * read of its row first. Parameters are appended to `params`.
 */
export function changeCtesFrom(
  source: string,
  c: Omit<Change, 'practiceId' | 'entityId' | 'version'>,
  params: unknown[],
): string {
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const [kind, fields] = [p(c.entityKind), p(c.fields)];
  return `ev AS (INSERT INTO domain_events (practice_id, entity_kind, entity_id, action, version, origin, changed_fields)
      SELECT practice_id, ${kind}, id, ${p(c.action)}, version, ${p(c.origin)}, ${fields}::text[] FROM ${source}),
    au AS (INSERT INTO audit_events (practice_id, actor, action, entity_kind, entity_id, fields)
      SELECT practice_id, ${p(c.actor)}, ${p(`${c.entityKind}.${c.action}`)}, ${kind}, id::text, ${fields}::text[] FROM ${source})`;
}

/** Writes one change's events on their own (inside the caller's transaction). */
export async function recordChange(
  db: Queryable,
  ctx: ChangeContext,
  entityKind: string,
  entityId: string,
  action: ChangeAction,
  version: number,
  fields: string[],
): Promise<void> {
  await recordChanges(db, [{ ...ctx, entityKind, entityId, action, version, fields }]);
}

/** Writes the events of many changes in one statement (inside the caller's transaction). */
export async function recordChanges(db: Queryable, changes: Change[]): Promise<void> {
  if (changes.length === 0) return;
  const params: unknown[] = [];
  await db.query(`WITH ${changeCtes(changes, params)} SELECT 1`, params);
  // No NOTIFY here: PostgreSQL serialises committing transactions that notify, which caps
  // write throughput. The writing process wakes its dispatcher itself (see jobs/outbox.ts).
  outboxWritten();
}

let onOutboxWritten: () => void = () => {};

/** Called after every outbox write; the composition root points it at the dispatcher's wake-up. */
export function outboxWritten(): void {
  onOutboxWritten();
}

export function setOutboxListener(listener: () => void): void {
  onOutboxWritten = listener;
}

/** Audit events for an operation that changes no record (jobs retried, an event replayed), one per entity. */
export async function writeAudit(
  db: Queryable,
  a: { practiceId: string; actor: string; action: string; entityKind: string; entityIds: string[] },
): Promise<void> {
  if (a.entityIds.length === 0) return;
  await db.query(
    `INSERT INTO audit_events (practice_id, actor, action, entity_kind, entity_id)
     SELECT $1, $2, $3, $4, unnest($5::text[])`,
    [a.practiceId, a.actor, a.action, a.entityKind, a.entityIds],
  );
}
