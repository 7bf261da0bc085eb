// Strict request checks (config `strictRequests`, on by default): where Hint's spec is
// stricter than what Hint may accept today, the emulator holds a partner to the spec, so a
// request a stricter Hint would refuse or misread fails a test instead of passing silently.
// Each check names the field, as Hint's 422s do. Only partner API writes are checked; the
// harness (a practice user in Hint's UI) is not.
import { HintError } from './errors.ts';
import type { HintState } from './state.ts';

type Body = Record<string, unknown>;

const refuse = (message: string): never => {
  throw new HintError(422, `Validation failed: ${message}`);
};

const asBody = (body: unknown): Body =>
  body && typeof body === 'object' && !Array.isArray(body) ? (body as Body) : {};

/** PhoneNumber.us_formattable: "Make this false if your number is not exactly 10 digits". */
function checkPhones(phones: unknown): void {
  if (!Array.isArray(phones)) return;
  phones.forEach((p, i) => {
    const { number, type, us_formattable: usFormattable } = asBody(p);
    if (!number || !type) return; // the body's own validation names what is missing
    const tenDigits = /^\d{10}$/.test(String(number ?? ''));
    if (!tenDigits && usFormattable !== false)
      refuse(`phones[${i}].us_formattable must be false for a number that is not exactly 10 digits`);
  });
}

/** gender_identity: "If you send `not listed`, please include a description in the `gender_other` field." */
function checkGender(body: Body): void {
  if (body.gender_identity !== 'not listed') return;
  if (typeof body.gender_other !== 'string' || body.gender_other.trim() === '')
    refuse('gender_other is required when gender_identity is "not listed"');
}

/** Association is {id} with id required: null is not one. */
function checkAssociations(body: Body, keys: string[]): void {
  for (const key of keys) if (key in body && body[key] === null) refuse(`${key} must be an object with an id`);
}

export function strictPatientCreate(state: HintState, raw: unknown): void {
  if (!state.config.strictRequests) return;
  const body = asBody(raw);
  checkAssociations(body, ['practitioner', 'location', 'lead_source']);
  checkPhones(body.phones);
  checkGender(body);
}

/** The update schema (Create_Patient) marks first_name and last_name required. */
export function strictPatientUpdate(state: HintState, raw: unknown): void {
  if (!state.config.strictRequests) return;
  const body = asBody(raw);
  for (const key of ['first_name', 'last_name'])
    if (typeof body[key] !== 'string' || (body[key] as string).trim() === '')
      refuse(`${key} is required on every patient update`);
  checkPhones(body.phones);
  checkGender(body);
}

/** Customer invoice create / update bodies have integration_record_id, owner and patient only (no date). */
export function strictInvoiceBody(state: HintState, raw: unknown): void {
  if (!state.config.strictRequests) return;
  for (const key of Object.keys(asBody(raw)))
    if (!['integration_record_id', 'owner', 'patient'].includes(key))
      refuse(`${key} is not a customer invoice field (integration_record_id, owner, patient)`);
}

/** Npi.number is an integer. */
export function strictPractitioner(state: HintState, raw: unknown): void {
  if (!state.config.strictRequests) return;
  const npi = asBody(raw).npi;
  if (npi === undefined || npi === null) return;
  const number = asBody(npi).number;
  if (number !== undefined && number !== null && !Number.isInteger(number)) refuse('npi.number must be an integer');
}
