// The emulator's whole state: one consumer (api-key) and its consenting practices, each with
// its configuration, availability, bookings, request queue and subscriptions. Plain data in
// memory; every rule lives in the modules that change it.
import type { EmulatorClock } from '../shared/clock.ts';
import { defaultConfig, type EmulatorConfig } from './config.ts';
import { mulberry32, seedData, type SeedPractice } from './seed.ts';

export const REQUEST_TYPES = [
  'bookings',
  'bookingUpdates',
  'availability',
  'pmsAppointmentChanges',
  'pmsResources',
  'pmsAppointmentTypes',
  'availableDocuments',
  'uploadDocuments',
  'clientSnapshots',
  'attachDocuments',
] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export const FEATURES = {
  documents: {
    name: 'Documents',
    description: 'Send documents (scripts, referrals) related to Healthengine bookings',
    types: ['availableDocuments', 'uploadDocuments'],
  },
  clientSnapshots: {
    name: 'Client snapshots',
    description: 'Send appointments and patients for Healthengine products (reminders, feedback, check-ins)',
    types: ['clientSnapshots'],
  },
  attachDocuments: {
    name: 'Attach documents',
    description: 'Insert Healthengine documents (forms, referrals) into the PMS',
    types: ['attachDocuments'],
  },
} as const satisfies Record<string, { name: string; description: string; types: readonly RequestType[] }>;
export type FeatureId = keyof typeof FEATURES;

export interface QueueItem {
  requestId: number;
  type: RequestType;
  createdAt: number;
  body: Record<string, unknown>; // what GET /requests/{type} shows
  bookingId?: number;
  coveredResources?: Set<string>; // day-wide availability requests: resources answered so far
}

export interface ResolvedItem {
  item: QueueItem;
  resolvedAt: number;
  resolvedBy: string;
}

export interface PmsResource {
  pmsResourceId: string;
  pmsResourceName: string;
  pmsPractitionerTitle?: string;
  pmsPractitionerFirstname?: string;
  pmsPractitionerLastname?: string;
}
export interface PmsAppointmentType {
  pmsAppointmentTypeId: string;
  pmsAppointmentTypeName: string;
  pmsAppointmentLength?: number;
  pmsResourceId?: string;
}
export interface Range {
  start: string;
  end: string;
}
export type LivenessContract = { liveHours?: Partial<Record<string, Range[]>> };

export interface SnapshotRange {
  start: string;
  end: string;
  slotLength: number;
  pmsAppointmentTypeIds?: string[];
}
export interface StoredSnapshot {
  pmsResourceId: string;
  date: string;
  availability: SnapshotRange[];
  hash: string;
  receivedAt: number;
}

export type BookingStatus = 'Requested' | 'Confirmed' | 'Cancelled';
export interface PatientDetails {
  firstname: string;
  lastname: string;
  dob: string;
  phone: string;
  email: string;
  address: string;
  suburb: string;
  state: string;
  postcode: string;
  gender: 'Male' | 'Female' | 'Other' | null;
  medicareNumber: string | null;
  medicareIrn: string | null;
  medicareExpiry: string | null;
}
export interface HistoryEntry {
  at: string;
  event: string;
  detail?: Record<string, unknown>;
}
export interface Booking {
  bookingId: number;
  pmsResourceId: string | null;
  pmsAppointmentTypeId: string | null;
  date: string;
  startMinute: number;
  lengthSeconds: number; // practice-local
  bookedAt: number;
  status: BookingStatus;
  insert: 'pending' | 'confirmed' | 'rejected';
  pmsPatientId: string | null;
  pmsAppointmentIds: string[];
  links: Record<string, string>;
  patient: PatientDetails;
  reason: string;
  comments: string;
  isNewPatient: boolean;
  telehealthUrl?: string;
  autoConfirmedAt?: number;
  confirmedAt?: number;
  rejectedAt?: number;
  rejectedLate?: boolean;
  rejectReason?: string | null;
  cancelledAt?: number;
  cancelledBy?: 'patient' | 'pms' | 'rejected';
  cancelReason?: string | null;
  didNotAttend?: boolean;
  didNotAttendReason?: string | null;
  history: HistoryEntry[];
}

export interface Subscription {
  id: string;
  clientId: string | null;
  topic: string;
  callbackUrl: string;
  startAt: number;
  expireAt: number | null;
}
export interface ErrorLogEntry {
  id: string;
  subscriptionId: string;
  subscriptionTopic: string;
  clientId: string | null;
  callbackUrl: string;
  payload: Record<string, unknown>;
  attempt: number;
  errorType: string;
  errorMessage: string;
  at: number;
}
export interface AttachDocumentRecord {
  requestId: number;
  metadata: Record<string, unknown>;
  content: string;
  createdAt: number;
  handled?: 'confirmed' | 'rejected';
  handledAt?: number;
  pmsDocumentId?: string | null;
  reason?: string | null;
}

