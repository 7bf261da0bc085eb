// The rows of a review's side-by-side comparison: each matcher field (its name in the
// explanation), the incoming record's value and a candidate patient's value.
import type { MatchRecord, PatientView } from '../../../http/schemas/records.ts';

export type Incoming = Partial<MatchRecord>;

export interface FieldRow {
  label: string;
  /** The field's name in the matcher's explanation (src/core/matching/compare/fields.ts). */
  field: string;
  incoming: string;
  candidate(p: PatientView): string;
}

const join = (...parts: (string | null | undefined)[]) => parts.filter(Boolean).join(', ');

export function fieldRows(i: Incoming): FieldRow[] {
  return [
    {
      label: 'First name',
      field: 'first_name',
      incoming: join(i.firstName, i.preferredName ? `(${i.preferredName})` : null),
      candidate: (p) => join(p.firstName, p.preferredName ? `(${p.preferredName})` : null),
    },
    { label: 'Last name', field: 'last_name', incoming: i.lastName ?? '', candidate: (p) => p.lastName },
    { label: 'Date of birth', field: 'dob', incoming: i.dob ?? '', candidate: (p) => p.dob ?? '' },
    { label: 'Sex', field: 'sex', incoming: i.sex ?? '', candidate: (p) => p.sex ?? '' },
    {
      label: 'Email',
      field: 'email',
      incoming: join(i.email, ...(i.emails ?? [])),
      candidate: (p) => p.email ?? '',
    },
    {
      label: 'Phone',
      field: 'phone',
      incoming: join(i.phone, ...(i.phones ?? [])),
      candidate: (p) => join(...p.phones.map((ph) => ph.number)),
    },
    {
      label: 'Address',
      field: 'address_line1',
      incoming: join(i.addressLine1, i.addressLine2),
      candidate: (p) => join(p.address?.line1, p.address?.line2),
    },
    {
      label: 'Suburb, postcode',
      field: 'locality',
      incoming: join(i.city, i.state, i.postcode),
      candidate: (p) => join(p.address?.city, p.address?.state, p.address?.postcode),
    },
    {
      label: 'Medicare',
      field: 'medicare',
      incoming: i.medicareNumber ?? '',
      candidate: (p) => join(p.medicare?.number, p.medicare?.irn),
    },
  ];
}
