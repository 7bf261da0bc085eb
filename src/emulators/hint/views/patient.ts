// The Patient in Hint's GET shape (PatientBlueprint_one), as one partner sees it.
import { integrationFields } from '../integration-data.ts';
import type { CustomerInvoice, Membership, Patient } from '../model.ts';
import type { HintState } from '../state.ts';
import { ageOn, formatDate } from '../time.ts';
import { companyView, locationGroupView, locationView, practitionerView, ts, WEB_APP } from './common.ts';
import { dueInCents } from './invoice-math.ts';

export type MembershipStatus = 'unconfirmed' | 'pending' | 'active' | 'unpaid' | 'inactive' | 'archived';

export function membershipsOf(state: HintState, patientId: string): Membership[] {
  const ids = state.data.membershipsByPatient.get(patientId);
  if (!ids) return [];
  return [...ids].map((id) => state.data.memberships.get(id)).filter((m) => m !== undefined);
}

function currentMembership(state: HintState, patientId: string): Membership | undefined {
  const live = membershipsOf(state, patientId).filter((m) => m.status !== 'ended');
  return live.sort((a, b) => b.start_date.localeCompare(a.start_date))[0];
}

/** Hint's membership_status: archived patients first, then the current membership's billing state. */
export function membershipStatus(state: HintState, patient: Patient): MembershipStatus {
  if (patient.archivedAt !== null) return 'archived';
  const membership = currentMembership(state, patient.id);
  if (!membership) return 'inactive';
  return membership.status === 'ended' ? 'inactive' : membership.status;
}

/** The balance lives only in account.past_due_in_cents: open issued invoices of the paying account. */
export function pastDueInCents(state: HintState, ownerId: string): number {
  const ids = state.data.invoicesByOwner.get(ownerId);
  if (!ids) return 0;
  let total = 0;
  for (const id of ids) {
    const invoice: CustomerInvoice | undefined = state.data.invoices.get(id);
    if (invoice && (invoice.status === 'issued' || invoice.status === 'sent')) total += dueInCents(invoice);
  }
  return total;
}

function fullName(p: Patient): string {
  return [p.fields.first_name, p.fields.middle_name, p.fields.last_name]
    .filter((s) => typeof s === 'string' && s)
    .join(' ');
}

export function patientName(state: HintState, patientId: string): string {
  const patient = state.data.patients.get(patientId);
  return patient ? fullName(patient) : '';
}

function membershipEntries(state: HintState, patient: Patient) {
  return membershipsOf(state, patient.id).flatMap((m) => {
    const member = m.members.find((x) => x.patientId === patient.id);
    const plan = state.data.plans.get(m.planId);
    const company = m.companyId ? state.data.companies.get(m.companyId) : undefined;
    if (!member || !plan) return [];
    return [
      {
        entry: {
          end_date: member.end_date,
          enrollment_requested_on: member.start_date,
          enrollment_status: m.enrollment_status,
          member_type: member.member_type,
          start_date: member.start_date,
          status: m.status,
          uses_tobacco: false,
          company: company ? { id: company.id, name: company.name } : null,
          division: null,
          payer: { id: m.ownerId, name: patientName(state, m.ownerId) },
          plan: { id: plan.id, name: plan.name, plan_type: plan.plan_type },
        },
        member: {
          id: member.id,
          enrollment_status: m.enrollment_status,
          member_type: member.member_type,
          status: m.status,
          enrollment_requested_on: member.start_date,
          start_date: member.start_date,
          end_date: member.end_date,
          membership: { id: m.id },
        },
      },
    ];
  });
}

function emergencyContactView(patient: Patient) {
  const ec = patient.emergencyContact;
  if (!ec) return null;
  const [first, ...rest] = (ec.name ?? '').split(' ');
  return {
    id: ec.id,
    first_name: first || null,
    last_name: rest.join(' ') || null,
    email: ec.email,
    name: ec.name,
    relationship: ec.relationship,
    relationship_other: ec.relationship_other,
    phone: ec.phone,
  };
}

export function patientView(state: HintState, partnerId: string, patient: Patient) {
  const f = patient.fields;
  const now = state.now();
  const current = currentMembership(state, patient.id);
  const payerId = current?.ownerId ?? patient.id;
  const company = current?.companyId ? state.data.companies.get(current.companyId) : undefined;
  const practitioner = patient.practitionerId ? state.data.practitioners.get(patient.practitionerId) : undefined;
  const location = patient.locationId ? state.data.locations.get(patient.locationId) : undefined;
  const leadSource = patient.leadSourceId ? state.data.leadSources.get(patient.leadSourceId) : undefined;
  const entries = membershipEntries(state, patient);
  return {
    id: patient.id,
    ...f,
    age: ageOn(typeof f.dob === 'string' ? f.dob : null, now),
    name: fullName(patient),
    created_at: ts(state, patient.practiceId, patient.createdAt),
    updated_at: ts(state, patient.practiceId, patient.updatedAt),
    joined_practice_date: formatDate(patient.createdAt, state.offsetOf(patient.practiceId)),
    membership_status: membershipStatus(state, patient),
    provider_web_link: `${WEB_APP}/patients/${patient.id}`,
    account: { name: patientName(state, payerId), past_due_in_cents: pastDueInCents(state, payerId) },
    company: company ? { id: company.id, name: companyView(state, company).name } : null,
    emergency_contact: emergencyContactView(patient),
    external_records: [],
    known_practice: null,
    lead_source: leadSource
      ? {
          id: leadSource.id,
          name: leadSource.name,
          created_at: ts(state, patient.practiceId, leadSource.createdAt),
          updated_at: ts(state, patient.practiceId, leadSource.createdAt),
        }
      : null,
    location: location ? locationView(state, partnerId, location) : null,
    location_group: location ? locationGroupView(state, partnerId, location.groupId) : null,
    membership_members: entries.map((e) => e.member),
    memberships: entries.map((e) => e.entry),
    merged_into: null,
    phones: patient.phones.map((p) => ({ ...p })),
    practitioner: practitioner ? practitionerView(state, partnerId, practitioner) : null,
    practitioner_group: practitioner ? locationGroupView(state, partnerId, practitioner.groupId) : null,
    sponsorships: [],
    ssn: patient.ssnLast4 ? { masked_number: `***-**-${patient.ssnLast4}` } : null,
    ...integrationFields(state, partnerId, patient),
  };
}
