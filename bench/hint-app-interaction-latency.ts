// Benchmark: a Healthengine booking → a draft partner interaction on the patient's Hint chart,
// in sandbox mode (`tandem start` with both emulators in-process, as `npm start` runs it).
// Each booking is made on the Healthengine emulator for a different Hint-linked patient; the
// clock runs from the booking's 201 to the interaction being visible in Hint's API (polled
// every 25 ms). Target: p99 ≤ 2 s. Run: npx tsx bench/hint-app-interaction-latency.ts [--bookings 20]
import os from 'node:os';
import { parseArgs } from 'node:util';
import { machine, startTandemProcess } from './support/tandem-process.ts';

const { values } = parseArgs({ options: { bookings: { type: 'string', default: '20' } } });
const bookings = Math.min(Number(values.bookings), 100);

const tandem = await startTandemProcess({ TANDEM_SANDBOX: 'on' });
const json = async (url: string, init?: RequestInit) => (await (await fetch(url, init)).json()) as any;
const api = (path: string, init: RequestInit = {}) =>
  json(`${tandem.url}${path}`, { ...init, headers: { authorization: `Bearer ${tandem.token}`, ...init.headers } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(probe: () => Promise<T | undefined>, what: string, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(25);
  }
}

try {
  const sandbox = await api('/api/v1/sandbox');
  const hintUrl: string = sandbox.hint.url;
  const heUrl: string = sandbox.healthengine.url;
  const hintToken: string = (await json(`${hintUrl}/_emulator/credentials`)).practices[0].accessToken;
  const he = await until(async () => {
    const c = (await api('/api/v1/healthengine/connections')).data[0];
    return c?.status === 'active' && c.lastFullPublishAt ? c : undefined;
  }, 'Healthengine linked');
  // Hint-linked patients Healthengine can book as (Australian mobile, email, address).
  const candidates = await until(async () => {
    const page = (await api('/api/v1/patients?limit=200')).data as any[];
    const ok = page.filter(
      (p) =>
        p.links.some((l: any) => l.system === 'hint' && l.status === 'synced') &&
        p.dob &&
        p.email &&
        p.address?.city &&
        /^\+614\d{8}$/.test(p.phones?.[0]?.number ?? ''),
    );
    return ok.length >= bookings ? ok.slice(0, bookings) : undefined;
  }, `${bookings} bookable Hint-linked patients`);
  const slots: any[] = [];
  for (let d = 3; slots.length < bookings && d < 40; d++) {
    const day = new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
    const published = await json(`${heUrl}/_emulator/practices/${he.healthenginePracticeId}/availability?date=${day}`);
    // One slot per resource and hour, so no two bookings compete for a slot.
    const seen = new Set<string>();
    for (const s of published.slots ?? []) {
      const key = `${s.pmsResourceId}:${String(s.start).slice(0, 13)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      slots.push(s);
    }
  }
  const latencies: number[] = [];
  let missed = 0;
  for (let i = 0; i < bookings; i++) {
    const p = candidates[i];
    const slot = slots[i];
    const hintId = p.links.find((l: any) => l.system === 'hint').remoteId;
    const res = await fetch(`${heUrl}/_emulator/practices/${he.healthenginePracticeId}/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        pmsResourceId: slot.pmsResourceId,
        start: slot.start,
        pmsAppointmentTypeId: slot.pmsAppointmentTypeIds?.[0],
        patient: {
          firstname: p.firstName,
          lastname: p.lastName,
          dob: p.dob,
          email: p.email,
          phone: `0${p.phones[0].number.slice(3)}`,
          address: p.address.line1,
          suburb: p.address.city,
          state: p.address.state,
          postcode: p.address.postcode,
          gender: p.sex === 'male' ? 'Male' : 'Female',
        },
      }),
    });
    if (res.status !== 201) {
      missed++;
      continue;
    }
    const booked = Date.now();
    const seen = await until(
      async () => {
        const list = await json(`${hintUrl}/api/provider/interactions?patient_id[]=${hintId}`, {
          headers: { authorization: `Bearer ${hintToken}` },
        });
        return (list as any[]).some((x) => x.type === 'partner') ? true : undefined;
      },
      'interaction',
      20_000,
    ).catch(() => false);
    if (seen) latencies.push(Date.now() - booked);
    else missed++;
    await sleep(500);
  }
  latencies.sort((a, b) => a - b);
  const q = (f: number) => latencies[Math.min(latencies.length - 1, Math.ceil(f * latencies.length) - 1)];
  console.log(
    JSON.stringify(
      {
        benchmark: 'hint-app-interaction-latency',
        date: new Date().toISOString(),
        machine: machine(),
        load: os.loadavg()[0],
        bookings,
        measured: latencies.length,
        missed,
        p50ms: q(0.5),
        p99ms: q(0.99),
        maxMs: latencies.at(-1),
      },
      null,
      2,
    ),
  );
} finally {
  await tandem.stop();
}
