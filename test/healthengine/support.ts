// Shared pieces of the Healthengine end-to-end tests: the real Tandem (HTTP, workers, real
// PostgreSQL) pointed at the Healthengine emulator over real HTTP, a small clinic in the hub,
// the emulator's harness (patients booking, clock, faults, consent), and polling helpers.
import { startEmulator } from '../../src/emulators/healthengine/index.ts';
import type { RunningEmulator } from '../../src/emulators/shared/types.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { present, waitFor as sharedWaitFor } from '../support/wait.ts';

export const TZ = 'Australia/Sydney';
export const USER_AGENT = 'Tandem by Tandem Pty Ltd (integrations@tandem.test) UAT';

export interface HeEnv {
  hub: TestHub;
  emulator: RunningEmulator;
  apiKey: string;
  harness(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export async function startEnv(env: Record<string, string> = {}): Promise<HeEnv> {
  const emulator = await startEmulator({ logger: false });
  const harness: HeEnv['harness'] = async (method, path, body) => {
    const response = await fetch(`${emulator.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: response.status, body: parsed };
  };
  // Strict where Healthengine may be: an `existing` (ignored) snapshot does not answer a request.
  const strict = await harness('POST', '/_emulator/config', { existingResolvesAvailabilityRequest: false });
  if (strict.status !== 200) throw new Error(`emulator config → ${strict.status} ${JSON.stringify(strict.body)}`);
  const { body: credentials } = await harness('GET', '/_emulator/credentials');
  const hub = await startTestHub({
    HEALTHENGINE_API_URL: emulator.url,
    HEALTHENGINE_API_KEY: credentials.apiKey,
    HEALTHENGINE_USER_AGENT: USER_AGENT,
    ...env,
  });
  return {
    hub,
    emulator,
    apiKey: credentials.apiKey,
    harness,
    // The emulator first: jobs still talking to it fail fast instead of holding the hub's shutdown.
    async stop() {
      await emulator.close();
      await hub.stop();
    },
  };
}

/**
 * The shared polling helper (test/support/wait.ts), done as soon as the probe returns anything
 * but undefined, null or false: Healthengine's probes may return 0 or '' as an answer.
 */
export const waitFor = <T>(probe: () => T | Promise<T>, what: string, timeoutMs = 20_000) =>
  sharedWaitFor(probe, what, { timeoutMs, done: present });

/**
 * After a go-live scenario: every request Healthengine raised for the practices Tandem serves
 * (consent active) has left its queue — answered and accepted, not merely answered.
 */
export async function expectQueuesEmpty(env: HeEnv, timeoutMs = 40_000): Promise<void> {
  const practices: Array<{ practiceId: string; consentActive: boolean }> = (
    await env.harness('GET', '/_emulator/practices')
  ).body.filter((p: any) => p.consentActive);
  for (const { practiceId } of practices) {
    let pending: unknown[] = [];
    try {
      await waitFor(
        async () => {
          pending = (await env.harness('GET', `/_emulator/practices/${practiceId}/requests`)).body.pending;
          return pending.length === 0;
        },
        `practice ${practiceId} queue empty`,
        timeoutMs,
      );
    } catch {
      throw new Error(`Healthengine practice ${practiceId} still has pending requests: ${JSON.stringify(pending)}`);
    }
  }
}

/** A new Healthengine practice (consent granted) on the emulator. */
export async function newHePractice(env: HeEnv, timezone = TZ): Promise<{ practiceId: string; practiceKey: string }> {
  const { body } = await env.harness('POST', '/_emulator/practices', { timezone });
  return { practiceId: body.practiceId, practiceKey: body.practiceKey };
}

/** YYYY-MM-DD of the next Monday at least `minDays` ahead (local Sydney date). */
export function nextMonday(minDays = 3): string {
  const base = new Date(Date.now() + minDays * 86_400_000);
  const local = new Intl.DateTimeFormat('en-CA', {
    timeZone: TZ,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(base);
  const d = new Date(`${local}T00:00:00Z`);
  while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

export interface Clinic {
  locationId: string;
  practitionerIds: string[];
  resourceIds: string[];
  typeIds: string[];
  scheduleIds: string[];
}

async function create(hub: TestHub, path: string, body: unknown, token?: string): Promise<any> {
  const response = await hub.api('POST', `/api/v1/${path}`, body, {}, token);
  if (response.status !== 201) throw new Error(`POST ${path} → ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** A location with `n` practitioners (one resource each, Mon–Fri 09:00–17:00) and two appointment types. */
export async function seedClinic(hub: TestHub, n = 2, name = 'Harbour Clinic', token?: string): Promise<Clinic> {
  const location = await create(hub, 'locations', { name, timeZone: TZ }, token);
  const clinic: Clinic = {
    locationId: location.id,
    practitionerIds: [],
    resourceIds: [],
    typeIds: [],
    scheduleIds: [],
  };
  for (let i = 0; i < n; i++) {
    const p = await create(
      hub,
      'practitioners',
      { title: 'Dr', firstName: `Alex${i}`, lastName: `Nguyen${name.length}${i}`, specialties: ['General Practice'] },
      token,
    );
    const r = await create(
      hub,
      'resources',
      {
        locationId: location.id,
        kind: 'practitioner',
        practitionerId: p.id,
        specialty: 'General Practice',
        name: `Dr Alex Nguyen ${name} ${i}`,
      },
      token,
    );
    const s = await create(
      hub,
      'schedules',
      {
        resourceId: r.id,
        weeklyHours: [1, 2, 3, 4, 5].map((dayOfWeek) => ({ dayOfWeek, start: '09:00', end: '17:00' })),
      },
      token,
    );
    clinic.practitionerIds.push(p.id);
    clinic.resourceIds.push(r.id);
    clinic.scheduleIds.push(s.id);
  }
  for (const [typeName, minutes] of [
    ['Standard consultation', 15],
    ['Long consultation', 30],
  ] as const) {
    clinic.typeIds.push(
      (await create(hub, 'appointment-types', { name: `${typeName} ${name}`, durationMinutes: minutes }, token)).id,
    );
  }
  return clinic;
}

export async function link(
  env: HeEnv,
  clinic: Clinic,
  he: { practiceId: string; practiceKey: string },
  extra: Record<string, unknown> = {},
): Promise<any> {
  const response = await env.hub.api('POST', '/api/v1/healthengine/connections', {
    ...he,
    locationIds: [clinic.locationId],
    ...extra,
  });
  if (response.status !== 201) throw new Error(`link → ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

export async function connectionOf(env: HeEnv, id: string): Promise<any> {
  return (await env.hub.api('GET', `/api/v1/healthengine/connections/${id}`)).body;
}

export async function waitActive(env: HeEnv, id: string): Promise<any> {
  return waitFor(
    async () => {
      const c = await connectionOf(env, id);
      return c.status === 'active' && c.lastFullPublishAt ? c : undefined;
    },
    'connection active',
    45_000,
  );
}

export async function hePractice(env: HeEnv, practiceId: string): Promise<any> {
  return (await env.harness('GET', `/_emulator/practices/${practiceId}`)).body;
}

export const patient = (over: Record<string, unknown> = {}) => ({
  firstname: 'Jordan',
  lastname: 'Example',
  dob: '1985-03-14',
  phone: '0412 345 678',
  email: 'jordan.example@example.com',
  address: '12 Harbour St',
  suburb: 'Sydney',
  state: 'NSW',
  postcode: '2000',
  gender: 'Female',
  ...over,
});

/** A patient books on Healthengine (the slot must be published and free). */
export async function book(
  env: HeEnv,
  practiceId: string,
  body: Record<string, unknown>,
): Promise<{ status: number; bookingId?: number; body: any }> {
  const r = await env.harness('POST', `/_emulator/practices/${practiceId}/bookings`, { patient: patient(), ...body });
  return { status: r.status, bookingId: r.body?.bookingId, body: r.body };
}

export async function bookingOf(env: HeEnv, practiceId: string, bookingId: number): Promise<any> {
  return (await env.harness('GET', `/_emulator/practices/${practiceId}/bookings/${bookingId}`)).body;
}

export async function waitBooking(
  env: HeEnv,
  practiceId: string,
  bookingId: number,
  insert: 'confirmed' | 'rejected',
  timeoutMs = 20_000,
): Promise<any> {
  return waitFor(
    async () => {
      const b = await bookingOf(env, practiceId, bookingId);
      return b.insert === insert ? b : undefined;
    },
    `booking ${bookingId} ${insert}`,
    timeoutMs,
  );
}

export async function appointmentsOf(env: HeEnv, query = ''): Promise<any[]> {
  return (await env.hub.api('GET', `/api/v1/appointments?limit=200${query}`)).body.data;
}

/** Whether the emulator publishes availability for a resource on a date. */
export async function publishedFor(
  env: HeEnv,
  practiceId: string,
  resourceId: string,
  date: string,
): Promise<any | undefined> {
  const p = await hePractice(env, practiceId);
  return p.availability.find((s: any) => s.pmsResourceId === resourceId && s.date === date);
}

/** A hub and emulator with a seeded clinic linked to a fresh Healthengine practice, waiting until active. */
export async function startLinkedClinic(
  resources = 2,
): Promise<{ env: HeEnv; clinic: Clinic; he: { practiceId: string; practiceKey: string }; connectionId: string }> {
  const env = await startEnv();
  const clinic = await seedClinic(env.hub, resources);
  const he = await newHePractice(env);
  const connectionId = (await link(env, clinic, he)).id as string;
  await waitActive(env, connectionId);
  return { env, clinic, he, connectionId };
}