export interface Practice {
  practiceId: string;
  practiceKey: string;
  timezone: string;
  name: string;
  consentActive: boolean;
  consentHistory: HistoryEntry[];
  createdAt: number;
  resources: Map<string, PmsResource>;
  appointmentTypes: Map<string, PmsAppointmentType>;
  heAppointmentLengths: Map<string, number>; // seconds, set by HE admin (harness) per PMS appointment type
  liveness: LivenessContract | null;
  publicHolidays: Set<string>;
  features: Map<FeatureId, boolean>;
  availability: Map<string, StoredSnapshot>;
  recentSnapshotHashes: Map<string, { hash: string; at: number }>;
  bookings: Map<number, Booking>;
  bookingsByDay: Map<string, Booking[]>; // `${pmsResourceId}|${date}`: keeps slot checks O(day)
  pending: QueueItem[];
  resolved: ResolvedItem[];
  subscriptions: Map<string, Subscription>;
  errorLog: ErrorLogEntry[];
  lastPolledAt: number;
  documentsAvailable: Array<Record<string, unknown>>;
  documentsUploaded: Array<Record<string, unknown>>;
  documentUploadsRejected: Array<Record<string, unknown>>;
  clientSnapshots: Array<Record<string, unknown>>;
  attachDocuments: Map<number, AttachDocumentRecord>;
}

export interface LoggedRequest {
  at: string;
  method: string;
  path: string;
  practiceId: string | null;
  userAgent: string | null;
  body: unknown;
  status?: number;
  operationId: string | null; // the spec operation called; null when the call is not in openapi.yaml
}

export interface EmulatorState {
  apiKey: string;
  config: EmulatorConfig;
  clock: EmulatorClock;
  practices: Map<string, Practice>;
  nextBookingId: number;
  nextRequestId: number;
  random: () => number;
  baseUrl: string;
  requestLog: LoggedRequest[];
  seed: number | undefined;
  hooks: StateHooks;
}

/** Side effects the rules trigger but do not own (webhook delivery). */
export interface StateHooks {
  requestRaised(practice: Practice, item: QueueItem): void;
  bookingEvent(practice: Practice, type: string, booking: Booking, extra?: Record<string, unknown>): void;
}

export function newPractice(seed: SeedPractice, now: number): Practice {
  return {
    ...seed,
    consentActive: true,
    consentHistory: [{ at: new Date(now).toISOString(), event: 'consent-granted' }],
    createdAt: now,
    resources: new Map(),
    appointmentTypes: new Map(),
    heAppointmentLengths: new Map(),
    liveness: null,
    publicHolidays: new Set(),
    features: new Map([
      ['documents', false],
      ['clientSnapshots', false],
      ['attachDocuments', false],
    ]),
    availability: new Map(),
    recentSnapshotHashes: new Map(),
    bookings: new Map(),
    bookingsByDay: new Map(),
    pending: [],
    resolved: [],
    subscriptions: new Map(),
    errorLog: [],
    lastPolledAt: now,
    documentsAvailable: [],
    documentsUploaded: [],
    documentUploadsRejected: [],
    clientSnapshots: [],
    attachDocuments: new Map(),
  };
}

export function createState(clock: EmulatorClock, seed: number | undefined): EmulatorState {
  const data = seedData(seed);
  const now = clock.now();
  const practices = new Map<string, Practice>();
  for (const p of data.practices) practices.set(p.practiceId, withHolidays(newPractice(p, now), now));
  return {
    apiKey: data.apiKey,
    config: defaultConfig(),
    clock,
    practices,
    nextBookingId: 100_001,
    nextRequestId: 1,
    random: mulberry32((seed ?? 20_240_101) ^ 0x5eed),
    baseUrl: 'http://127.0.0.1',
    requestLog: [],
    seed,
    hooks: { requestRaised: () => undefined, bookingEvent: () => undefined },
  };
}

/** Seeds national Australian public holidays for the current and next two years. */
export function withHolidays(practice: Practice, now: number): Practice {
  const year = new Date(now).getUTCFullYear();
  for (const y of [year - 1, year, year + 1, year + 2])
    for (const d of nationalHolidays(y)) practice.publicHolidays.add(d);
  return practice;
}

export function nationalHolidays(year: number): string[] {
  const easter = easterSunday(year);
  const shift = (days: number) => new Date(easter + days * 86_400_000).toISOString().slice(0, 10);
  return [`${year}-01-01`, `${year}-01-26`, shift(-2), shift(1), `${year}-04-25`, `${year}-12-25`, `${year}-12-26`];
}

/** Anonymous Gregorian algorithm; returns UTC midnight of Easter Sunday. */
function easterSunday(year: number): number {
  const a = year % 19,
    b = Math.floor(year / 100),
    c = year % 100;
  const d = Math.floor(b / 4),
    e = b % 4,
    f = Math.floor((b + 8) / 25),
    g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30,
    i = Math.floor(c / 4),
    k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7,
    m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31),
    day = ((h + l - 7 * m + 114) % 31) + 1;
  return Date.UTC(year, month - 1, day);
}

export function practiceOf(state: EmulatorState, practiceId: string): Practice | undefined {
  return state.practices.get(practiceId);
}
