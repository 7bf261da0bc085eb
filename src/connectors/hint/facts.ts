// What the hub shows on a patient linked to Hint (`hint: {…}` on GET /api/v1/patients/:id):
// the staff facts inbound processing keeps on the link (mapping.ts staffFacts). Hint owns them.
import type { PatientFacts } from '../types.ts';
import type { StaffFacts } from './mapping.ts';

const KEYS: (keyof StaffFacts)[] = [
  'webLink',
  'membershipStatus',
  'planName',
  'balanceCents',
  'employerName',
  'practitionerName',
];

export const patientFacts: PatientFacts = {
  key: 'hint',
  fromLink: (remoteData) => Object.fromEntries(KEYS.map((k) => [k, remoteData[k] ?? null])),
};
