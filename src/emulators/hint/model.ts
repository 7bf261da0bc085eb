// The emulator's stored records. Times are epoch ms (rendered with the practice offset);
// references are ids, rendered inline as Hint does (no flat *_id fields on the wire).

export interface Phone {
  number: string;
  type: string;
  us_formattable: boolean;
}

export interface ApiKey {
  id: string;
  token: string;
  description: string;
  createdAt: number;
  lastUsedAt: number | null;
  deactivatedAt: number | null;
}

export interface Partner {
  id: string;
  name: string;
  email: string;
  apiKey: string;
  webhookSecret: string;
  redirectUrl: string;
  webhookUrl: string | null; // legacy partner-level URL (PATCH /partner), delivered like a global endpoint
  handshakeUrl: string | null; // the app's handshake_url (marketplace app)
  /** The app's surfaces (core_page, clinical_interaction, settings), each loaded in Hint's iframe with ?session_key=. */
  surfaces: Record<SurfaceName, string | null>;
  productId: string;
  productName: string;
  productSlug: string;
  backendId: string;
}

export const SURFACE_NAMES = ['core_page', 'clinical_interaction', 'settings'] as const;
export type SurfaceName = (typeof SURFACE_NAMES)[number];

export interface Practice {
  id: string;
  name: string;
  email: string | null;
  url: string | null;
  logo_url: string | null;
  address_line1: string | null;
  address_line2: string | null;
  address_city: string | null;
  address_state: string | null;
  address_zip: string | null;
  address_country: string | null;
  phones: Phone[];
  offsetMinutes: number;
  createdAt: number;
  updatedAt: number;
  version: number;
  admin: { id: string; name: string; email: string };
}

export type IntegrationStatus = 'active' | 'pending' | 'inactive';

export interface Integration {
  id: string;
  partnerId: string;
  practiceId: string;
  status: IntegrationStatus;
  apiKeys: ApiKey[];
  webhookUrlOverride: string | null;
  /** The same connection's id on the newer /partner/installations surface. */
  installationId: string;
  createdAt: number;
  updatedAt: number;
}

/** Fields every practice-scoped record shares. `version` counts changes (drives sync status). */
export interface Base {
  id: string;
  practiceId: string;
  createdAt: number;
  updatedAt: number;
  version: number;
}

export interface Location extends Base {
  name: string;
  address_line1: string | null;
  address_line2: string | null;
  address_city: string | null;
  address_state: string | null;
  address_zip: string | null;
  address_country: string | null;
  address_latitude: number | null;
  address_longitude: number | null;
  phone_number: string | null;
  virtual: boolean;
  groupId: string | null;
}

export interface LocationGroup extends Base {
  name: string;
}

export interface Practitioner extends Base {
  name: string;
  email: string | null;
  bio: string | null;
  gender: string | null;
  gender_other: string | null;
  education: string[];
  npiNumber: string | null;
  groupId: string | null;
  locationIds: string[];
  specialty: string;
}

export interface Plan extends Base {
  name: string;
  plan_type: 'retail' | 'company' | 'sponsor_fixed_fee';
  rateInCents: number;
}

export interface Company extends Base {
  name: string;
  status: 'active' | 'inactive';
  addressId: string;
  address: {
    line1: string | null;
    line2: string | null;
    city: string | null;
    state: string | null;
    zip: string | null;
    country: string | null;
  };
  defaultPlanId: string | null;
  phones: Phone[];
}

export interface EmergencyContact {
  id: string;
  name: string | null;
  email: string | null;
  relationship: string | null;
  relationship_other: string | null;
  phone: Phone | null;
}

export interface Patient extends Base {
  fields: Record<string, string | boolean | null>; // flat scalar attributes, as on the wire
  phones: Phone[];
  emergencyContact: EmergencyContact | null;
  ssnLast4: string | null;
  practitionerId: string | null;
  locationId: string | null;
  leadSourceId: string | null;
  archivedAt: number | null;
}

export interface MembershipMember {
  id: string;
  patientId: string;
  member_type: 'employee' | 'spouse' | 'child';
  start_date: string;
  end_date: string | null;
}

export interface Membership extends Base {
  planId: string;
  ownerId: string;
  companyId: string | null;
  status: 'pending' | 'unconfirmed' | 'active' | 'unpaid' | 'ended';
  enrollment_status: 'pending' | 'unconfirmed' | 'active' | 'inactive';
  start_date: string;
  end_date: string | null;
  period_in_months: number;
  members: MembershipMember[];
}

export interface Charge {
  id: string;
  name: string;
  description: string;
  quantity: number;
  price_in_cents: number;
  service_date: string;
  patientId: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface Payment {
  id: string;
  amount_in_cents: number;
  status: 'paid' | 'unattempted' | 'failed';
  memo: string | null;
  paidAt: number;
  sourceType: 'Card' | 'BankAccount' | null;
  sourceId: string | null;
}

export type InvoiceStatus = 'draft' | 'issued' | 'sent' | 'cancelled' | 'paid';

export interface CustomerInvoice extends Base {
  invoice_number: number;
  status: InvoiceStatus;
  ownerId: string;
  patientId: string | null;
  date: string;
  charges: Charge[];
  payments: Payment[];
  paidAt: number | null;
  lastSentAt: number | null;
}

export interface Interaction extends Base {
  patientId: string;
  type: 'partner';
  status: 'draft' | 'signed' | 'addended' | 'deleted' | 'failed';
  title: string | null;
  body: string | null;
}

export type IntegrationKind = 'patient' | 'practitioner' | 'customer_invoice' | 'interaction' | 'practice';

/** One partner's integration data on one object; other partners never see it. */
export interface IntegrationData {
  recordId: string | null;
  webLink: string | null;
  errorMessage: string | null;
  lastSyncedAt: number | null;
  syncedVersion: number;
}
