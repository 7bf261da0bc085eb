// Benchmark: a booking created on the Healthengine emulator → confirmInsert received, via
// webhooks and via polling alone (npx tsx bench/healthengine-booking-latency.ts [webhook N] [polling N]).
// Latency is read from the emulator's own clock: bookedAt → confirmedAt of each booking.
// Bookings arrive spaced out (a patient every 100 ms / 250 ms), on distinct free slots.
// Targets (issue 7): p99 ≤ 2 s via webhooks, ≤ 7 s via polling alone.
import os from 'node:os';
import { link, percentile, seedClinic, startBench, weekdays, type HeBench } from './support/healthengine-setup.ts';

const WEBHOOK_BOOKINGS = Number(process.argv[2] ?? 200);
const POLLING_BOOKINGS = Number(process.argv[3] ?? 60);

async function run(b: HeBench, label: string, count: number, spacingMs: number, settings: Record<string, unknown>) {
  const clinic = await seedClinic(b, 10);
  const { practiceId } = await link(b, clinic.locationId, settings);
  const days = weekdays(3, 10);
  const slots: Array<{ resourceId: string; start: string }> = [];
  for (const day of days)
    for (const resourceId of clinic.resourceIds)
      for (let m = 9 * 60; m < 17 * 60; m += 15)
        slots.push({
          resourceId,
          start: `${day} ${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}:00`,
        });
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const slot = slots[(i * 37) % slots.length]!;
    const r = await b.harness('POST', `/_emulator/practices/${practiceId}/bookings`, {
      pmsResourceId: slot.resourceId,
      pmsAppointmentTypeId: clinic.typeId,
      start: slot.start,
      patient: {
        firstname: `Bench${i}`,
        lastname: 'Patient',
        dob: '1980-01-01',
        phone: '0412 000 000',
        email: `b${i}@example.com`,
      },
    });
    ids.push(r.bookingId);
    await new Promise((r) => setTimeout(r, spacingMs));
  }
  const deadline = Date.now() + 120_000;
  let bookings: any[] = [];
  while (Date.now() < deadline) {
    bookings = (await b.harness('GET', `/_emulator/practices/${practiceId}/bookings`)).filter((x: any) =>
      ids.includes(x.bookingId),
    );
    if (bookings.every((x: any) => x.insert !== 'pending')) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const confirmed = bookings.filter((x) => x.insert === 'confirmed');
  const latencies = confirmed.map((x) => Date.parse(x.confirmedAt) - Date.parse(x.bookedAt));
  const result = {
    label,
    bookings: count,
    confirmed: confirmed.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
  };
  console.log(JSON.stringify(result));
  return result;
}

const b = await startBench();
try {
  const webhook = await run(b, 'webhooks', WEBHOOK_BOOKINGS, 100, {});
  const polling = await run(b, 'polling only', POLLING_BOOKINGS, 250, { webhooks: false });
  console.log(
    `machine: ${os.cpus().length} cores, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    `webhooks: p50 ${webhook.p50} ms, p99 ${webhook.p99} ms (target ≤ 2000); polling: p50 ${polling.p50} ms, p99 ${polling.p99} ms (target ≤ 7000)`,
  );
} finally {
  await b.stop();
}
