// The pure pieces: field-level merge decisions and the wire conversions.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PATIENT_MAPPING, type FieldRule } from '../../src/connectors/hint/mapping-fields.ts';
import { canonicalWire, decodeWire, hintBody, hintWire, staffFacts } from '../../src/connectors/hint/mapping.ts';
import { hashValues, mergeInbound, planOutbound } from '../../src/connectors/hint/mapping-merge.ts';

const rule = (canonical: string): FieldRule => DEFAULT_PATIENT_MAPPING.find((r) => r.canonical === canonical)!;
const email = rule('email');
const city = rule('address.city');
const resolver = {
  hintIdOf: (id: string) => (id === 'local-1' ? 'pct-1' : undefined),
  localIdOf: (id: string) => (id === 'pct-1' ? 'local-1' : undefined),
};

describe('field-level merge', () => {
  const base = { email: 'a@x.com', address_city: 'Oakland' };
  it('takes a field changed only in Hint, keeps one changed only in Tandem (and asks for a push)', () => {
    const r = mergeInbound({
      rules: [email, city],
      snapshot: base,
      hint: new Map([
        [email, 'b@x.com'],
        [city, 'Oakland'],
      ]),
      tandem: new Map([
        [email, 'a@x.com'],
        [city, 'Berkeley'],
      ]),
      hintIsNewer: false,
      policy: 'latest',
    });
    expect([...r.toTandem]).toEqual([[email, 'b@x.com']]);
    expect(r.needsPush).toBe(true);
    expect(r.conflicts).toEqual([]);
  });
  it('decides a field changed on both sides by the policy', () => {
    const input = {
      rules: [email],
      snapshot: base,
      hint: new Map([[email, 'h@x.com']]),
      tandem: new Map([[email, 't@x.com']]),
    };
    expect(mergeInbound({ ...input, hintIsNewer: true, policy: 'latest' }).toTandem.get(email)).toBe('h@x.com');
    const tandemWins = mergeInbound({ ...input, hintIsNewer: false, policy: 'latest' });
    expect(tandemWins.toTandem.size).toBe(0);
    expect(tandemWins.needsPush).toBe(true);
    expect(mergeInbound({ ...input, hintIsNewer: false, policy: 'hint' }).toTandem.get(email)).toBe('h@x.com');
    const owned: FieldRule = { ...email, direction: 'fromHint' };
    const hintOwns = mergeInbound({
      rules: [owned],
      snapshot: base,
      hint: new Map([[owned, 'h@x.com']]),
      tandem: new Map([[owned, 't@x.com']]),
      hintIsNewer: false,
      policy: 'tandem',
    });
    expect(hintOwns.toTandem.get(owned)).toBe('h@x.com');
  });
  it('never lets an empty value erase a filled one at first meeting', () => {
    const r = mergeInbound({
      rules: [email, city],
      snapshot: null,
      hint: new Map([
        [email, null],
        [city, 'Oakland'],
      ]),
      tandem: new Map([
        [email, 'a@x.com'],
        [city, null],
      ]),
      hintIsNewer: true,
      policy: 'latest',
    });
    expect([...r.toTandem]).toEqual([[city, 'Oakland']]);
    expect(r.needsPush).toBe(true);
  });
  it('writes to Hint only what differs from what Hint holds, and hashes stably', () => {
    expect([
      ...planOutbound(
        [email, city],
        base,
        new Map([
          [email, 'a@x.com'],
          [city, 'Berkeley'],
        ]),
      ),
    ]).toEqual([[city, 'Berkeley']]);
    expect(hashValues({ b: '2', a: '1' })).toBe(hashValues({ a: '1', b: '2' }));
    expect(hashValues({ a: '1' })).not.toBe(hashValues({ a: '2' }));
  });
});

