// The Salesforce REST client (digest §2–§4, §10–§11) over fetch: every failure an
// IntegrationError with Salesforce's errorCode and message. Discipline: one refresh and replay
// on INVALID_SESSION_ID; UNABLE_TO_LOCK_ROW and 5xx retried here with backoff a few times (then
// retryable for the job runner); Sforce-Limit-Info read on every answer — past 90 % of the
// daily allowance calls slow down, past 98 % they stop with a clear status (the rest is the
// org's own). Validation errors are not retryable: they are shown on the link, never looped.
// Why not jsforce here: its retries and errors are opaque to that discipline; jsforce serves
// the CometD streaming (inbound-cdc.ts), where it is the ecosystem's client.
import { IntegrationError, type IntegrationErrorInit } from '../../core/errors.ts';

export const API_VERSION = '62.0';

export interface Session {
  instanceUrl: string;
  accessToken: string;
}

export interface ClientOptions {
  session(): Promise<Session>;
  /** A new session after INVALID_SESSION_ID (refresh token or a new JWT). */
  refresh(): Promise<Session>;
  /** Our name in Sforce-Call-Options: change events of our writes carry it (echo suppression). */
  callClient: string;
  /** Every answer's reading of the org's usage (awaited: the connection pauses at Tandem's reserve). */
  onLimit?(used: number, max: number): void | Promise<void>;
  /** Backoff base (tests make it short). */
  backoffMs?: number;
}

export interface SfError {
  errorCode?: string;
  statusCode?: string;
  message: string;
  fields?: string[];
  /** DUPLICATES_DETECTED: the duplicate rule's verdict and the records it matched. */
  duplicateResult?: {
    allowSave?: boolean;
    matchResults?: { matchRecords?: { record?: { Id?: string } }[] }[];
  };
}

/** A refusal from Salesforce, with its error array (the duplicate rule's matches, for one). */
export class SalesforceError extends IntegrationError {
  constructor(
    init: IntegrationErrorInit,
    readonly errors: SfError[],
  ) {
    super(init);
    this.name = 'SalesforceError';
  }
}

/** The records a duplicate rule matched (DUPLICATES_DETECTED), by id. */
export function duplicateMatchIds(error: unknown): string[] {
  if (!(error instanceof SalesforceError)) return [];
  return error.errors.flatMap((e) =>
    (e.duplicateResult?.matchResults ?? []).flatMap((m) =>
      (m.matchRecords ?? []).map((r) => r.record?.Id).filter((id): id is string => typeof id === 'string'),
    ),
  );
}

export interface SaveResult {
  id?: string;
  success: boolean;
  errors: SfError[];
}

/** Codes that say the record's data is refused: stored on the link with Salesforce's message. */
export const VALIDATION_CODES = new Set([
  'STRING_TOO_LONG',
  'INVALID_EMAIL_ADDRESS',
  'FIELD_CUSTOM_VALIDATION_EXCEPTION',
  'DUPLICATES_DETECTED',
  'DUPLICATE_VALUE',
  'REQUIRED_FIELD_MISSING',
  'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
  'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY',
  'INVALID_FIELD_FOR_INSERT_UPDATE',
  'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY',
  'INVALID_CROSS_REFERENCE_KEY',
]);
const TRANSIENT_CODES = new Set(['UNABLE_TO_LOCK_ROW', 'SERVER_UNAVAILABLE', 'UNKNOWN_EXCEPTION']);
const RETRIES = 3;
const DUPLICATE_RULE_HEADER = 'sforce-duplicate-rule-header';
export const SLOW_AT = 0.9;
export const STOP_AT = 0.98;
/** How long work waits once the org's usage reached Tandem's reserve (it is read again after). */
export const RESERVE_WAIT_MS = 15 * 60_000;

