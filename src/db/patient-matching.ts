// Finds the canonical patient an incoming person is, with the pure matcher (src/core/matching):
// candidates are fetched by several blocking keys (dob and its day/month swap, surname, email,
// any phone, Medicare number, the hub id the remote holds), so one changed field does not hide
// a true match; the matcher then scores and decides. Uncertain results become match reviews.
import { matcherDecisions } from '../metrics.ts';
import type { QueryResultRow } from 'pg';
import {
  matchOne,
  termFrequenciesFromCounts,
  type MatchOptions,
  type TermFrequencies,
  type MatchRecord,
  type MatchResult,
  type ScoredCandidate,
} from '../core/matching/index.ts';
import { formatDate, parseDate } from '../core/matching/normalize/dates.ts';
import { normalizeEmail } from '../core/matching/normalize/emails.ts';
import { normalizePhone } from '../core/matching/normalize/phones.ts';
import { digitsOnly } from '../core/matching/normalize/text.ts';
import type { Queryable } from './pool.ts';
import { isUuid } from '../core/ids.ts';

const MAX_CANDIDATES = 200;

export function patientToMatchRecord(r: QueryResultRow): MatchRecord {
  return {
    id: r.id,
    firstName: r.first_name,
    middleName: r.middle_name,
    lastName: r.last_name,
    preferredName: r.preferred_name,
    dob: r.dob,
    sex: r.sex,
    email: r.email,
    phones: (r.phones as { number: string }[]).map((p) => p.number),
    addressLine1: r.address_line1,
    addressLine2: r.address_line2,
    city: r.city,
    state: r.state,
    postcode: r.postcode,
    country: r.country,
    medicareNumber: r.medicare_number,
    medicareIrn: r.medicare_irn,
  };
}

/** The blocking keys of one incoming person, as SQL-ready values. */
function keysOf(incoming: MatchRecord, region: string) {
  const dob = incoming.dob ? parseDate(incoming.dob, region === 'US' ? 'MDY' : 'DMY') : null;
  const dobs = dob
    ? [formatDate(dob), ...(dob.d <= 12 && dob.d !== dob.m ? [formatDate({ y: dob.y, m: dob.d, d: dob.m })] : [])]
    : [];
  const phones = [incoming.phone, ...(incoming.phones ?? [])]
    .map((p) => normalizePhone(p, region))
    .filter((p): p is string => !!p);
  const emails = [incoming.email, ...(incoming.emails ?? [])]
    .map((e) => normalizeEmail(e))
    .filter((e): e is string => !!e);
  const medicare = incoming.medicareNumber ? digitsOnly(incoming.medicareNumber).slice(0, 10) : null;
  const hubId =
    incoming.integrationRecordId && isUuid(incoming.integrationRecordId) ? incoming.integrationRecordId : null;
  return { dobs, phones, emails, medicare, hubId, lastName: incoming.lastName?.trim().toLowerCase() || null };
}

export async function findPatientCandidates(
  db: Queryable,
  practiceId: string,
  incoming: MatchRecord,
  region = 'AU',
): Promise<MatchRecord[]> {
  const k = keysOf(incoming, region);
  const phoneDocs = k.phones.map((number) => JSON.stringify([{ number }]));
  // Strong keys first, the surname block after: in a large practice thousands share a
  // surname, and an unordered LIMIT over both would drop the twin that shares the dob.
  const { rows } = await db.query(
    `(SELECT *, 0 AS block FROM patients WHERE practice_id = $1 AND deleted_at IS NULL AND (
        dob = ANY($2::date[]) OR lower(email) = ANY($4::text[]) OR phones @> ANY($5::jsonb[]) OR medicare_number = $6 OR id = $7::uuid)
      LIMIT $8)
     UNION ALL
     (SELECT *, 1 AS block FROM patients WHERE practice_id = $1 AND deleted_at IS NULL AND lower(last_name) = $3 LIMIT $8)
     ORDER BY block`,
    [practiceId, k.dobs, k.lastName, k.emails, phoneDocs, k.medicare, k.hubId, MAX_CANDIDATES],
  );
  const byId = new Map<string, QueryResultRow>();
  for (const r of rows) if (byId.size < MAX_CANDIDATES && !byId.has(r.id)) byId.set(r.id, r);
  return [...byId.values()].map(patientToMatchRecord);
}

/** The practice's size, a prior of the matcher: counted at most every few seconds, not per record. */
const POPULATION_TTL_MS = 5_000;
const populations = new Map<string, { n: number; at: number }>();

