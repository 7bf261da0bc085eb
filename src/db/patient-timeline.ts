// A patient's timeline for the console: every inbound event, decision, change, outbound write and
// error concerning one canonical patient, newest first, assembled from what the hub already
// keeps (links, inbox, audit events, log entries, match reviews, batch items). Entries carry ids,
// field names and reasons only — never names, dates of birth or contacts.
import type { Queryable } from './pool.ts';

export type TimelineKind = 'inbound' | 'decision' | 'change' | 'outbound' | 'error';

export interface TimelineEntry {
  at: string;
  kind: TimelineKind;
  /** The system concerned: 'hint', 'healthengine', … or 'tandem' for the hub itself. */
  system: string;
  title: string;
  detail: string | null;
  /** What the entry is about when it is not the patient itself (e.g. one of its appointments). */
  subject: { kind: string; id: string } | null;
}

interface Scope {
  practiceId: string;
  patientId: string;
  appointmentIds: string[];
  links: LinkRow[];
  systems: Map<string, string>; // connection id → system
  limit: number;
}

interface LinkRow {
  connection_id: string;
  system: string;
  remote_id: string | null;
  status: string;
  error_message: string | null;
  last_synced_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const iso = (d: Date) => d.toISOString();
const systemName: Record<string, string> = { hint: 'Hint', healthengine: 'Healthengine', salesforce: 'Salesforce' };
const nameOf = (system: string) => systemName[system] ?? system;

/** Who made a change, in words: a connection's system, the console, an API token or the hub. */
function actorOf(actor: string, systems: Map<string, string>): { system: string; label: string } {
  if (actor.startsWith('connection:')) {
    const system = systems.get(actor.slice('connection:'.length)) ?? 'connection';
    return { system, label: nameOf(system) };
  }
  if (actor.startsWith('user:')) return { system: 'tandem', label: 'a console user' };
  if (actor.startsWith('token:') || actor === 'bootstrap-token') return { system: 'tandem', label: 'an API client' };
  return { system: 'tandem', label: actor === 'cli' ? 'the CLI' : 'Tandem' };
}

function linkEntries(s: Scope): TimelineEntry[] {
  return s.links.flatMap((l) => {
    const system = nameOf(l.system);
    const out: TimelineEntry[] = [
      {
        at: iso(l.created_at),
        kind: 'decision',
        system: l.system,
        title: l.remote_id ? `Linked to ${system} record ${l.remote_id}` : `Link to ${system} started`,
        detail: null,
        subject: null,
      },
    ];
    if (l.last_synced_at)
      out.push({
        at: iso(l.last_synced_at),
        kind: 'outbound',
        system: l.system,
        title: `Last synced with ${system}`,
        detail: `link status ${l.status}`,
        subject: null,
      });
    if (l.status === 'errored')
      out.push({
        at: iso(l.updated_at),
        kind: 'error',
        system: l.system,
        title: `Cannot sync with ${system}`,
        detail: l.error_message,
        subject: null,
      });
    return out;
  });
}

async function auditEntries(db: Queryable, s: Scope): Promise<TimelineEntry[]> {
  const { rows } = await db.query(
    `(SELECT actor, action, entity_kind, entity_id, fields, created_at FROM audit_events
      WHERE practice_id = $1 AND entity_kind = 'patient' AND entity_id = $2 ORDER BY id DESC LIMIT $4)
     UNION ALL
     (SELECT actor, action, entity_kind, entity_id, fields, created_at FROM audit_events
      WHERE practice_id = $1 AND entity_kind = 'appointment' AND entity_id = ANY($3::text[]) ORDER BY id DESC LIMIT $4)`,
    [s.practiceId, s.patientId, s.appointmentIds, s.limit],
  );
  return rows.map((r) => {
    const who = actorOf(r.actor, s.systems);
    const [, verb] = String(r.action).split('.');
    if (verb === 'sync-retried') {
      const system = (r.fields as string[])[0] ?? 'connection';
      return {
        at: iso(r.created_at),
        kind: 'outbound',
        system,
        title: `Retry of the ${nameOf(system)} sync asked by ${who.label}`,
        detail: null,
        subject: null,
      } satisfies TimelineEntry;
    }
    const record = r.entity_kind === 'patient' ? 'Patient' : 'Appointment';
    const fields = (r.fields as string[]).filter((f) => f !== 'mergedInto');
    const merged = (r.fields as string[]).includes('mergedInto');
    return {
      at: iso(r.created_at),
      // A change arriving from a connected system is an inbound event taking effect.
      kind: who.system === 'tandem' ? 'change' : 'inbound',
      system: who.system,
      title: merged ? `${record} merged into another by ${who.label}` : `${record} ${verb} by ${who.label}`,
      detail: fields.length > 0 ? `fields: ${fields.join(', ')}` : null,
      subject: r.entity_kind === 'patient' ? null : { kind: r.entity_kind, id: r.entity_id },
    } satisfies TimelineEntry;
  });
}

async function logEntries(db: Queryable, s: Scope): Promise<TimelineEntry[]> {
  const { rows } = await db.query(
    `SELECT level, message, connection_id, entity_kind, entity_id, created_at FROM log_entries
     WHERE practice_id = $1 AND entity_id = ANY($2::text[]) ORDER BY id DESC LIMIT $3`,
    [s.practiceId, [s.patientId, ...s.appointmentIds], s.limit],
  );
  return rows.map((r) => ({
    at: iso(r.created_at),
    kind: r.level === 'debug' ? 'decision' : 'error',
    system: (r.connection_id && s.systems.get(r.connection_id)) || 'tandem',
    title: r.message,
    detail: r.level === 'exception' ? 'exception (see the log)' : null,
    subject: r.entity_id === s.patientId ? null : { kind: r.entity_kind ?? 'record', id: r.entity_id },
  }));
}

/** Webhooks about the patient's Hint record, found by the record id inside the event. */
async function inboxEntries(db: Queryable, s: Scope): Promise<TimelineEntry[]> {
  const linked = s.links.filter((l) => l.remote_id !== null);
  if (linked.length === 0) return [];
  const { rows } = await db.query(
    `SELECT i.connection_id, i.event_type, i.status, i.error, i.received_at, i.processed_at
     FROM inbox i JOIN unnest($2::uuid[], $3::text[]) AS k(connection_id, remote_id)
       ON i.connection_id = k.connection_id AND i.payload #>> '{object,id}' = k.remote_id
     WHERE i.practice_id = $1 ORDER BY i.id DESC LIMIT $4`,
    [s.practiceId, linked.map((l) => l.connection_id), linked.map((l) => l.remote_id), s.limit],
  );
  return rows.map((r) => {
    const system = s.systems.get(r.connection_id) ?? 'connection';
    return {
      at: iso(r.received_at),
      kind: r.status === 'failed' ? 'error' : 'inbound',
      system,
      title: `${nameOf(system)} event ${r.event_type} received`,
      detail: r.status === 'pending' ? 'waiting to be processed' : `${r.status}${r.error ? `: ${r.error}` : ''}`,
      subject: null,
    };
  });
}

async function reviewEntries(db: Queryable, s: Scope): Promise<TimelineEntry[]> {
  const { rows } = await db.query(
    `SELECT r.id, r.connection_id, r.candidates, r.status, r.resolution, r.created_at, r.resolved_at, r.resolved_by, r.local_id
     FROM match_reviews r
     WHERE r.practice_id = $1 AND (r.local_id = $2 OR r.candidates @> $3::jsonb OR r.resolution ->> 'patientId' = $2::text)
     ORDER BY r.created_at DESC LIMIT $4`,
    [s.practiceId, s.patientId, JSON.stringify([{ id: s.patientId }]), s.limit],
  );
  return rows.flatMap((r) => {
    const system = (r.connection_id && s.systems.get(r.connection_id)) || 'tandem';
    const mine = (r.candidates as { id: string; score: number }[]).find((c) => c.id === s.patientId);
    const out: TimelineEntry[] = [
      {
        at: iso(r.created_at),
        kind: 'decision',
        system,
        title:
          r.local_id === s.patientId
            ? 'Created while an uncertain match waits for review'
            : `Uncertain match sent to review (score ${mine?.score ?? '?'})`,
        detail: `review ${r.id}`,
        subject: { kind: 'review', id: r.id },
      },
    ];
    if (r.resolved_at) {
      const resolution = (r.resolution ?? {}) as { patientId?: string; merged?: string | null };
      const who = actorOf(r.resolved_by ?? 'system', s.systems).label;
      const title =
        r.status === 'rejected'
          ? `Review rejected by ${who}: different people`
          : resolution.patientId === s.patientId
            ? `Review accepted by ${who}: ${resolution.merged ? 'merged into this patient' : 'linked to this patient'}`
            : `Review accepted by ${who}: another patient chosen`;
      out.push({
        at: iso(r.resolved_at),
        kind: 'decision',
        system,
        title,
        detail: `review ${r.id}`,
        subject: { kind: 'review', id: r.id },
      });
    }
    return out;
  });
}

const batchActions: Record<string, string> = {
  link: 'matched and linked',
  create_local: 'created in Tandem',
  create_remote: 'created on the remote system',
  review: 'sent to review',
  skip: 'skipped',
  error: 'failed',
  already_linked: 'already linked',
};

async function batchEntries(db: Queryable, s: Scope): Promise<TimelineEntry[]> {
  const { rows } = await db.query(
    `SELECT i.action, i.message, i.remote_id, i.created_at, b.kind, b.dry_run, b.id AS batch_id, b.connection_id
     FROM batch_items i JOIN batches b ON b.id = i.batch_id
     WHERE i.practice_id = $1 AND i.local_id = $2 ORDER BY i.id DESC LIMIT $3`,
    [s.practiceId, s.patientId, s.limit],
  );
  return rows.map((r) => ({
    at: iso(r.created_at),
    kind: r.action === 'error' ? 'error' : 'decision',
    system: (r.connection_id && s.systems.get(r.connection_id)) || 'tandem',
    title: `${r.dry_run ? 'Dry run' : String(r.kind).replaceAll('_', ' ').replaceAll('-', ' ')}: ${batchActions[r.action] ?? r.action}${r.remote_id ? ` (${r.remote_id})` : ''}`,
    detail: r.message,
    subject: { kind: 'batch', id: r.batch_id },
  }));
}

export async function patientTimeline(
  db: Queryable,
  practiceId: string,
  patientId: string,
  limit = 200,
): Promise<TimelineEntry[]> {
  const [{ rows: links }, { rows: appointments }, { rows: connections }] = await Promise.all([
    db.query<LinkRow>(
      `SELECT l.connection_id, c.system, l.remote_id, l.status, l.error_message, l.last_synced_at, l.created_at, l.updated_at
       FROM links l JOIN connections c ON c.id = l.connection_id
       WHERE l.practice_id = $1 AND l.entity_kind = 'patient' AND l.local_id = $2`,
      [practiceId, patientId],
    ),
    db.query(
      `SELECT id FROM appointments WHERE practice_id = $1 AND patient_id = $2 ORDER BY starts_at DESC LIMIT 200`,
      [practiceId, patientId],
    ),
    db.query('SELECT id, system FROM connections WHERE practice_id = $1', [practiceId]),
  ]);
  const scope: Scope = {
    practiceId,
    patientId,
    appointmentIds: appointments.map((a) => String(a.id)),
    links,
    systems: new Map(connections.map((c) => [String(c.id), String(c.system)])),
    limit,
  };
  const parts = await Promise.all([
    auditEntries(db, scope),
    logEntries(db, scope),
    inboxEntries(db, scope),
    reviewEntries(db, scope),
    batchEntries(db, scope),
  ]);
  return [...linkEntries(scope), ...parts.flat()].sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit);
}
