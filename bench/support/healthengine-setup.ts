// Shared set-up of the Healthengine connector benchmarks: the emulator in this process, Tandem
// as a child process (`tandem start`, embedded PostgreSQL in a fresh home, its own event loop),
// a clinic of N practitioners (Mon–Fri 09:00–17:00) created through Tandem's API, linked.
import { startEmulator } from '../../src/emulators/healthengine/index.ts';
import type { RunningEmulator } from '../../src/emulators/shared/types.ts';
import { startTandemProcess, type BenchTandem } from './tandem-process.ts';

export interface HeBench {
  emulator: RunningEmulator;
  tandem: BenchTandem;
  apiKey: string;
  api(method: string, route: string, body?: unknown): Promise<any>;
  harness(method: string, path: string, body?: unknown): Promise<any>;
  stop(): Promise<void>;
}

const TZ = 'Australia/Sydney';

export async function startBench(): Promise<HeBench> {
  // Bounded: a benchmark never runs for more than 10 minutes, whatever happens.
  setTimeout(() => {
    console.error('benchmark timed out');
    process.exit(2);
  }, 600_000).unref();
  const emulator = await startEmulator({ logger: false });
  const harness = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${emulator.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (r.status >= 400) throw new Error(`${method} ${path} → ${r.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const { apiKey } = await harness('GET', '/_emulator/credentials');
  const tandem = await startTandemProcess({
    HEALTHENGINE_API_URL: emulator.url,
    HEALTHENGINE_API_KEY: apiKey,
    HEALTHENGINE_USER_AGENT: 'Tandem bench (bench@tandem.test) DEV',
    TANDEM_SANDBOX: 'off',
    HINT_PARTNER_API_KEY: 'unused-in-this-bench',
  });
  const api = async (method: string, route: string, body?: unknown) => {
    const r = await fetch(`${tandem.url}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${tandem.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (r.status >= 400) throw new Error(`${method} ${route} → ${r.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  return {
    emulator,
    tandem,
    apiKey,
    api,
    harness,
    async stop() {
      await tandem.stop();
      await emulator.close();
    },
  };
}

export async function seedClinic(
  b: HeBench,
  practitioners: number,
): Promise<{ locationId: string; resourceIds: string[]; typeId: string }> {
  const location = await b.api('POST', '/api/v1/locations', { name: `Bench clinic ${Date.now()}`, timeZone: TZ });
  const resourceIds: string[] = [];
  for (let i = 0; i < practitioners; i++) {
    const p = await b.api('POST', '/api/v1/practitioners', { title: 'Dr', firstName: `Bench${i}`, lastName: 'Doctor' });
    const r = await b.api('POST', '/api/v1/resources', {
      locationId: location.id,
      kind: 'practitioner',
      practitionerId: p.id,
      specialty: 'GP',
      name: `Dr Bench ${i} ${location.id.slice(0, 6)}`,
    });
    await b.api('POST', '/api/v1/schedules', {
      resourceId: r.id,
      weeklyHours: [1, 2, 3, 4, 5].map((dayOfWeek) => ({ dayOfWeek, start: '09:00', end: '17:00' })),
    });
    resourceIds.push(r.id);
  }
  const type = await b.api('POST', '/api/v1/appointment-types', {
    name: `Consult ${location.id.slice(0, 6)}`,
    durationMinutes: 15,
  });
  return { locationId: location.id, resourceIds, typeId: type.id };
}

export async function link(
  b: HeBench,
  locationId: string,
  settings: Record<string, unknown> = {},
): Promise<{ connectionId: string; practiceId: string; linkedAt: number }> {
  const he = await b.harness('POST', '/_emulator/practices', { timezone: TZ });
  const linkedAt = Date.now();
  const c = await b.api('POST', '/api/v1/healthengine/connections', {
    practiceId: he.practiceId,
    practiceKey: he.practiceKey,
    locationIds: [locationId],
    settings,
  });
  for (;;) {
    const x = await b.api('GET', `/api/v1/healthengine/connections/${c.id}`);
    if (x.status === 'active' && x.lastFullPublishAt) break;
    if (Date.now() - linkedAt > 120_000) throw new Error('link timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
  return { connectionId: c.id, practiceId: he.practiceId, linkedAt };
}

/** Weekdays (Sydney) from `fromDays` ahead, `count` of them. */
export function weekdays(fromDays: number, count: number): string[] {
  const out: string[] = [];
  for (let d = fromDays; out.length < count; d++) {
    const date = new Date(Date.now() + d * 86_400_000);
    const local = new Intl.DateTimeFormat('en-CA', {
      timeZone: TZ,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(date);
    const dow = new Date(`${local}T00:00:00Z`).getUTCDay();
    if (dow >= 1 && dow <= 5 && !out.includes(local)) out.push(local);
  }
  return out;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
