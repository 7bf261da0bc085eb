// What the hub shows on a patient linked to Hint (`hint: {…}` on GET /api/v1/patients/:id):
// the staff facts inbound processing keeps on the link (mapping.ts staffFacts). Hint owns them.
import { recordChange } from '../../db/events.ts';
import type { Queryable } from '../../db/pool.ts';
import { patients } from '../../db/records/kinds.ts';
import { getRecord } from '../../db/records/repository.ts';
import { NotFoundError } from '../../core/errors.ts';
import type { PatientFacts } from '../types.ts';
import type { StaffFacts } from './mapping.ts';
import { writeContext } from './connection.ts';

const KEYS: (keyof StaffFacts)[] = [
  'webLink',
  'membershipStatus',
  'planName',
  'balanceCents',
  'employerName',
  'practitionerName',
  'memberContractAccepted',
  'memberContractAcceptedAt',
  'hipaaAuthorizationAccepted',
  'hipaaAuthorizationAcceptedAt',
];

/**
 * Facts other spokes copy (Salesforce's Hint-owned Contact fields, digest §9). They change in
 * Hint without any canonical field changing, so a change to them is announced on its own.
 */
const SHARED: (keyof StaffFacts)[] = [
  'practitionerName',
  'memberContractAccepted',
  'memberContractAcceptedAt',
  'hipaaAuthorizationAccepted',
  'hipaaAuthorizationAcceptedAt',
];

export const patientFacts: PatientFacts = {
  key: 'hint',
  fromLink: (remoteData) => Object.fromEntries(KEYS.map((k) => [k, remoteData[k] ?? null])),
};

export function sharedFactsChanged(before: Record<string, unknown>, after: Record<string, unknown>): boolean {
  return SHARED.some((k) => (before[k] ?? null) !== (after[k] ?? null));
}

/**
 * A domain event "patient updated, field `hint`" after the link's facts changed, so other
 * spokes re-send them. Hint's own fan-out skips it (its origin is this connection); the
 * audit trail names the field only, never the values.
 */
export async function announceFactsChange(
  db: Queryable,
  connection: { practiceId: string; id: string },
  patientId: string,
): Promise<void> {
  let version: number;
  try {
    version = Number((await getRecord(db, connection.practiceId, patients, patientId)).version);
  } catch (error) {
    if (error instanceof NotFoundError) return; // deleted in Tandem: nobody to tell
    throw error;
  }
  await recordChange(db, writeContext(connection), 'patient', patientId, 'updated', version, ['hint']);
}
