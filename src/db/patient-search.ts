// Patient look-ups for connectors that link people by hand or by exact demographics: a live
// search among patients linked on one system (each typed word must match a name, the e-mail,
// the date of birth or a phone), and exact first name + last name + date of birth matches.
import type { Queryable } from './pool.ts';
import { patients } from './records/kinds.ts';
import { fromRow } from './records/definition.ts';
import type { Json } from './records/repository.ts';

const linkedOn = (param: string) => `EXISTS (SELECT 1 FROM links l JOIN connections c ON c.id = l.connection_id
    WHERE l.practice_id = p.practice_id AND l.entity_kind = 'patient' AND l.local_id = p.id
      AND c.system = ${param} AND l.remote_id IS NOT NULL)`;

/** Up to `limit` patients linked on `system` whose every word of `query` matches something. */
export async function searchLinkedPatients(
  db: Queryable,
  practiceId: string,
  system: string,
  query: string,
  limit: number,
): Promise<Json[]> {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 5);
  const params: unknown[] = [practiceId, system];
  const where = words.map((w) => {
    params.push(`%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const n = `$${params.length}`;
    return `(lower(p.first_name) LIKE ${n} OR lower(p.last_name) LIKE ${n} OR lower(coalesce(p.preferred_name, '')) LIKE ${n}
      OR lower(coalesce(p.email, '')) LIKE ${n} OR p.dob::text LIKE ${n} OR p.phones::text LIKE ${n})`;
  });
  params.push(limit);
  const { rows } = await db.query(
    `SELECT p.* FROM patients p WHERE p.practice_id = $1 AND p.deleted_at IS NULL AND ${linkedOn('$2')}
       ${where.length ? `AND ${where.join(' AND ')}` : ''}
     ORDER BY lower(p.last_name), lower(p.first_name), p.id LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => fromRow(patients, r));
}

/** Patients with exactly this first name, last name (case-insensitive) and date of birth; optionally only those linked on `system`. */
export async function findByDemographics(
  db: Queryable,
  practiceId: string,
  person: { firstName: string; lastName: string; dob: string },
  system?: string,
): Promise<Json[]> {
  const { rows } = await db.query(
    `SELECT p.* FROM patients p WHERE p.practice_id = $1 AND p.deleted_at IS NULL
       AND lower(p.first_name) = lower($2) AND lower(p.last_name) = lower($3) AND p.dob = $4::date
       ${system ? `AND ${linkedOn('$5')}` : ''}
     ORDER BY p.created_at LIMIT 10`,
    system
      ? [practiceId, person.firstName.trim(), person.lastName.trim(), person.dob, system]
      : [practiceId, person.firstName.trim(), person.lastName.trim(), person.dob],
  );
  return rows.map((r) => fromRow(patients, r));
}

/** A page of patients linked on `system`, in id order after `afterId` (for batches walking them all). */
export async function linkedPatientsPage(
  db: Queryable,
  practiceId: string,
  system: string,
  afterId: string | null,
  limit: number,
): Promise<Json[]> {
  const { rows } = await db.query(
    `SELECT p.* FROM patients p WHERE p.practice_id = $1 AND p.deleted_at IS NULL AND ${linkedOn('$2')}
       AND ($3::uuid IS NULL OR p.id > $3::uuid)
     ORDER BY p.id LIMIT $4`,
    [practiceId, system, afterId, limit],
  );
  return rows.map((r) => fromRow(patients, r));
}
