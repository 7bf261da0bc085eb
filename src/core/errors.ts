// Typed errors that every layer understands; the HTTP layer maps each to one status.
export interface FieldProblem {
  field: string;
  message: string;
}

export class ValidationError extends Error {
  constructor(
    readonly details: FieldProblem[],
    message = 'The request has invalid fields',
  ) {
    super(message);
  }
}

export class NotFoundError extends Error {
  constructor(readonly entity: string) {
    super(`${entity} not found`);
  }
}

/** A write based on a stale version, or a state that forbids the change. */
export class ConflictError extends Error {
  constructor(
    message: string,
    readonly details: FieldProblem[] = [],
  ) {
    super(message);
  }
}

export class AuthError extends Error {}

/** Authenticated, but not allowed: a disabled practice, or a role without the right. */
export class ForbiddenError extends Error {}

/**
 * `loadConnection` found nothing to work with: no such connection (or not this system's), no
 * credentials, or (unless asked for any status) not active. A job ends quietly on it: there is
 * nothing to retry.
 */
export class ConnectionGone extends Error {
  constructor(
    readonly connectionId: string,
    readonly reason: 'missing' | 'no-credentials' | 'inactive' | 'practice-disabled',
  ) {
    super(`connection ${connectionId} is ${GONE[reason]}`);
  }
}
const GONE = {
  missing: 'gone',
  'no-credentials': 'without credentials',
  inactive: 'not active',
  'practice-disabled': 'of a disabled practice',
};

/** The loaded connection, or undefined when it is gone: for callers that carry on without it. */
export async function unlessGone<T>(loading: Promise<T>): Promise<T | undefined> {
  try {
    return await loading;
  } catch (error) {
    if (error instanceof ConnectionGone) return undefined;
    throw error;
  }
}

export interface IntegrationErrorInit {
  /** The external system: 'hint', 'healthengine', 'salesforce'… */
  system: string;
  /** Its HTTP status; 0 when no answer came (network failure, timeout) or none was sent. */
  status: number;
  /** A short stable name of the failure, e.g. 'rate_limited', 'not_found', 'network', 'invalid_response'. */
  code?: string;
  /** Whether a later attempt may succeed. The job runner fails a job at once when it is false. */
  retryable: boolean;
  /** How long the system asked us to wait (Retry-After), when it said. */
  retryAfterMs?: number;
  /** What went wrong underneath (the fetch error, the zod error…), kept for the log. */
  cause?: unknown;
  /** Request path, for the message (never a query string: it may hold personal data). */
  path?: string;
  /** The system's own words, when it gave any. */
  detail?: string;
}

/** Every failed call to an external system, whichever vendor client made it. */
export class IntegrationError extends Error {
  readonly system: string;
  readonly status: number;
  readonly code: string;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly path: string | undefined;
  readonly detail: string | undefined;

  constructor(init: IntegrationErrorInit) {
    super(integrationMessage(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'IntegrationError';
    this.system = init.system;
    this.status = init.status;
    this.code = init.code ?? codeForStatus(init.status);
    this.retryable = init.retryable;
    this.retryAfterMs = init.retryAfterMs;
    this.path = init.path;
    this.detail = init.detail;
  }
}

function integrationMessage(init: IntegrationErrorInit): string {
  const where = init.path ? ` on ${init.path}` : '';
  const what = init.detail ?? init.code ?? codeForStatus(init.status);
  return `${init.system} ${init.status}${where}: ${what}`;
}

/** The code for an HTTP status when the client names none. */
export function codeForStatus(status: number): string {
  if (status === 0) return 'network';
  if (status === 400 || status === 422) return 'invalid_request';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 408) return 'timeout';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'unavailable';
  return `http_${status}`;
}

/** The usual rule: rate limits, timeouts, outages and no answer at all are worth another try. */
export function retryableStatus(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}
