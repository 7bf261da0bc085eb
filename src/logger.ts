// One pino logger for the process. PHI never reaches the log: known personal fields are
// redacted wherever they appear, and request URLs are logged without their query strings
// (a search term is often a name).
import pino, { type Logger } from 'pino';

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

export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: {
      req: (req: { method: string; url: string; id?: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url.split('?')[0],
      }),
      err: pino.stdSerializers.err,
    },
  });
}

export type { Logger };
