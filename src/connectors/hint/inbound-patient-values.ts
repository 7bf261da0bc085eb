// What one Hint patient's version is, in the terms the inbound and outbound sides compare:
// its mapped values, their snapshot, the link key, its state. Its own module so the patient
// absorber and the linker (inbound-patient.ts, inbound-patient-link.ts) share it without
// importing each other.
import type { Link } from '../../db/links.ts';
import type { LoadedConnection } from './connection.ts';
import { hintWire, type Wire } from './mapping.ts';
import type { Snapshot } from './mapping-merge.ts';
import type { FieldRule } from './mapping-fields.ts';
import type { HintPatient } from './schemas.ts';

export function hintValues(rules: FieldRule[], p: HintPatient): Map<FieldRule, Wire> {
  return new Map(rules.map((r) => [r, hintWire(r, p)]));
}

export function snapshotOf(values: Map<FieldRule, Wire>): Snapshot {
  return Object.fromEntries([...values].map(([r, v]) => [r.hint, v]));
}

export function keyOf(loaded: LoadedConnection, link: Pick<Link, 'localId' | 'remoteId'>) {
  return {
    practiceId: loaded.connection.practiceId,
    connectionId: loaded.connection.id,
    entityKind: 'patient',
    localId: link.localId,
    remoteId: link.remoteId,
  };
}

export function stateOf(p: HintPatient): string {
  return p.membership_status === 'archived' ? 'inactive' : 'active';
}
