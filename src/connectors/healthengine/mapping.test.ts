import { describe, expect, it } from 'vitest';
import {
  hubTypeIdOf,
  incomingPatient,
  offeredTypes,
  parseHealthengineDob,
  parseLocalDateTime,
  parseMedicareExpiry,
  toPmsAppointmentTypes,
  toPmsResources,
} from './mapping.ts';
import { isLive } from './inbound-live-hours.ts';

const T1 = '11111111-1111-4111-8111-111111111111';
const R1 = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const R2 = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const resource = (id: string, name: string) => ({
  id,
  name,
  kind: 'practitioner',
  practitionerId: null,
  specialty: null,
  active: true,
  locationId: 'l',
});

describe('Healthengine mapping', () => {
  it('reads dates of birth in both documented formats, and refuses impossible ones', () => {
    expect(parseHealthengineDob('23-02-2022')).toBe('2022-02-23');
    expect(parseHealthengineDob('2022-02-23')).toBe('2022-02-23');
    expect(parseHealthengineDob('3/2/2022')).toBe('2022-02-03');
    expect(parseHealthengineDob('31-02-2022')).toBeNull();
    expect(parseHealthengineDob('')).toBeNull();
  });

  it('reads local appointment times and Medicare expiry', () => {
    expect(parseLocalDateTime('2026-06-01 09:15:00')).toEqual({ date: '2026-06-01', minute: 555 });
    expect(parseLocalDateTime('2026-06-01 25:00:00')).toBeUndefined();
    expect(parseMedicareExpiry('05/2023')).toBe('2023-05');
    expect(parseMedicareExpiry('13/2023')).toBeNull();
  });

  it('makes resource names unique and sends per-resource types with composite ids', () => {
    expect(
      toPmsResources([resource(R1, 'Dr A'), resource(R2, 'Dr A')], new Map()).map((r) => r.pmsResourceName),
    ).toEqual(['Dr A', 'Dr A (2)']);
    const types = [{ id: T1, name: 'Skin', durationMinutes: 20, resourceIds: [R2], active: true }];
    expect(toPmsAppointmentTypes(types, [resource(R1, 'Dr A'), resource(R2, 'Dr B')])).toEqual([
      {
        pmsAppointmentTypeId: `${T1}:${R2}`,
        pmsAppointmentTypeName: 'Skin (Dr B)',
        pmsAppointmentLength: 20,
        pmsResourceId: R2,
      },
    ]);
    expect(offeredTypes(R1, types)).toEqual([]);
    expect(offeredTypes(R2, types)).toEqual([{ id: `${T1}:${R2}`, durationMinutes: 20 }]);
    expect(hubTypeIdOf(`${T1}:${R2}`)).toBe(T1);
    expect(hubTypeIdOf('G1235')).toBeUndefined();
  });

  it('keeps only valid contact details for a new patient; no name means unusable', () => {
    const p = incomingPatient(
      {
        firstname: ' Ann ',
        lastname: 'Lee',
        dob: '01-02-1990',
        phone: '0412 345 678',
        email: 'not an email',
        medicareNumber: '2123 45670 1',
        medicareIrn: '1',
        medicareExpiry: '05/2027',
        gender: 'Female',
      },
      7,
    );
    expect(p.create).toMatchObject({
      firstName: 'Ann',
      lastName: 'Lee',
      dob: '1990-02-01',
      sex: 'female',
      email: null,
      phones: [{ type: 'mobile', number: '+61412345678' }],
      medicare: { number: '2123456701', irn: '1', expiry: '2027-05' },
    });
    expect(p.match.id).toBe('healthengine-booking:7');
    expect(incomingPatient({ firstname: '', lastname: 'Lee' }, 8).create).toBeUndefined();
  });

  it('gender "Other" is a gender, not a sex: it becomes the gender identity, and sex stays empty', () => {
    const other = incomingPatient({ firstname: 'Kim', lastname: 'Lee', gender: 'Other' }, 9);
    expect(other.create).toMatchObject({ sex: null, genderIdentity: 'Other' });
    expect(other.match.sex).toBeNull();
    const female = incomingPatient({ firstname: 'Kim', lastname: 'Lee', gender: 'Female' }, 10);
    expect(female.create).toMatchObject({ sex: 'female' });
    expect(female.create).not.toHaveProperty('genderIdentity');
  });

  it('polls only inside the liveness hours of the practice time zone, public holidays included', () => {
    const settings = {
      liveHours: {
        monday: [{ start: '08:00', end: '18:00' }],
        tuesday: [],
        wednesday: [],
        thursday: [],
        friday: [],
        saturday: [],
        sunday: [],
        publicHolidays: [],
      },
      publicHolidays: ['2026-06-08'],
    };
    expect(isLive(settings, 'Australia/Sydney', Date.parse('2026-06-01T00:00:00Z'))).toBe(true); // Monday 10:00 in Sydney
    expect(isLive(settings, 'Australia/Sydney', Date.parse('2026-06-01T09:00:00Z'))).toBe(false); // Monday 19:00
    expect(isLive(settings, 'Australia/Sydney', Date.parse('2026-06-08T00:00:00Z'))).toBe(false); // a public holiday
  });
});
