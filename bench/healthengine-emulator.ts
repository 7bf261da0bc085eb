// Benchmark of the Healthengine emulator (npx tsx bench/healthengine-emulator.ts):
//  1. availability snapshot items/s accepted through POST /availability/snapshots (100 per
//     call, every snapshot new content so each one is validated, hashed and stored: "created");
//  2. booking requests/s generated through the harness (a patient booking a free published
//     slot: slot lookup, booking, queue item).
// The emulator runs in its own child process on 127.0.0.1; both phases are bounded in time
// and the child is stopped at the end.
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import autocannon from 'autocannon';

const SECONDS = Number(process.env.SECONDS_PER_PHASE ?? 5);
const RESOURCES = 50;
const DAYS = 60;
const SLOTS_PER_DAY = 32; // 09:00–17:00 in 15-minute slots

interface Credentials {
  apiKey: string;
  practices: Array<{ practiceId: string; practiceKey: string }>;
}

async function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(new URL('./healthengine-emulator-server.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return { child, url };
}

async function send(url: string, method: string, headers: Record<string, string>, body?: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method,
    headers: { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

function dayOffset(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

async function setup(url: string, auth: Record<string, string>): Promise<void> {
  await send(`${url}/_emulator/config`, 'POST', {}, { pollGapRule: false, requestLogLimit: 0 });
  const resources = Array.from({ length: RESOURCES }, (_, i) => ({
    pmsResourceId: `r${i}`,
    pmsResourceName: `Resource ${i}`,
  }));
  await send(`${url}/config/pmsResources/snapshot`, 'POST', auth, resources);
  await send(`${url}/config/pmsAppointmentTypes/snapshot`, 'POST', auth, [
    { pmsAppointmentTypeId: 'std', pmsAppointmentTypeName: 'Standard', pmsAppointmentLength: 15 },
  ]);
}

/** Every call carries new content (slotLength varies with the call number), so no item is "existing". */
async function benchAvailability(
  url: string,
  auth: Record<string, string>,
): Promise<{ itemsPerSecond: number; calls: number; created: number }> {
  let call = 0;
  let created = 0;
  const bodyFor = (n: number) =>
    JSON.stringify(
      Array.from({ length: 100 }, (_, i) => ({
        id: `${n}-${i}`,
        date: dayOffset(2 + ((n * 100 + i) % 365)),
        pmsResourceId: `r${i % RESOURCES}`,
        availability: [
          { start: '09:00', end: '12:00', slotLength: 600 + n },
          { start: '13:00', end: '17:00', slotLength: 1800, pmsAppointmentTypeIds: ['std'] },
        ],
      })),
    );
  const result = await autocannon({
    url,
    connections: 8,
    duration: SECONDS,
    headers: { ...auth, 'content-type': 'application/json' },
    requests: [
      {
        method: 'POST',
        path: '/availability/snapshots',
        setupRequest: (req) => ({ ...req, body: bodyFor(call++) }),
        onResponse: (_status, body) => {
          created += (JSON.parse(body) as { created: string[] }).created.length;
        },
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`availability: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { itemsPerSecond: created / SECONDS, calls: result.requests.total, created };
}

async function publishSlots(url: string, auth: Record<string, string>): Promise<void> {
  for (let day = 400; day < 400 + DAYS; day++) {
    const batch = Array.from({ length: RESOURCES }, (_, r) => ({
      date: dayOffset(day),
      pmsResourceId: `r${r}`,
      availability: [{ start: '09:00', end: '17:00', slotLength: 900 }],
    }));
    await send(`${url}/availability/snapshots`, 'POST', auth, batch);
  }
}

async function benchBookings(url: string, practiceId: string): Promise<{ perSecond: number; created: number }> {
  let n = 0;
  const patient = {
    firstname: 'Bench',
    lastname: 'Patient',
    dob: '1980-01-01',
    phone: '0400000000',
    email: 'b@example.com',
  };
  const result = await autocannon({
    url,
    connections: 8,
    duration: SECONDS,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        method: 'POST',
        path: `/_emulator/practices/${practiceId}/bookings`,
        setupRequest: (req) => {
          const i = n++;
          const slot = i % SLOTS_PER_DAY;
          const minutes = 9 * 60 + slot * 15;
          const start = `${dayOffset(400 + (Math.floor(i / (SLOTS_PER_DAY * RESOURCES)) % DAYS))} ${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00`;
          return {
            ...req,
            body: JSON.stringify({ pmsResourceId: `r${Math.floor(i / SLOTS_PER_DAY) % RESOURCES}`, start, patient }),
          };
        },
      },
    ],
  });
  if (result.errors > 0 || result.non2xx > 0)
    throw new Error(`bookings: ${result.non2xx} non-2xx (taken slots?), ${result.errors} errors`);
  return { perSecond: result.requests.average, created: result['2xx'] };
}

const { child, url } = await startServer();
const deadline = setTimeout(() => {
  child.kill();
  process.exit(2);
}, 120_000);
try {
  const creds = (await send(`${url}/_emulator/credentials`, 'GET', {})) as Credentials;
  const practice = creds.practices[0];
  if (!practice) throw new Error('no practice');
  const auth = {
    'api-key': creds.apiKey,
    'practice-id': practice.practiceId,
    'practice-key': practice.practiceKey,
    'user-agent': 'Tandem bench (bench@tandem.example) DEV',
  };
  await setup(url, auth);
  const availability = await benchAvailability(url, auth);
  await publishSlots(url, auth);
  const bookings = await benchBookings(url, practice.practiceId);
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  console.log(
    JSON.stringify(
      {
        availabilityItemsPerSecond: Math.round(availability.itemsPerSecond),
        bulkCalls: availability.calls,
        itemsCreated: availability.created,
        bookingsPerSecond: Math.round(bookings.perSecond),
        bookingsCreated: bookings.created,
        seconds: SECONDS,
        cpu,
        cores: os.cpus().length,
      },
      null,
      2,
    ),
  );
} finally {
  clearTimeout(deadline);
  child.disconnect();
}
