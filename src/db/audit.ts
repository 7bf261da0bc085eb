// Audit events for actions that change no record (a retry asked for, a replay): who did what
// to which record, with field names at most — never values.
import type { Queryable } from './pool.ts';

export interface AuditAction {
  practiceId: string;
  actor: string;
  action: string;
  entityKind: string;
  entityId: string;
  fields?: string[];
}

export async function writeAudit(db: Queryable, a: AuditAction): Promise<void> {
  await db.query(
    `INSERT INTO audit_events (practice_id, actor, action, entity_kind, entity_id, fields) VALUES ($1, $2, $3, $4, $5, $6)`,
    [a.practiceId, a.actor, a.action, a.entityKind, a.entityId, a.fields ?? []],
  );
}
