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

/** What became of a booking whose interaction never showed: which patient it went to, or a review. */
async function whyMissed(bookingId: number, expectedPatientId: string): Promise<Record<string, unknown>> {
  const appointments = (await api('/api/v1/appointments?limit=200')).data as any[];
  const a = appointments.find((x) => x.external?.healthengine?.bookingId === bookingId);
  if (!a) return { why: 'no appointment in Tandem for the booking' };
  if (a.patientId !== expectedPatientId) {
    const [got, want] = [
      await api(`/api/v1/patients/${a.patientId}`),
      await api(`/api/v1/patients/${expectedPatientId}`),
    ];
    const same = (k: string) => JSON.stringify(got[k]) === JSON.stringify(want[k]);
    return {
      why: 'the booking went to another patient',
      appointmentId: a.id,
      samePerson: ['firstName', 'lastName', 'dob', 'email', 'phones', 'address'].filter(same),
      otherCreatedBy: got.createdAt > want.createdAt ? 'the booking (newer)' : 'an older record',
      otherLinks: (got.links as any[]).map((l) => `${l.system}:${l.status}`),
      sex: [want.sex ?? null, got.sex ?? null],
      reviews: ((await api('/api/v1/match-reviews?status=pending')).data as any[])
        .filter((r) => r.localId === a.patientId)
        .map((r) =>
          r.candidates.map((c: any) => ({
            id: c.id === expectedPatientId ? 'expected' : c.id.slice(0, 8),
            score: c.score,
            fields: c.explanation?.fields?.map((f: any) => `${f.field}:${f.level}:${f.weight}`),
          })),
        ),
    };
  }
  const failed = (await api('/api/v1/jobs/failed?limit=50')).data as any[] | undefined;
  return {
    why: 'appointment on the right patient, no interaction in Hint',
    appointmentId: a.id,
    failedJobs: failed?.map((j) => j.taskIdentifier ?? j.task),
  };
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
  const misses: Record<string, unknown>[] = [];
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
          // The patient's own sex, or none: a wrong one is a real difference the matcher must weigh.
          ...(p.sex === 'male' ? { gender: 'Male' } : p.sex === 'female' ? { gender: 'Female' } : {}),
        },
      }),
    });
    if (res.status !== 201) {
      missed++;
      misses.push({ booking: i, why: `the Healthengine emulator answered ${res.status}` });
      continue;
    }
    const { bookingId } = (await res.clone().json()) as { bookingId: number };
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
    else {
      missed++;
      misses.push({ booking: i, ...(await whyMissed(bookingId, p.id)) });
    }
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
        misses,
      },
      null,
      2,
    ),
  );
} finally {
  await tandem.stop();
}
