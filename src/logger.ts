// One pino logger for the process. PHI never reaches the log: known personal fields are
// redacted wherever they appear, and request URLs are logged without their query strings
// (a search term is often a name).
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

const PHI_FIELDS = [
  'firstName',
  'lastName',
  'middleName',
  'preferredName',
  'first_name',
  'last_name',
  'middle_name',
  'preferred_name',
  'chosen_name',
  'name',
  'dob',
  'date_of_birth',
  'email',
  'phone',
  'phones',
  'phone_number',
  'mobile',
  'address',
  'address_line1',
  'address_line2',
  'line1',
  'line2',
  'medicare',
  'medicare_number',
  'medicareNumber',
  'insurance',
  'firstname',
  'lastname',
  'patient',
];

export const redactPaths = [
  ...PHI_FIELDS,
  ...PHI_FIELDS.map((f) => `*.${f}`),
  ...PHI_FIELDS.map((f) => `*.*.${f}`),
  'req.headers.authorization',
  'req.headers["x-hint-signature"]',
  'req.headers["practice-key"]',
  'req.headers["api-key"]',
  'credentials',
  '*.credentials',
  'accessToken',
  '*.accessToken',
  'access_token',
  '*.access_token',
  'token',
  '*.token',
];

interface PgErrorFields {
  code: string;
  severity?: string;
  constraint?: string;
  table?: string;
  column?: string;
  dataType?: string;
  routine?: string;
  stack?: string;
}

const isPgError = (e: unknown): e is PgErrorFields =>
  e instanceof Error &&
  typeof (e as { code?: unknown }).code === 'string' &&
  /^[0-9A-Z]{5}$/.test((e as unknown as { code: string }).code) &&
  'severity' in e;

/**
 * PostgreSQL errors carry the failing values: `detail` ("Key (email)=(…)"), `where` ("JSON
 * data, line 1: …") and often the message itself ('invalid input syntax for type date: "…"').
 * Only their code and the names of what failed are logged, never a value; the stack keeps its
 * frames but not its first line (the message). A PostgreSQL error nested as another error's
 * cause is treated the same way.
 */
export function serializeError(error: unknown, depth = 0): unknown {
  if (isPgError(error)) {
    const { code, constraint, table, column, dataType, routine } = error;
    return {
      type: 'DatabaseError',
      message: `PostgreSQL error ${code}${constraint ? ` (${constraint})` : ''}`,
      code,
      ...(constraint && { constraint }),
      ...(table && { table }),
      ...(column && { column }),
      ...(dataType && { dataType }),
      ...(routine && { routine }),
      stack: error.stack?.split('\n').slice(1).join('\n'),
    };
  }
  if (!(error instanceof Error)) return error;
  // Not pino's own serializer: it folds every cause's message (and stack) into the outer one.
  const out: Record<string, unknown> = { type: error.constructor.name, message: error.message, stack: error.stack };
  for (const [key, value] of Object.entries(error as unknown as Record<string, unknown>))
    out[key] = value instanceof Error ? (depth < 5 ? serializeError(value, depth + 1) : '[error]') : value;
  if (error.cause !== undefined) out.cause = depth < 5 ? serializeError(error.cause, depth + 1) : '[error]';
  return out;
}

/**
 * Readable, coloured lines for a person at a terminal (pino-pretty); redaction happens before
 * any destination, so what it prints is as free of PHI as the JSON. `to`: where (stdout by default).
 */
export function prettyDestination(to?: NodeJS.WritableStream): pino.DestinationStream {
  return pretty({
    colorize: to === undefined,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    sync: true,
    ...(to ? { destination: to } : {}),
  });
}

/** JSON lines by default (for machines); pretty ones when stdout is a terminal. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  if (destination === undefined && process.stdout.isTTY && level !== 'silent') destination = prettyDestination();
  return pino(
    {
      level,
      redact: { paths: redactPaths, censor: '[redacted]' },
      serializers: {
        req: (req: { method: string; url: string; id?: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url.split('?')[0],
        }),
        err: serializeError,
      },
    },
    destination as pino.DestinationStream,
  );
}

export type { Logger };
