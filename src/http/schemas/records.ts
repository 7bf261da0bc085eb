// The shapes of the answers the console's record pages read (overview, patients, timeline,
// reviews). The console imports these types only (type-only imports), so a page cannot drift
// from what the server sends.
import type { Patient } from '../../core/records/patient.ts';
import type { LinkSummary } from '../../db/links.ts';
import type { MatchReview } from '../../db/match-reviews.ts';
import type { TimelineEntry } from '../../db/patient-timeline.ts';

export type { Patient, LinkSummary, MatchReview, TimelineEntry };
export type { TimelineKind } from '../../db/patient-timeline.ts';
export type { Explanation, FieldExplanation, MatchRecord } from '../../core/matching/types.ts';
export type { FailedJob } from '../../jobs/failed.ts';

/** What Hint knows about a linked patient, shown to staff (GET /patients/:id → hint). */
export interface HintFacts {
  webLink: string | null;
  membershipStatus: string | null;
  planName: string | null;
  balanceCents: number | null;
  employerName: string | null;
  practitionerName: string | null;
  /** Hint-owned acceptances (read-only in Tandem): the member contract and the HIPAA authorization, with when (ISO). */
  memberContractAccepted: boolean | null;
  memberContractAcceptedAt: string | null;
  hipaaAuthorizationAccepted: boolean | null;
  hipaaAuthorizationAcceptedAt: string | null;
}

/** A patient as GET /patients and GET /patients/:id answer it. */
export interface PatientView extends Patient {
  links: LinkSummary[];
  hint: HintFacts | null;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface HealthView {
  ok: boolean;
  /** What is wrong, in words staff can act on. */
  problems: string[];
  /** What is known to be fine (e.g. "Hint webhook endpoint registered"). */
  facts: string[];
  /** Moments worth showing, e.g. { label: 'Last successful poll', at: '…' }. */
  times: { label: string; at: string }[];
}

export interface ConnectionOverview {
  id: string;
  system: 'hint' | 'healthengine' | 'salesforce';
  name: string;
  status: string;
  statusMessage: string | null;
  health: HealthView;
  lastSyncedAt: string | null;
  patientLinks: { linked: number; errored: number; unsynced: number };
  pendingReviews: number;
  failedJobs: number;
}

/** GET /overview */
export interface Overview {
  connections: ConnectionOverview[];
  pendingReviews: number;
  failedJobs: number;
}

export interface Appointment {
  id: string;
  resourceId: string;
  appointmentTypeId: string | null;
  patientId: string;
  start: string;
  end: string;
  status: 'booked' | 'cancelled' | 'attended' | 'did_not_attend';
  source: string | null;
  notes: string | null;
  reason: string | null;
  external: Record<string, unknown> | null;
  version: number;
  /** The appointment's twins: its Healthengine booking, its Hint partner interaction. */
  links: LinkSummary[];
}
