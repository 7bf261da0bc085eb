// Every route Tandem serves (walked from the running app's router, not a hand-kept list) is
// fuzzed with hostile path parameters, query parameters and bodies: no answer is a 5xx, and a
// refused request (4xx) changes no row.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulators/hint/index.ts';
import type { RunningEmulator } from '../../src/emulators/shared/types.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

let hub: TestHub;
let hint: RunningEmulator;
beforeAll(async () => {
  // Routes that call Hint (activation by code) reach its emulator: a made-up code is refused by
  // Hint, as in production, instead of failing on a network this machine does not have.
  hint = await startEmulator({ seed: 3 });
  const creds = (await (await fetch(`${hint.url}/_emulator/credentials`)).json()) as any;
  hub = await startTestHub({
    HINT_API_URL: hint.url,
    HINT_PARTNER_API_KEY: creds.partnerApiKey,
    HINT_WEBHOOK_SECRET: creds.webhookSecret,
  });
});
afterAll(async () => {
  await hub.stop();
  await hint.close();
});

interface Route {
  method: string;
  path: string; // '/api/v1/patients/:id'
}

/** Routes from Fastify's printRoutes tree (each level indents by 4 and adds to its parent's path). */
export function registeredRoutes(tree: string): Route[] {
  const stack: string[] = [];
  const routes: Route[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ├└─]*)(\S.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = Math.floor(m[1]!.length / 4);
    stack.length = depth;
    stack.push(m[2]!);
    for (const method of (m[3] ?? '').split(', ').filter(Boolean))
      if (method !== 'HEAD' && method !== 'OPTIONS') routes.push({ method, path: stack.join('') });
  }
  return routes;
}

// Calls that are destructive whatever the input (they take no input to refuse).
const SKIP = new Set(['POST /api/v1/practice/disable']);

const forged = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const hostile = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'hint:\u0000',
    'a\u0000b',
    '99999999999999999999999',
    '-1',
    '1e309',
    'NaN',
    '0',
    '',
    ' ',
    '0000-01-01',
    '2023-02-30',
    '0000-01-01T00:00:00Z',
    '2024-01-01T00:00:00+23:59',
    '2024-13-01T00:00:00Z',
    "' OR 1=1 --",
    '%',
    '_',
    '\\',
    '../../etc/passwd',
    'x'.repeat(600),
    'hint:' + 'x'.repeat(90),
    '00000000-0000-4000-8000-000000000000',
    forged(['not a date', 'x']),
    forged(['2024-01-01T00:00:00.000Z', 'x']),
    forged([]),
    'true',
    '[]',
    '{}',
  ),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary-ascii', maxLength: 30 }),
);
const hostileBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(
    fc.constantFrom(
      'firstName',
      'lastName',
      'dob',
      'email',
      'phones',
      'name',
      'start',
      'end',
      'resourceId',
      'patientId',
      'status',
      'timeZone',
      'kind',
      'lines',
      'version',
      'patientIdd',
      'settings',
      'code',
    ),
    fc.oneof(hostile, fc.jsonValue({ maxDepth: 2 })),
  ),
);

const TABLES = [
  'patients',
  'practitioners',
  'locations',
  'resources',
  'appointment_types',
  'schedules',
  'appointments',
  'invoices',
  'connections',
  'links',
  'api_tokens',
  'practices',
  'domain_events',
];

async function rowCounts(): Promise<string> {
  const { rows } = await hub.database.db.query(
    `SELECT ${TABLES.map((t) => `(SELECT count(*) FROM ${t})`).join(" || ',' || ")} AS counts`,
  );
  return rows[0].counts;
}

describe('every route, fuzzed', () => {
  it('answers hostile path, query and body values without a 5xx, and writes nothing when it refuses', async () => {
    const routes = registeredRoutes(hub.tandem.app.printRoutes({ commonPrefix: false })).filter(
      (r) => !SKIP.has(`${r.method} ${r.path}`) && r.path.startsWith('/'),
    );
    expect(routes.length).toBeGreaterThan(30);
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.nat(routes.length - 1),
        fc.array(hostile, { minLength: 3, maxLength: 3 }),
        fc.dictionary(
          fc.constantFrom(
            'limit',
            'cursor',
            'search',
            'status',
            'from',
            'to',
            'dob',
            'afterId',
            'entityId',
            'connectionId',
            'before',
            'updatedSince',
            'system',
            'q',
          ),
          hostile,
        ),
        hostileBody,
        async (index, params, query, body) => {
          const route = routes[index]!;
          let i = 0;
          const path = route.path
            .replace(/:\w+/g, () => encodeURIComponent(params[i++ % params.length]!))
            .replace('*', encodeURIComponent(params[2]!));
          const qs = new URLSearchParams(query).toString();
          const before = await rowCounts();
          const withBody = route.method === 'POST' || route.method === 'PATCH' || route.method === 'PUT';
          const r = await hub.api(route.method, `${path}${qs ? `?${qs}` : ''}`, withBody ? body : undefined);
          seen.add(`${route.method} ${route.path}`);
          expect({ route: `${route.method} ${path}`, query, status: r.status }).toEqual({
            route: `${route.method} ${path}`,
            query,
            status: expect.toSatisfy((s: number) => s < 500),
          });
          if (r.status >= 400) expect(await rowCounts()).toBe(before);
        },
      ),
      { numRuns: 400 },
    );
    expect(seen.size).toBeGreaterThan(routes.length / 2);
  });
});