describe('wire conversions', () => {
  it('round-trips phones, sex, country and practitioner between the two shapes', () => {
    const canonical = {
      phones: [{ type: 'work', number: '+14155550134' }],
      sex: 'other',
      address: { country: 'US' },
      practitionerId: 'local-1',
      genderIdentity: 'Genderfluid',
    };
    expect(canonicalWire(rule('phones'), canonical, resolver)).toEqual([{ number: '4155550134', type: 'office' }]);
    expect(canonicalWire(rule('sex'), canonical, resolver)).toBe('intersex');
    expect(canonicalWire(rule('address.country'), canonical, resolver)).toBe('United States');
    expect(canonicalWire(rule('practitionerId'), canonical, resolver)).toBe('pct-1');
    expect(canonicalWire(rule('genderIdentity'), canonical, resolver)).toBe('Genderfluid');
    const hint = {
      id: 'pat-1',
      phones: [{ number: '4155550134', type: 'office' }],
      sex: 'intersex',
      address_country: 'United States',
      practitioner: { id: 'pct-1' },
    };
    expect(decodeWire(rule('phones'), hintWire(rule('phones'), hint), resolver)).toEqual(canonical.phones);
    expect(decodeWire(rule('sex'), hintWire(rule('sex'), hint), resolver)).toBe('other');
    expect(decodeWire(rule('address.country'), hintWire(rule('address.country'), hint), resolver)).toBe('US');
    expect(decodeWire(rule('practitionerId'), hintWire(rule('practitionerId'), hint), resolver)).toBe('local-1');
    expect(decodeWire(rule('practitionerId'), 'pct-unknown', resolver)).toBeUndefined();
  });
  it('writes bodies as the spec types them: us_formattable, gender_other, no practitioner null on create', () => {
    const values = new Map<any, any>([
      [
        rule('phones'),
        [
          { number: '4155550134', type: 'mobile' },
          { number: '+61412345678', type: 'home' },
        ],
      ],
      [rule('genderIdentity'), 'Genderfluid'],
      [rule('practitionerId'), null],
    ]);
    expect(hintBody([], values, { create: true })).toEqual({
      phones: [
        { number: '4155550134', type: 'mobile' },
        { number: '+61412345678', type: 'home', us_formattable: false },
      ],
      gender_identity: 'not listed',
      gender_other: 'Genderfluid',
    });
    expect(hintBody([], values)).toMatchObject({ practitioner: null });
    expect(hintBody([], new Map([[rule('genderIdentity'), 'nonbinary']]))).toEqual({ gender_identity: 'nonbinary' });
    // Hint's "not listed" reads back as its description, so the round trip is the patient's own words.
    expect(
      hintWire(rule('genderIdentity'), { id: 'p', gender_identity: 'not listed', gender_other: 'Genderfluid' }),
    ).toBe('Genderfluid');
    expect(hintWire(rule('genderIdentity'), { id: 'p', gender_identity: 'not listed' })).toBe('not listed');
  });
  it("reads what staff see from Hint's patient", () => {
    expect(
      staffFacts({
        id: 'pat-1',
        provider_web_link: 'https://app.hint.com/patients/pat-1',
        membership_status: 'active',
        account: { past_due_in_cents: 1200 },
        company: null,
        practitioner: { id: 'pct-1', name: 'Dr. Maya Chen' },
        patient_agreement_accepted: true,
        patient_agreement_accepted_at: '2017-01-29T06:23:00.000000-08:00',
        hipaa_authorization_accepted: false,
        hipaa_authorization_accepted_at: null,
        memberships: [
          { status: 'ended', start_date: '2020-01-01', plan: { name: 'Old' } },
          {
            status: 'active',
            start_date: '2024-01-01',
            plan: { name: 'Adult Membership' },
            company: { name: 'Schmoogle Inc.' },
          },
        ],
      }),
    ).toEqual({
      webLink: 'https://app.hint.com/patients/pat-1',
      membershipStatus: 'active',
      planName: 'Adult Membership',
      balanceCents: 1200,
      employerName: 'Schmoogle Inc.',
      practitionerName: 'Dr. Maya Chen',
      memberContractAccepted: true,
      memberContractAcceptedAt: '2017-01-29T14:23:00.000Z', // Hint's local time as a UTC instant
      hipaaAuthorizationAccepted: false,
      hipaaAuthorizationAcceptedAt: null,
    });
  });
});
