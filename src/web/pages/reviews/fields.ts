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

/** An Australian mobile (04…, +61 4…): the matcher compares these as the person's own
 *  (`mobile`) and other numbers as the household's (`phone`); the rows follow it. */
function isMobile(raw: string | null | undefined): boolean {
  const digits = (raw ?? '').replace(/\D/g, '');
  return (
    (digits.length === 10 && digits.startsWith('04')) ||
    (digits.length === 11 && digits.startsWith('614') && (raw ?? '').trim().startsWith('+'))
  );
}

export function fieldRows(i: Incoming): FieldRow[] {
  return [
    {
      label: 'First name',
      field: 'first_name',
      incoming: join(i.firstName, i.preferredName ? `(${i.preferredName})` : null),
      candidate: (p) => join(p.firstName, p.preferredName ? `(${p.preferredName})` : null),
    },
    { label: 'Middle name', field: 'middle_name', incoming: i.middleName ?? '', candidate: (p) => p.middleName ?? '' },
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
      label: 'Mobile',
      field: 'mobile',
      incoming: join(...[i.phone, ...(i.phones ?? [])].filter(isMobile)),
      candidate: (p) => join(...p.phones.map((ph) => ph.number).filter(isMobile)),
    },
    {
      label: 'Phone',
      field: 'phone',
      incoming: join(...[i.phone, ...(i.phones ?? [])].filter((n) => n && !isMobile(n))),
      candidate: (p) => join(...p.phones.map((ph) => ph.number).filter((n) => !isMobile(n))),
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
