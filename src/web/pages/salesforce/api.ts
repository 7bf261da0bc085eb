// The Salesforce API as the console reads it (src/connectors/salesforce/routes.ts).
export interface Finding {
  severity: 'blocking' | 'warning';
  kind: 'field' | 'object' | 'button';
  name: string;
  problem: string;
  fix: string;
}

export interface Verification {
  ok: boolean;
  checkedAt: string;
  findings: Finding[];
}

export interface SalesforceSettings {
  defaultAccountId: string | null;
  createContactWhenNoMatch: boolean;
  mirrorLogsToSalesforce: boolean;
  mirrorLogLevel: 'debug' | 'error' | 'exception';
  namespace: string;
  pollEverySeconds: number;
  fieldMapping: { canonical: string; contact: string; direction: string }[];
}

export interface SalesforceConnectionView {
  id: string;
  name: string;
  status: string;
  statusMessage: string | null;
  orgId: string | null;
  flow: 'jwt' | 'web' | null;
  instanceUrl: string | null;
  settings: SalesforceSettings;
  verification: Verification | null;
  capture: {
    mode: 'cdc' | 'polling';
    replayId: number | null;
    pollCursor: string | null;
    lastReconciledAt: string | null;
  };
  /** Paused at the org's daily API allowance until `until` (null: not paused). */
  apiAllowancePause: { code: string; detail: string | null; until: string } | null;
  createdAt: string;
  updatedAt: string;
}

export interface Candidate {
  patientId: string;
  firstName: string;
  lastName: string;
  dob: string | null;
  email: string | null;
  phone: string | null;
  membershipStatus: string | null;
  hintPatientId: string | null;
  linkedContactId: string | null;
  linkedToThisContact: boolean;
}

export interface ContactView {
  connection: { id: string; name: string };
  contact: {
    id: string;
    firstName: string | null;
    lastName: string | null;
    birthdate: string | null;
    email: string | null;
    syncedToHint: boolean;
    hintPatientId: string | null;
  };
  link: { patientId: string; status: string; errorMessage: string | null; remoteState: string | null } | null;
  patient: Candidate | null;
}

export interface LinkResult {
  patientId: string;
  contactId: string;
  hintPatientId: string | null;
  contactError: string | null;
  refused: string[];
  unlinked: { patientId?: string; contactId?: string };
}
