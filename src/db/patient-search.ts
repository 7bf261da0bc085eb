// Patient look-ups for connectors that link people by hand or by exact demographics: a live
// search among patients linked on one system (each typed word must match a name, the e-mail,
// the date of birth or a phone), and exact first name + last name + date of birth matches.
import { isUuid } from '../core/ids.ts';
import type { Queryable } from './pool.ts';
import { patients } from './records/kinds.ts';
import { fromRow } from './records/definition.ts';
import type { Json } from './records/repository.ts';

const linkedOn = (param: string) => `EXISTS (SELECT 1 FROM links l JOIN connections c ON c.id = l.connection_id
    WHERE l.practice_id = p.practice_id AND l.entity_kind = 'patient' AND l.local_id = p.id
      AND c.system = ${param} AND l.remote_id IS NOT NULL)`;

/** Names, e-mail, date of birth and phones, lower-cased (a generated column, migration 024). */
const SEARCH_TEXT = 'p.search_text';
/** More trigram matches than this: the words are common, and walking patients in name order finds a page sooner. */
const RARE = 2000;

/**
 * Up to `limit` patients linked on `system` whose every word of `query` matches something (a
 * name, the e-mail, the date of birth or a phone), in name order. Words of three or more
 * characters ask the trigram index (migration 024) first, bounded: up to RARE matches are
 * ordered directly; more, or a shorter word, and patients are walked in name order
 * (patients_practice_name) until the page is full, which is quick exactly because the words are
 * common. PostgreSQL cannot tell the two cases apart from its estimates, hence the probe.
 */
export async function searchLinkedPatients(
  db: Queryable,
  practiceId: string,
  system: string,
  query: string,
  limit: number,
): Promise<Json[]> {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 5);
  const patterns = words.map((w) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const connections = await connectionsOn(db, practiceId, system);
  if (connections.length === 0) return [];
  // Ids from the database, checked to be UUIDs: inlined, PostgreSQL estimates each connection's links.
  const linked = `EXISTS (SELECT 1 FROM links l WHERE l.practice_id = p.practice_id AND l.entity_kind = 'patient'
      AND l.local_id = p.id AND l.connection_id IN (${connections.map((id) => `'${id}'::uuid`).join(', ')})
      AND l.remote_id IS NOT NULL)`;
  const order = 'ORDER BY lower(p.last_name), lower(p.first_name), p.id';
  // One LIKE per word (parameters from $from on): a GIN index serves `LIKE $n`, not `LIKE ALL(array)`.
  const like = (from: number) => patterns.map((_, i) => `AND ${SEARCH_TEXT} LIKE $${i + from}`).join(' ');
  if (words.length > 0 && words.every((w) => w.length >= 3)) {
    const { rows: found } = await db.query(
      `SELECT p.id FROM patients p WHERE p.practice_id = $1 AND p.deleted_at IS NULL ${like(2)} LIMIT ${RARE + 1}`,
      [practiceId, ...patterns],
    );
    if (found.length <= RARE) {
      const { rows } = await db.query(
        `SELECT p.* FROM patients p WHERE p.id = ANY($1::uuid[]) AND ${linked} ${order} LIMIT $2`,
        [found.map((r) => r.id as string), limit],
      );
      return rows.map((r) => fromRow(patients, r));
    }
  }
  const { rows } = await db.query(
    `SELECT p.* FROM patients p WHERE p.practice_id = $1 AND p.deleted_at IS NULL ${like(3)} AND ${linked}
     ${order} LIMIT $2`,
    [practiceId, limit, ...patterns],
  );
  return rows.map((r) => fromRow(patients, r));
}

async function connectionsOn(db: Queryable, practiceId: string, system: string): Promise<string[]> {
  const { rows } = await db.query('SELECT id FROM connections WHERE practice_id = $1 AND system = $2', [
    practiceId,
    system,
  ]);
  return rows.map((r) => r.id as string).filter(isUuid);
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

export interface Demographics {
  firstName: string;
  lastName: string;
  dob: string;
}

/** The key findManyByDemographics answers by: names trimmed and lower-cased, the full date. */
export const demographicKey = (d: Demographics) =>
  `${d.firstName.trim().toLowerCase()}|${d.lastName.trim().toLowerCase()}|${d.dob}`;

/**
 * findByDemographics for many people in one query (a batch's chunk): each person's key → the
 * matching patients (up to 10 each, oldest first); a person with none is absent.
 */
export async function findManyByDemographics(
  db: Queryable,
  practiceId: string,
  people: Demographics[],
  system: string,
): Promise<Map<string, Json[]>> {
  const out = new Map<string, Json[]>();
  const keys = [...new Map(people.map((d) => [demographicKey(d), d])).values()];
  if (keys.length === 0) return out;
  const { rows } = await db.query(
    `SELECT m.* FROM jsonb_to_recordset($2::jsonb) AS q(first text, last text, dob date)
     CROSS JOIN LATERAL (
       SELECT p.* FROM patients p WHERE p.practice_id = $1 AND p.deleted_at IS NULL
         AND lower(p.last_name) = q.last AND lower(p.first_name) = q.first AND p.dob = q.dob AND ${linkedOn('$3')}
       ORDER BY p.created_at LIMIT 10) m`,
    [
      practiceId,
      JSON.stringify(
        keys.map((d) => ({
          first: d.firstName.trim().toLowerCase(),
          last: d.lastName.trim().toLowerCase(),
          dob: d.dob,
        })),
      ),
      system,
    ],
  );
  for (const r of rows) {
    const patient = fromRow(patients, r);
    const key = demographicKey({
      firstName: String(patient.firstName),
      lastName: String(patient.lastName),
      dob: String(patient.dob),
    });
    out.set(key, [...(out.get(key) ?? []), patient]);
  }
  return out;
}
