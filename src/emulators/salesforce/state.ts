// The org's data: records (with the recycle bin), the delete log, users, the connected app,
// sessions and counters. Plain data, so --state can save it as JSON. Writes go through a
// Transaction so allOrNone collections and composite requests roll back as one.
import type { CustomFieldInput, OrgSettings } from './metadata.ts';

export interface SfRecord {
  id: string;
  object: string;
  values: Record<string, unknown>; // canonical field name → value (dateTimes as epoch ms, dates as YYYY-MM-DD)
  deleted: boolean;
  deletedAt: number | null;
}

export interface SfUser {
  id: string;
  username: string;
  name: string;
  email: string;
  profile: string;
  /** Pre-authorized for the connected app (the JWT bearer flow needs it). */
  preAuthorized: boolean;
}

export interface ConnectedApp {
  clientId: string;
  clientSecret: string;
  callbackUrls: string[];
  certificatePem: string;
  privateKeyPem: string;
}

export interface Session {
  token: string;
  userId: string;
  clientId: string;
  issuedAt: number;
  lastUsedAt: number;
  refreshToken: string | null;
  scope: string;
}

export interface RefreshGrant {
  token: string;
  userId: string;
  clientId: string;
  issuedAt: number;
  scope: string;
}

export interface AuthCode {
  code: string;
  userId: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  expiresAt: number;
}

export interface DeleteLogEntry {
  object: string;
  id: string;
  deletedDate: number;
}

export interface ValidationRule {
  name: string;
  object: string;
  /** A SOQL condition; a record that matches it fails to save (like a validation rule formula). */
  errorCondition: string;
  message: string;
  field: string | null;
  active: boolean;
}

export interface DuplicateRule {
  active: boolean;
  /** false: blocking rule; true: alert-only, saved when the caller sends allowSave=true. */
  allowSave: boolean;
}

export class OrgData {
  orgId = '';
  pod = '5e';
  serial = 1;
  logSerial = 1;
  createdAt = 0;
  org: OrgSettings = {
    middleName: false,
    suffix: false,
    genderIdentity: true,
    packageDeployed: false,
    namespace: '',
    customFields: null as CustomFieldInput[] | null,
    deployedAt: 0,
  };
  records = new Map<string, Map<string, SfRecord>>();
  deleteLog: DeleteLogEntry[] = [];
  /** Deletes before this were purged from the log (getDeleted's earliestDateAvailable). */
  deleteLogPurgedBefore = 0;
  users: SfUser[] = [];
  app: ConnectedApp = { clientId: '', clientSecret: '', callbackUrls: [], certificatePem: '', privateKeyPem: '' };
  sessions = new Map<string, Session>();
  refreshGrants = new Map<string, RefreshGrant>();
  authCodes = new Map<string, AuthCode>();
  validationRules: ValidationRule[] = [];
  duplicateRule: DuplicateRule = { active: false, allowSave: false };
  /** API requests counted per emulated hour (epoch hour → count), for the rolling 24 h allowance. */
  apiUsage = new Map<number, number>();
}

type Undo = () => void;

/** Collects undo steps (and whatever the caller attaches, e.g. change events) for one transaction. */
export class Transaction {
  private undo: Undo[] = [];
  readonly afterCommit: (() => void)[] = [];
  readonly key: string;
  constructor(key: string) {
    this.key = key;
  }
  onRollback(step: Undo): void {
    this.undo.push(step);
  }
  rollback(): void {
    for (const step of this.undo.reverse()) step();
    this.undo = [];
    this.afterCommit.length = 0;
  }
  commit(): void {
    this.undo = [];
    for (const fn of this.afterCommit.splice(0)) fn();
  }
}
