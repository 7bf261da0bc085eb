// The strictRequests knob (on by default): partner writes Hint's spec types more strictly than
// Hint may enforce today are refused with a 422 naming the field, and change nothing; with the
// knob off they are accepted, as a lenient Hint would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHint, type Harness } from './support.ts';

let h: Harness;
let patientId: string;
beforeAll(async () => {
  h = await startHint({ seed: 12 });
  patientId = (
    await (await h.call('POST', '/api/provider/patients', h.token, { first_name: 'Strict', last_name: 'Case' })).json()
  ).id;
});
afterAll(async () => {
  await h.close();
});

const setStrict = async (on: boolean) =>
  fetch(`${h.url}/_emulator/config`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ strictRequests: on }),
  });

const names = { first_name: 'Strict', last_name: 'Case' };

/** Each request a stricter Hint would refuse, and the field its 422 names. */
const refused: [string, string, () => string, () => unknown, RegExp][] = [
  [
    'practitioner: null on create',
    'POST',
    () => '/api/provider/patients',
    () => ({ ...names, practitioner: null }),
    /practitioner/,
  ],
  [
    'a phone not 10 digits without us_formattable: false',
    'POST',
    () => '/api/provider/patients',
    () => ({ ...names, phones: [{ number: '+61412345678', type: 'mobile' }] }),
    /phones\[0\]\.us_formattable/,
  ],
  [
    '"not listed" without gender_other',
    'POST',
    () => '/api/provider/patients',
    () => ({ ...names, gender_identity: 'not listed' }),
    /gender_other/,
  ],
  [
    'a patient PATCH without last_name',
    'PATCH',
    () => `/api/provider/patients/${patientId}`,
    () => ({ first_name: 'Strict', email: 'strict@example.com' }),
    /last_name/,
  ],
  [
    'a customer invoice create with date',
    'POST',
    () => '/api/provider/customer_invoices',
    () => ({ patient: { id: patientId }, date: '2030-03-01' }),
    /date is not a customer invoice field/,
  ],
  [
    'an NPI as a string',
    'POST',
    () => '/api/provider/practitioners',
    () => ({ name: 'Dr Strict', npi: { number: '1234567893' } }),
    /npi\.number/,
  ],
];

describe('Hint emulator: strictRequests', () => {
  it('is on by default', async () => {
    const config = (await (await fetch(`${h.url}/_emulator/config`)).json()) as { strictRequests: boolean };
    expect(config.strictRequests).toBe(true);
  });

  it.each(refused)(
    'refuses %s with a 422 naming the field, and changes nothing',
    async (_what, method, path, body, field) => {
      const counts = () => ({
        patients: h.state.data.patients.size,
        invoices: h.state.data.invoices.size,
        practitioners: h.state.data.practitioners.size,
        email: h.state.data.patients.get(patientId)?.fields.email ?? null,
      });
      const before = counts();
      const res = await h.call(method, path(), h.token, body());
      expect(res.status).toBe(422);
      expect((await res.json()).message).toMatch(field);
      expect(counts()).toEqual(before);
    },
  );

  it('accepts the same requests written as the spec types them', async () => {
    const ok = [
      await h.call('POST', '/api/provider/patients', h.token, {
        ...names,
        phones: [{ number: '+61412345678', type: 'mobile', us_formattable: false }],
        gender_identity: 'not listed',
        gender_other: 'Genderfluid',
      }),
      await h.call('PATCH', `/api/provider/patients/${patientId}`, h.token, { ...names, email: 'strict@example.com' }),
      await h.call('POST', '/api/provider/customer_invoices', h.token, { patient: { id: patientId } }),
      await h.call('POST', '/api/provider/practitioners', h.token, { name: 'Dr Strict', npi: { number: 1234567893 } }),
    ];
    expect(ok.map((r) => r.status)).toEqual([200, 200, 200, 200]);
  });

  it('accepts them all when the knob is off (a lenient Hint)', async () => {
    await setStrict(false);
    try {
      for (const [what, method, path, body] of refused) {
        const res = await h.call(method, path(), h.token, body());
        expect([what, res.status === 200 ? 'ok' : (await res.json()).message]).toEqual([what, 'ok']);
      }
    } finally {
      await setStrict(true);
    }
  });
});
