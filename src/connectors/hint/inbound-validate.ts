// Validation of values about to enter the canonical record, with the same rules the REST
// API applies, so a record from Hint can never hold what Tandem's own API would refuse.
import { patientCreateSchema, patientPatchSchema } from '../../core/records/patient.ts';
import type { Queryable } from '../../db/pool.ts';
import { getPractice } from '../../db/practices.ts';
import type { Json } from '../../db/records/repository.ts';

const countries = new Map<string, { country: string; until: number }>();

async function countryOf(db: Queryable, practiceId: string): Promise<string> {
  const cached = countries.get(practiceId);
  if (cached && cached.until > Date.now()) return cached.country;
  const country = (await getPractice(db, practiceId))?.country ?? 'AU';
  countries.set(practiceId, { country, until: Date.now() + 60_000 });
  return country;
}

export type Checked = { ok: true; value: Json } | { ok: false; reason: string; fields: string[] };

/** Field names and rules only in the reason: it is written into Hint and the log. */
export async function checkPatient(
  db: Queryable,
  practiceId: string,
  input: Json,
  mode: 'create' | 'patch',
): Promise<Checked> {
  const ctx = { defaultCountry: await countryOf(db, practiceId) };
  const schema = mode === 'create' ? patientCreateSchema(ctx) : patientPatchSchema(ctx);
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data as Json };
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'record'} ${i.message}`);
  const fields = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? 'record')))];
  return { ok: false, reason: `Tandem refused ${problems.slice(0, 3).join('; ')}`, fields };
}

/**
 * Checks, and when some fields are refused, keeps the rest: the record still syncs, and the
 * refused fields are named in `refused` (the link shows the error until they are fixed).
 */
export async function checkPatientFields(
  db: Queryable,
  practiceId: string,
  input: Json,
  mode: 'create' | 'patch',
): Promise<{ value: Json | undefined; refused: string[]; reason: string | null }> {
  const first = await checkPatient(db, practiceId, input, mode);
  if (first.ok) return { value: first.value, refused: [], reason: null };
  const rest = Object.fromEntries(Object.entries(input).filter(([k]) => !first.fields.includes(k)));
  const second = await checkPatient(db, practiceId, rest, mode);
  return { value: second.ok ? second.value : undefined, refused: first.fields, reason: first.reason };
}
