// Salesforce's error shapes: REST errors are arrays of {message, errorCode, fields}; per-record
// results inside collections use statusCode; the OAuth endpoints answer {error, error_description}.
import type { z } from 'zod';

export interface ApiErrorBody {
  message: string;
  errorCode: string;
  fields?: string[];
  [extra: string]: unknown;
}

export class SfError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly fields?: string[],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  body(): ApiErrorBody[] {
    const error: ApiErrorBody = { message: this.message, errorCode: this.errorCode };
    if (this.fields) error.fields = this.fields;
    return [{ ...this.extra, ...error }];
  }

  /** The per-record form used inside collection results. */
  saveError(): { statusCode: string; message: string; fields: string[] } & Record<string, unknown> {
    return { ...this.extra, statusCode: this.errorCode, message: this.message, fields: this.fields ?? [] };
  }
}

export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }

  body(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

export const notFound = (): SfError => new SfError(404, 'NOT_FOUND', 'The requested resource does not exist');
export const entityDeleted = (status = 404): SfError =>
  new SfError(status, 'ENTITY_IS_DELETED', 'entity is deleted', []);
export const invalidSession = (): SfError => new SfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
export const limitExceeded = (): SfError => new SfError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
export const jsonParserError = (message: string): SfError => new SfError(400, 'JSON_PARSER_ERROR', message);
export const invalidType = (name: string): SfError =>
  new SfError(
    400,
    'INVALID_TYPE',
    `sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
  );

/** The errorCode a fault answers with when the harness names none (digest §15.17). */
export function defaultFaultCode(status: number): { errorCode: string; message: string } {
  if (status === 400)
    return { errorCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record' };
  if (status === 401) return { errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' };
  if (status === 403) return { errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' };
  if (status === 404) return { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' };
  if (status === 503) return { errorCode: 'SERVER_UNAVAILABLE', message: 'maintenance' };
  return {
    errorCode: 'UNKNOWN_EXCEPTION',
    message: 'An unexpected error occurred. Please include this ErrorId if you contact support.',
  };
}

/** Harness input errors: a 400 naming the field, in the same array shape. */
export function parseWith<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input === undefined ? {} : input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'body';
  throw new SfError(400, 'INVALID_INPUT', `${field}: ${issue?.message ?? 'invalid'}`, [field]);
}
