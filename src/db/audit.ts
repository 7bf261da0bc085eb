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

/** Many audit events in one statement (a batch's chunk). */
export async function writeAudits(db: Queryable, audits: AuditAction[]): Promise<void> {
  if (audits.length === 0) return;
  await db.query(
    `INSERT INTO audit_events (practice_id, actor, action, entity_kind, entity_id, fields)
     SELECT x.practice_id, x.actor, x.action, x.entity_kind, x.entity_id, ARRAY(SELECT jsonb_array_elements_text(x.fields))
     FROM jsonb_to_recordset($1::jsonb) AS x(practice_id uuid, actor text, action text, entity_kind text, entity_id text, fields jsonb)`,
    [
      JSON.stringify(
        audits.map((a) => ({
          practice_id: a.practiceId,
          actor: a.actor,
          action: a.action,
          entity_kind: a.entityKind,
          entity_id: a.entityId,
          fields: a.fields ?? [],
        })),
      ),
    ],
  );
}
