// Sandbox mode's demo clinic in Tandem's default practice (only when it has no location yet):
// a location, three practitioners with weekly schedules (one of them in two specialties),
// appointment types and a few hundred fictitious patients, so a newcomer can book on the
// Healthengine emulator and watch the appointment appear.
import { liveLocations } from '../../db/availability.ts';
import type { Db } from '../../db/pool.ts';
import { appointmentTypes, locations, patients, practitioners, resources, schedules } from '../../db/records/kinds.ts';
import { createRecord, type WriteContext } from '../../db/records/repository.ts';

const FIRST = [
  'Olivia',
  'Jack',
  'Charlotte',
  'Noah',
  'Amelia',
  'William',
  'Isla',
  'Oliver',
  'Mia',
  'Thomas',
  'Grace',
  'Lucas',
  'Chloe',
  'Henry',
  'Zoe',
  'Leo',
  'Ruby',
  'James',
  'Ella',
  'Ethan',
];
const LAST = [
  'Smith',
  'Jones',
  'Williams',
  'Brown',
  'Wilson',
  'Taylor',
  'Nguyen',
  'Johnson',
  'Martin',
  'White',
  'Anderson',
  'Walker',
  'Thompson',
  'Harris',
  'Lee',
  'Ryan',
  'Robinson',
  'Kelly',
  'King',
  'Davis',
];
const SUBURBS = [
  ['Newtown', '2042'],
  ['Glebe', '2037'],
  ['Bondi', '2026'],
  ['Manly', '2095'],
  ['Parramatta', '2150'],
] as const;
export const DEMO_PATIENTS = 300;

export interface DemoClinic {
  locationId: string;
  seeded: boolean;
}

export async function seedDemoClinic(db: Db, practiceId: string): Promise<DemoClinic> {
  const rows = await liveLocations(db, practiceId);
  if (rows.length > 0)
    return { locationId: rows.find((r) => r.name === 'Tandem Demo Clinic')?.id ?? rows[0]!.id, seeded: false };
  const ctx: WriteContext = { practiceId, actor: 'sandbox', origin: 'system' };
  const location = await createRecord(db, ctx, locations, {
    name: 'Tandem Demo Clinic',
    timeZone: 'Australia/Sydney',
    address: { line1: '1 Demo St', city: 'Sydney', state: 'NSW', postcode: '2000', country: 'AU' },
  });
  const locationId = String(location.id);
  const doctors = [
    { title: 'Dr', firstName: 'Ava', lastName: 'Patel', specialties: ['General Practice', 'Skin Checks'] },
    { title: 'Dr', firstName: 'Ben', lastName: 'Carter', specialties: ['General Practice'] },
    { title: 'Ms', firstName: 'Chloe', lastName: 'Wong', specialties: ['Physiotherapy'] },
  ];
  const resourceIds: Record<string, string> = {};
  for (const [i, d] of doctors.entries()) {
    const p = await createRecord(db, ctx, practitioners, d);
    for (const specialty of d.specialties) {
      const r = await createRecord(db, ctx, resources, {
        locationId,
        kind: 'practitioner',
        practitionerId: p.id,
        specialty,
        name: `${d.title} ${d.firstName} ${d.lastName} (${specialty})`,
      });
      resourceIds[specialty] ??= String(r.id);
      const days = i === 2 ? [1, 3, 5] : [1, 2, 3, 4, 5];
      const hours =
        specialty === 'Skin Checks'
          ? [{ start: '14:00', end: '17:00' }]
          : [
              { start: '08:30', end: '12:30' },
              { start: '13:30', end: specialty === 'General Practice' && i === 0 ? '14:00' : '17:30' },
            ];
      await createRecord(db, ctx, schedules, {
        resourceId: r.id,
        weeklyHours: days.flatMap((dayOfWeek) => hours.map((h) => ({ dayOfWeek, ...h }))),
        exceptions: [],
        timeOff: [],
      });
    }
  }
  await createRecord(db, ctx, appointmentTypes, { name: 'Standard consultation', durationMinutes: 15 });
  await createRecord(db, ctx, appointmentTypes, { name: 'Long consultation', durationMinutes: 30 });
  await createRecord(db, ctx, appointmentTypes, {
    name: 'Skin check',
    durationMinutes: 20,
    resourceIds: [resourceIds['Skin Checks']!],
  });
  await createRecord(db, ctx, appointmentTypes, {
    name: 'Physiotherapy session',
    durationMinutes: 45,
    resourceIds: [resourceIds.Physiotherapy!],
  });
  for (let i = 0; i < DEMO_PATIENTS; i++) await createRecord(db, ctx, patients, demoPatient(i));
  return { locationId, seeded: true };
}

/** Fictitious, deterministic people (reserved-looking numbers, example.com addresses). */
export function demoPatient(i: number): Record<string, unknown> {
  const first = FIRST[i % FIRST.length]!;
  const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
  const [suburb, postcode] = SUBURBS[i % SUBURBS.length]!;
  const year = 1940 + ((i * 7) % 70);
  const month = String(1 + ((i * 5) % 12)).padStart(2, '0');
  const dayOfMonth = String(1 + ((i * 11) % 28)).padStart(2, '0');
  return {
    firstName: first,
    lastName: last,
    dob: `${year}-${month}-${dayOfMonth}`,
    sex: i % 2 === 0 ? 'female' : 'male',
    email: `${first}.${last}.${i}@example.com`.toLowerCase(),
    phones: [{ type: 'mobile', number: `+61491570${String(100 + (i % 900)).padStart(3, '0')}` }],
    address: { line1: `${1 + (i % 120)} Example St`, city: suburb, state: 'NSW', postcode, country: 'AU' },
  };
}
