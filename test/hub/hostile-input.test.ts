// Hostile input gets a 4xx naming the field and writes nothing; whatever it provokes, no
// personal value reaches the log (a redaction scan over everything logged at debug level).
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

const logLines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    logLines.push(String(chunk));
    done();
  },
});

// The personal values the requests below carry; none may appear in a log line.
const PHI = ['Zebedee', 'Quarrington', '1961-07-14', '0412 555 019', '412555019', 'zq@example.org', 'MBR-77123'];
const [first, last, dob, phone, , email, member] = PHI as [string, string, string, string, string, string, string];

let hub: TestHub;
let resourceId: string;
beforeAll(async () => {
  hub = await startTestHub({ TANDEM_LOG_LEVEL: 'debug' }, createLogger('debug', sink));
  const location = await hub.api('POST', '/api/v1/locations', { name: 'Main', timeZone: 'Australia/Sydney' });
  resourceId = (await hub.api('POST', '/api/v1/resources', { locationId: location.body.id, kind: 'room', name: 'R' }))
    .body.id;
});
afterAll(async () => {
  await hub.stop();
});

const TABLES = ['patients', 'appointments', 'invoices', 'domain_events', 'audit_events', 'api_tokens'];
async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of TABLES) counts[t] = (await hub.database.db.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n;
  return counts;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const patient = { firstName: first, lastName: last, dob, email, phones: [{ type: 'mobile', number: phone }] };

/** [method, path, body, the field the answer must name] */
const cases: [string, string, unknown, string][] = [
  // NUL characters, which PostgreSQL's text and jsonb refuse
  ['POST', '/api/v1/patients', { ...patient, firstName: `${first}\u0000` }, 'firstName'],
  [
    'POST',
    '/api/v1/patients',
    { ...patient, phones: [{ type: 'mobile', number: `${phone}\u0000` }] },
    'phones.0.number',
  ],
  ['POST', '/api/v1/patients', { ...patient, insurance: { memberId: `${member}\u0000` } }, 'insurance.memberId'],
  ['POST', '/api/v1/patients', { ...patient, insurance: { [`${member}\u0000`]: 1 } }, 'insurance.(key)'],
  ['GET', `/api/v1/patients?search=${encodeURIComponent(`${last}\u0000`)}`, undefined, 'search'],
  ['GET', `/api/v1/patients/hint:${encodeURIComponent(`${member}\u0000`)}`, undefined, 'id'],
  ['GET', `/api/v1/logs?entityId=${encodeURIComponent(`${member}\u0000`)}`, undefined, 'entityId'],
  // impossible dates and offsets PostgreSQL cannot store
  ['GET', '/api/v1/patients?dob=2023-02-30', undefined, 'dob'],
  ['GET', '/api/v1/patients?dob=0000-01-01', undefined, 'dob'],
  ['GET', '/api/v1/patients?updatedSince=0000-01-01T00:00:00Z', undefined, 'updatedSince'],
  [
    'GET',
    `/api/v1/patients?updatedSince=${encodeURIComponent('2024-01-01T00:00:00+23:59')}`,
    undefined,
    'updatedSince',
  ],
  ['GET', `/api/v1/appointments?from=${encodeURIComponent('2024-01-01T00:00:00-16:00')}`, undefined, 'from'],
  ['GET', '/api/v1/appointments?to=0000-06-01T00:00:00Z', undefined, 'to'],
  ['GET', '/api/v1/invoices?updatedSince=0000-01-01T00:00:00Z', undefined, 'updatedSince'],
  ['POST', '/api/v1/patients', { ...patient, dob: '2023-02-29' }, 'dob'],
  // forged cursors
  ['GET', `/api/v1/patients?cursor=${b64(['not a date', 'x'])}`, undefined, 'cursor'],
  ['GET', `/api/v1/patients?cursor=${b64(['2024-01-01T00:00:00.000Z', first])}`, undefined, 'cursor'],
  ['GET', `/api/v1/appointments?cursor=${b64([dob, '00000000-0000-4000-8000-000000000000'])}`, undefined, 'cursor'],
  ['GET', `/api/v1/invoices?cursor=${b64([{ a: 1 }, []])}`, undefined, 'cursor'],
  ['GET', '/api/v1/patients?cursor=%F0%9F%92%A9', undefined, 'cursor'],
  // numbers beyond what the database holds
  ['GET', '/api/v1/logs?afterId=99999999999999999999', undefined, 'afterId'],
];

describe('hostile input', () => {
  it('is refused with a 4xx naming the field, writes nothing, and no personal value is logged', async () => {
    const before = await rowCounts();
    for (const [method, path, body, field] of cases) {
      const r = await hub.api(method, path, body);
      expect({ path, status: r.status }).toEqual({ path, status: 422 });
      expect(r.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    // Appointment start with an offset PostgreSQL refuses (the audit saw 500 here).
    const appointment = await hub.api('POST', '/api/v1/appointments', {
      resourceId,
      start: '2031-01-01T09:00:00+16:00',
      end: '2031-01-01T09:30:00+10:00',
    });
    expect(appointment.status).toBe(422);
    expect(appointment.body.details.map((d: { field: string }) => d.field)).toContain('start');
    // A job id beyond bigint is simply not a failed job.
    expect((await hub.api('POST', '/api/v1/jobs/99999999999999999999999/retry')).status).toBe(404);
    expect(await rowCounts()).toEqual(before);

    const logged = logLines.join('');
    expect(logged.length).toBeGreaterThan(0); // the scan looked at something
    for (const value of PHI) expect(logged).not.toContain(value);
  });
});

describe('database errors in the log', () => {
  it('are logged by code and constraint only, never their detail, context or values', async () => {
    const lines: string[] = [];
    const capture = new Writable({
      write(chunk, _e, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = createLogger('debug', capture);
    // Errors as PostgreSQL really raises them, each carrying a value in message, detail or where.
    // Run one at a time (a query started early could reject before anything awaits it).
    const failures = [
      () => hub.database.db.query(`SELECT $1::jsonb`, [`{"memberId": "${member}\\u0000"}`]),
      () => hub.database.db.query(`SELECT $1::date`, [dob.replace('14', '32')]),
      () =>
        hub.database.db.query(`INSERT INTO practices (id, name) VALUES ((SELECT id FROM practices LIMIT 1), $1)`, [
          `${first} ${last}`,
        ]),
    ];
    for (const failure of failures) {
      const error = await failure().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      log.error({ err: error }, 'unhandled error');
      log.error({ err: new Error('job failed', { cause: error }) }, 'wrapped');
    }
    const text = lines.join('');
    expect(text).toContain('"code":"22P05"');
    expect(text).toContain('"constraint":"practices_pkey"');
    for (const value of [member, '1961-07-32', first, last]) expect(text).not.toContain(value);
    expect(text).not.toMatch(/"(detail|where)"/);
  });
});