async function populationOf(db: Queryable, practiceId: string): Promise<number> {
  const cached = populations.get(practiceId);
  if (cached && Date.now() - cached.at < POPULATION_TTL_MS) return cached.n;
  const {
    rows: [count],
  } = await db.query('SELECT count(*)::int AS n FROM patients WHERE practice_id = $1 AND deleted_at IS NULL', [
    practiceId,
  ]);
  if (populations.size > 1000) populations.clear();
  populations.set(practiceId, { n: count.n, at: Date.now() });
  return count.n;
}

/** Below this many patients, name frequencies are too noisy to weigh names by. */
const FREQUENCIES_FROM = 500;
const FREQUENCIES_TTL_MS = 60_000;
const frequencyCache = new Map<string, { at: number; table: Promise<TermFrequencies> }>();

/**
 * How common each first and last name is in the practice, counted at most once a minute (two
 * grouped scans; shared by the matches running meanwhile). In a practice of thousands, two
 * people named Smith agreeing on the surname say little; two named Tschitrpig say a lot.
 */
function nameFrequenciesOf(
  db: Queryable,
  practiceId: string,
  population: number,
): Promise<TermFrequencies> | undefined {
  if (population < FREQUENCIES_FROM) return undefined;
  const cached = frequencyCache.get(practiceId);
  if (cached && Date.now() - cached.at < FREQUENCIES_TTL_MS) return cached.table;
  const counts = (column: 'first_name' | 'last_name') =>
    db
      .query<{ v: string; n: number }>(
        `SELECT ${column} AS v, count(*)::int AS n FROM patients
         WHERE practice_id = $1 AND deleted_at IS NULL AND ${column} IS NOT NULL GROUP BY 1`,
        [practiceId],
      )
      .then((r) => r.rows.map((row) => [row.v, row.n] as const));
  const table = Promise.all([counts('first_name'), counts('last_name')]).then(([first, last]) =>
    termFrequenciesFromCounts(first, last, population),
  );
  // A failed count is not kept: the next match counts again.
  table.catch(() => frequencyCache.delete(practiceId));
  if (frequencyCache.size > 50) frequencyCache.clear();
  frequencyCache.set(practiceId, { at: Date.now(), table });
  return table;
}

export async function matchPatient(
  db: Queryable,
  practiceId: string,
  incoming: MatchRecord,
  options: MatchOptions & { region?: string } = {},
): Promise<MatchResult> {
  const region = options.region ?? 'AU';
  const candidates = await findPatientCandidates(db, practiceId, incoming, region);
  const population = options.population ?? (await populationOf(db, practiceId));
  const termFrequencies = options.termFrequencies ?? (await nameFrequenciesOf(db, practiceId, population));
  const result = matchOne(incoming, candidates, {
    population: Math.max(1000, population),
    termFrequencies,
    normalize: { defaultCountry: region, dateOrder: region === 'US' ? 'MDY' : 'DMY' },
    ...options,
  });
  matcherDecisions.inc({ decision: result.kind });
  return result;
}

export interface NewMatchReview {
  practiceId: string;
  connectionId: string | null;
  entityKind?: string;
  remoteId: string | null;
  localId?: string | null;
  /** What the matcher saw. Stored in the database (which holds PHI anyway), never logged. */
  incoming: MatchRecord;
  candidates: ScoredCandidate[];
}

/** Queues an uncertain match for a person to decide; one pending review per remote record. */
export async function createMatchReview(db: Queryable, review: NewMatchReview): Promise<string> {
  if (review.connectionId && review.remoteId) {
    const {
      rows: [existing],
    } = await db.query(
      `UPDATE match_reviews SET incoming = $4, candidates = $5, local_id = coalesce($6, local_id)
       WHERE connection_id = $1 AND entity_kind = $2 AND remote_id = $3 AND status = 'pending' RETURNING id`,
      [
        review.connectionId,
        review.entityKind ?? 'patient',
        review.remoteId,
        JSON.stringify(review.incoming),
        JSON.stringify(review.candidates),
        review.localId ?? null,
      ],
    );
    if (existing) return existing.id;
  }
  const {
    rows: [row],
  } = await db.query(
    `INSERT INTO match_reviews (practice_id, connection_id, entity_kind, remote_id, local_id, incoming, candidates)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      review.practiceId,
      review.connectionId,
      review.entityKind ?? 'patient',
      review.remoteId,
      review.localId ?? null,
      JSON.stringify(review.incoming),
      JSON.stringify(review.candidates),
    ],
  );
  return row.id;
}
