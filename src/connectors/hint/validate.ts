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

export type Checked = { ok: true; value: Json } | { ok: false; reason: string };

/** Field names and rules only in the reason: it is written into Hint and the log. */
export async function checkPatient(db: Queryable, practiceId: string, input: Json, mode: 'create' | 'patch'): Promise<Checked> {
  const ctx = { defaultCountry: await countryOf(db, practiceId) };
  const schema = mode === 'create' ? patientCreateSchema(ctx) : patientPatchSchema(ctx);
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data as Json };
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'record'} ${i.message}`);
  return { ok: false, reason: `Tandem refused the record: ${problems.slice(0, 3).join('; ')}` };
}
