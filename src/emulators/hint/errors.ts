// Hint's one error shape: {status, message}; no machine codes.
import type { z } from 'zod';

export class HintError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function errorBody(status: number, message: string): { status: number; message: string } {
  return { status, message };
}

export const defaultMessages: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  422: 'Unprocessable Entity',
  428: 'This action requires a Practice',
  429: 'Enhance your calm',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function messageFor(status: number): string {
  return defaultMessages[status] ?? 'Error';
}

export const notFound = (what = 'Record'): HintError => new HintError(404, `${what} not found`);

/** "first_name" → "First name", "phones.0.number" → "Phones number" (Rails-style messages). */
function humanize(path: readonly PropertyKey[]): string {
  const words = path
    .filter((p) => typeof p === 'string')
    .join(' ')
    .replace(/_/g, ' ')
    .trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : 'Body';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = humanize(issue.path);
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${field} can't be blank`;
  if (issue.code === 'too_small' && issue.origin === 'string') return `${field} can't be blank`;
  if (issue.code === 'invalid_value') return `${field} is not included in the list`;
  if (issue.code === 'unrecognized_keys') return `${issue.keys.join(', ')} is not a known attribute`;
  return `${field} is invalid (${issue.message})`;
}

/** Turns zod issues into Hint's "Validation failed: First name can't be blank, …". */
export function validationError(error: z.ZodError): HintError {
  const messages = error.issues.map(describeIssue);
  return new HintError(422, `Validation failed: ${messages.join(', ')}`);
}

export function parseWith<T>(schema: z.ZodType<T>, input: unknown): T {
  // No body at all is an empty object; an explicit JSON null is not.
  const result = schema.safeParse(input === undefined ? {} : input);
  if (!result.success) throw validationError(result.error);
  return result.data;
}
