// Values about to enter the canonical record pass the same rules as the REST API: a contact can
// never give a patient what Tandem's own API would refuse. Refused fields are left out and named.
import { patientCreateSchema, patientPatchSchema } from '../../core/records/patient.ts';
import type { Queryable } from '../../db/pool.ts';
import { getPractice } from '../../db/practices.ts';
import type { Json } from '../../db/records/repository.ts';

const countries = new Map<string, { country: string; until: number }>();

export async function countryOf(db: Queryable, practiceId: string): Promise<string> {
  const cached = countries.get(practiceId);
  if (cached && cached.until > Date.now()) return cached.country;
  const country = (await getPractice(db, practiceId))?.country ?? 'AU';
  countries.set(practiceId, { country, until: Date.now() + 60_000 });
  return country;
}

/** The input with refused fields left out, and the reasons (field names and rules only). */
export async function checkPatientInput(
  db: Queryable,
  practiceId: string,
  input: Json,
  mode: 'create' | 'patch',
): Promise<{ value: Json | undefined; refused: string[] }> {
  const ctx = { defaultCountry: await countryOf(db, practiceId) };
  const schema = mode === 'create' ? patientCreateSchema(ctx) : patientPatchSchema(ctx);
  const first = schema.safeParse(input);
  if (first.success) return { value: first.data as Json, refused: [] };
  const fields = [...new Set(first.error.issues.map((i) => String(i.path[0] ?? 'record')))];
  const refused = first.error.issues.map((i) => `${i.path.join('.') || 'record'} ${i.message}`);
  const rest = Object.fromEntries(Object.entries(input).filter(([k]) => !fields.includes(k)));
  const second = schema.safeParse(rest);
  return { value: second.success ? (second.data as Json) : undefined, refused };
}
