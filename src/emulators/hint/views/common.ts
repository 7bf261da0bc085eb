// Renderers for the small shared shapes (locations, practitioners, practice, plans,
// companies), exactly as Hint's recorded examples nest them.
import { recordIdOf } from '../integration-data.ts';
import type { Company, Location, Plan, Practice, Practitioner } from '../model.ts';
import type { HintState } from '../state.ts';
import { formatTimestamp } from '../time.ts';

export const WEB_APP = 'https://app.hint.com';

export function ts(state: HintState, practiceId: string, ms: number): string {
  return formatTimestamp(ms, state.offsetOf(practiceId));
}

export function locationGroupView(state: HintState, partnerId: string, groupId: string | null) {
  const group = groupId ? state.data.locationGroups.get(groupId) : undefined;
  if (!group) return null;
  return {
    id: group.id,
    created_at: ts(state, group.practiceId, group.createdAt),
    integration_record_id: recordIdOf(state, partnerId, group.id),
    name: group.name,
    updated_at: ts(state, group.practiceId, group.updatedAt),
  };
}

export function locationView(state: HintState, partnerId: string, location: Location) {
  return {
    id: location.id,
    address_city: location.address_city,
    address_country: location.address_country,
    address_latitude: location.address_latitude,
    address_line1: location.address_line1,
    address_line2: location.address_line2,
    address_longitude: location.address_longitude,
    address_state: location.address_state,
    address_zip: location.address_zip,
    distance: null,
    name: location.name,
    phone_number: location.phone_number,
    virtual: location.virtual,
    location_group: locationGroupView(state, partnerId, location.groupId),
  };
}

export function practitionerView(state: HintState, partnerId: string, p: Practitioner) {
  const [first, ...rest] = p.name.replace(/^Dr\.?\s+/, '').split(' ');
  const locations = p.locationIds.map((id) => state.data.locations.get(id)).filter((l) => l !== undefined);
  return {
    id: p.id,
    accepts_enrollments_from_employer: true,
    accepts_enrollments_from_retail: true,
    bio: p.bio,
    created_at: ts(state, p.practiceId, p.createdAt),
    education: p.education,
    email: p.email,
    gender: p.gender,
    gender_other: p.gender_other,
    integration_record_id: recordIdOf(state, partnerId, p.id),
    max_patient_age: 120,
    min_patient_age: 0,
    name: p.name,
    online_signup_visibility: true,
    panel_size: 0,
    panel_size_limit: 600,
    photo_url: null,
    updated_at: ts(state, p.practiceId, p.updatedAt),
    locations: locations.map((l) => locationView(state, partnerId, l)),
    npi: {
      first_name: (first ?? '').toUpperCase(),
      last_name: rest.join(' ').toUpperCase(),
      number: p.npiNumber,
      organization_name: null,
      type: 'individual',
    },
    specialties: [{ id: `spe-${p.id.slice(4)}`, name: p.specialty }],
  };
}

export function practiceView(state: HintState, partnerId: string, p: Practice) {
  return {
    id: p.id,
    address_city: p.address_city,
    address_country: p.address_country,
    address_line1: p.address_line1,
    address_line2: p.address_line2,
    address_state: p.address_state,
    address_zip: p.address_zip,
    email: p.email,
    name: p.name,
    url: p.url,
    logo_url: p.logo_url,
    integration_record_id: recordIdOf(state, partnerId, p.id),
    phones: p.phones.map((phone) => ({ ...phone })),
  };
}

export function planView(plan: Plan) {
  return { id: plan.id, name: plan.name, plan_type: plan.plan_type };
}

export function companyView(state: HintState, company: Company) {
  const plan = company.defaultPlanId ? state.data.plans.get(company.defaultPlanId) : undefined;
  return {
    id: company.id,
    employee_divisions_count: 0,
    name: company.name,
    status: company.status,
    address: { id: company.addressId, ...company.address, latitude: null, longitude: null },
    default_location: null,
    default_plan: plan ? planView(plan) : null,
    default_practitioner: null,
    phones: company.phones.map((p) => ({ number: p.number, type: p.type })),
  };
}
