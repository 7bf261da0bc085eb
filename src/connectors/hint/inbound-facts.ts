// What staff see about a linked patient (membership status, plan, employer, balance) lives on
// Hint's patient record, but changes with memberships and invoices that carry no patient
// event. These refresh it: the patients a membership or an invoice concerns are re-read.
import { findLinksByRemoteId } from '../../db/links.ts';
import { getPatient } from './client-endpoints.ts';
import { absorbPatient } from './inbound-patient.ts';
import type { LoadedConnection, HintDeps } from './connection.ts';
import type { HintInvoice, HintMembership } from './schemas.ts';

export const patientsOfMembership = (m: HintMembership): (string | undefined)[] => [
  m.owner?.id,
  ...[...(m.membership_patients ?? []), ...(m.members ?? [])].map((x) => x.patient?.id),
];

export const patientsOfInvoice = (inv: HintInvoice): (string | undefined)[] => [inv.owner?.id, inv.patient?.id];

/** Re-reads the linked ones among these Hint patients; returns how many were re-read. */
export async function refreshLinkedPatients(
  deps: HintDeps,
  loaded: LoadedConnection,
  ids: (string | undefined)[],
): Promise<number> {
  const unique = [...new Set(ids.filter((id): id is string => !!id))];
  if (unique.length === 0) return 0;
  const linked = await findLinksByRemoteId(
    deps.db,
    loaded.connection.practiceId,
    loaded.connection.id,
    'patient',
    unique,
  );
  let refreshed = 0;
  for (const id of unique) {
    if (!linked.has(id)) continue;
    const p = await getPatient(deps, loaded, id);
    if (p) {
      await absorbPatient(deps, loaded, p, { source: 'reconcile', allowCreate: false });
      refreshed += 1;
    }
  }
  return refreshed;
}