export const reserveDetail = (used: number, max: number) =>
  `the org has used ${used} of its ${max} daily API calls; Tandem stops at ${STOP_AT * 100} % and resumes when the allowance frees up`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SalesforceClient {
  /** The org's API usage as the last answer reported it. */
  limit: { used: number; max: number } | null = null;

  constructor(private readonly o: ClientOptions) {}

  get base(): string {
    return `/services/data/v${API_VERSION}`;
  }

  /** A call under /services/data/vXX.X (or an absolute /services/… path from Salesforce, e.g. nextRecordsUrl). */
  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const full = path.startsWith('/services/') ? path : `${this.base}${path}`;
    this.checkAllowance(full);
    if (this.limit && this.limit.used / this.limit.max >= SLOW_AT) await sleep(250);
    let refreshed = false;
    let sendHeaders = headers;
    for (let attempt = 0; ; attempt++) {
      const session = await this.o.session();
      const response = await this.send(session, method, full, body, sendHeaders);
      await this.readLimit(response);
      if (response.ok) {
        if (response.status === 204) return undefined as T;
        const text = await response.text();
        return (text ? JSON.parse(text) : undefined) as T;
      }
      const errors = await readErrors(response);
      const code = errors[0]?.errorCode ?? errors[0]?.statusCode;
      if (response.status === 401 && !refreshed) {
        refreshed = true;
        await this.o.refresh();
        continue;
      }
      // An alert-only duplicate rule (digest §10): saved when asked again with the rule's header.
      if (code === 'DUPLICATES_DETECTED' && errors[0]?.duplicateResult?.allowSave === true && sendHeaders === headers) {
        sendHeaders = { ...headers, [DUPLICATE_RULE_HEADER]: 'allowSave=true' };
        continue;
      }
      const transient = response.status >= 500 || (code !== undefined && TRANSIENT_CODES.has(code));
      if (transient && attempt < RETRIES) {
        await sleep((this.o.backoffMs ?? 200) * 4 ** attempt);
        continue;
      }
      throw toError(response.status, errors, pathOnly(full), transient);
    }
  }

  private async send(session: Session, method: string, path: string, body: unknown, headers: Record<string, string>) {
    try {
      return await fetch(`${session.instanceUrl.replace(/\/$/, '')}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${session.accessToken}`,
          accept: 'application/json',
          'sforce-call-options': `client=${this.o.callClient}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (cause) {
      throw new IntegrationError({ system: 'salesforce', status: 0, retryable: true, cause, path: pathOnly(path) });
    }
  }

  private async readLimit(response: Response): Promise<void> {
    const m = /api-usage=(\d+)\/(\d+)/.exec(response.headers.get('sforce-limit-info') ?? '');
    if (!m) return;
    this.limit = { used: Number(m[1]), max: Number(m[2]) };
    await this.o.onLimit?.(this.limit.used, this.limit.max);
  }

  private checkAllowance(path: string): void {
    if (!this.limit || this.limit.used / this.limit.max < STOP_AT) return;
    throw new IntegrationError({
      system: 'salesforce',
      status: 0,
      code: 'API_ALLOWANCE_RESERVED',
      detail: reserveDetail(this.limit.used, this.limit.max),
      retryable: true,
      retryAfterMs: RESERVE_WAIT_MS,
      path: pathOnly(path),
    });
  }

  /** Every record of a SOQL query, following nextRecordsUrl. */
  async query<T = Record<string, unknown>>(soql: string, options: { all?: boolean; max?: number } = {}): Promise<T[]> {
    const out: T[] = [];
    let page = await this.request<QueryPage<T>>(
      'GET',
      `/${options.all ? 'queryAll' : 'query'}?q=${encodeURIComponent(soql)}`,
    );
    out.push(...page.records);
    while (!page.done && page.nextRecordsUrl && out.length < (options.max ?? Infinity)) {
      page = await this.request<QueryPage<T>>('GET', page.nextRecordsUrl);
      out.push(...page.records);
    }
    return out;
  }

  get<T = Record<string, unknown>>(type: string, id: string, fields?: string[]): Promise<T> {
    const q = fields ? `?fields=${fields.map(encodeURIComponent).join(',')}` : '';
    return this.request<T>('GET', `/sobjects/${type}/${encodeURIComponent(id)}${q}`);
  }

  update(type: string, id: string, fields: Record<string, unknown>): Promise<void> {
    return this.request<void>('PATCH', `/sobjects/${type}/${encodeURIComponent(id)}`, fields);
  }

  async create(type: string, fields: Record<string, unknown>): Promise<string> {
    const r = await this.request<SaveResult>('POST', `/sobjects/${type}`, fields);
    return r.id!;
  }

  async remove(type: string, id: string): Promise<void> {
    await this.request('DELETE', `/sobjects/${type}/${id}`);
  }

  /** Up to 200 records per call, each succeeding or failing alone (allOrNone false). */
  async saveMany(
    method: 'POST' | 'PATCH',
    type: string,
    records: Record<string, unknown>[],
    headers?: Record<string, string>,
  ): Promise<SaveResult[]> {
    const results: SaveResult[] = [];
    for (let i = 0; i < records.length; i += 200) {
      const chunk = records.slice(i, i + 200).map((r) => ({ attributes: { type }, ...r }));
      results.push(
        ...(await this.request<SaveResult[]>(
          method,
          '/composite/sobjects',
          { allOrNone: false, records: chunk },
          headers,
        )),
      );
    }
    return results;
  }

  /** Records by id (null for unknown or deleted ids), up to 2,000 per call. */
  async retrieve<T = Record<string, unknown>>(type: string, ids: string[], fields: string[]): Promise<(T | null)[]> {
    const out: (T | null)[] = [];
    for (let i = 0; i < ids.length; i += 2000)
      out.push(
        ...(await this.request<(T | null)[]>('POST', `/composite/sobjects/${type}`, {
          ids: ids.slice(i, i + 2000),
          fields,
        })),
      );
    return out;
  }

  describe(type: string): Promise<Describe> {
    return this.request<Describe>('GET', `/sobjects/${type}/describe`);
  }

  updated(type: string, start: Date, end: Date): Promise<{ ids: string[]; latestDateCovered: string }> {
    return this.request('GET', `/sobjects/${type}/updated?start=${iso(start)}&end=${iso(end)}`);
  }

  deleted(
    type: string,
    start: Date,
    end: Date,
  ): Promise<{ deletedRecords: { id: string; deletedDate: string }[]; latestDateCovered: string }> {
    return this.request('GET', `/sobjects/${type}/deleted?start=${iso(start)}&end=${iso(end)}`);
  }
}

export interface Describe {
  name: string;
  fields: { name: string; type: string; length?: number; updateable: boolean; createable: boolean; custom?: boolean }[];
}

interface QueryPage<T> {
  done: boolean;
  totalSize: number;
  records: T[];
  nextRecordsUrl?: string;
}

const iso = (d: Date) => encodeURIComponent(d.toISOString().replace(/\.\d{3}Z$/, 'Z'));
const pathOnly = (p: string) => p.split('?')[0]!;

async function readErrors(response: Response): Promise<SfError[]> {
  const body = (await response.json().catch(() => null)) as unknown;
  if (Array.isArray(body)) return body as SfError[];
  if (body && typeof body === 'object' && 'message' in body) return [body as SfError];
  return [];
}

function toError(status: number, errors: SfError[], path: string, transient: boolean): IntegrationError {
  const first = errors[0];
  const code = first?.errorCode ?? first?.statusCode;
  if (status === 401)
    return new IntegrationError({
      system: 'salesforce',
      status,
      code: 'INVALID_SESSION_ID',
      detail: 'Salesforce refused the session again after a refresh: re-authorize the connection',
      retryable: false,
      path,
    });
  if (code === 'REQUEST_LIMIT_EXCEEDED')
    return new IntegrationError({
      system: 'salesforce',
      status,
      code,
      detail: first?.message,
      retryable: true,
      retryAfterMs: 30 * 60_000,
      path,
    });
  return new SalesforceError(
    {
      system: 'salesforce',
      status,
      code,
      detail: first?.message,
      retryable: transient,
      path,
    },
    errors,
  );
}

/** The Salesforce error code of a failure, when it is one. */
export function sfCode(error: unknown): string | undefined {
  return error instanceof IntegrationError && error.system === 'salesforce' ? error.code : undefined;
}

/** Salesforce's words for a per-record failure: "STRING_TOO_LONG on LastName: …". */
/** The start of every message that says Salesforce refused Tandem's write to a contact. */
export const SALESFORCE_REFUSED = 'Salesforce refused the update';

/** Salesforce's refusal in words, for the link and the report (it may quote the value: never logged). */
export const refusalMessage = (code: string, detail: string | undefined) =>
  `${SALESFORCE_REFUSED}: ${code}: ${detail ?? ''}`.trim();

export function describeSaveErrors(errors: SfError[]): string {
  return errors
    .map((e) => `${e.statusCode ?? e.errorCode}${e.fields?.length ? ` on ${e.fields.join(', ')}` : ''}: ${e.message}`)
    .join('; ');
}
