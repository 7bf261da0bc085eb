// Benchmark: availability publication (npx tsx bench/healthengine-publish.ts).
//  1. 50 resources × 90 days published from scratch: from POST /healthengine/connections to
//     the last of the 4,500 snapshots stored by the emulator (link = configuration + every day).
//  2. The same forced again through POST …/resync {"availability": true}.
//  3. Republishing after one booking: an appointment written through Tandem's API → the
//     emulator stores the new snapshot of that one day; the calls sent are counted.
// Targets (issue 7): from scratch ≤ 10 s; after one booking one day for one resource, ≤ 1 s end to end.
import os from 'node:os';
import { localToUtc } from '../src/core/availability/index.ts';
import { link, seedClinic, startBench, weekdays, type HeBench } from './support/healthengine-setup.ts';

const RESOURCES = 50;
const DAYS = 90;

async function snapshots(b: HeBench, practiceId: string): Promise<any[]> {
  return (await b.harness('GET', `/_emulator/practices/${practiceId}`)).availability;
}

async function waitForSnapshots(b: HeBench, practiceId: string, since: number, count: number): Promise<number> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const fresh = (await snapshots(b, practiceId)).filter((s) => Date.parse(s.receivedAt) >= since);
    if (fresh.length >= count) return Math.max(...fresh.map((s) => Date.parse(s.receivedAt)));
    if (Date.now() > deadline) throw new Error(`only ${fresh.length} of ${count} snapshots arrived`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const b = await startBench();
try {
  const clinic = await seedClinic(b, RESOURCES);
  const { connectionId, practiceId, linkedAt } = await link(b, clinic.locationId, { windowDays: DAYS });
  const scratchDone = await waitForSnapshots(b, practiceId, linkedAt, RESOURCES * DAYS);
  const fromScratch = scratchDone - linkedAt;
  console.log(JSON.stringify({ phase: 'from scratch (link)', snapshots: RESOURCES * DAYS, ms: fromScratch }));

  // A forced resync sends identical content, which the emulator answers `existing` without storing it: count the calls instead.
  await b.harness('DELETE', '/_emulator/requests-log');
  const resyncAt = Date.now();
  await b.api('POST', `/api/v1/healthengine/connections/${connectionId}/resync`, { availability: true });
  let resync = NaN;
  for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
    const log = (await b.harness(
      'GET',
      `/_emulator/requests-log?practiceId=${practiceId}&path=/availability/snapshots`,
    )) as any[];
    if (log.filter((e) => e.status === 200).flatMap((e) => e.body ?? []).length >= RESOURCES * DAYS) {
      resync = Date.now() - resyncAt;
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  console.log(JSON.stringify({ phase: 'forced resync', snapshots: RESOURCES * DAYS, ms: resync }));

  await new Promise((r) => setTimeout(r, 2000)); // let everything settle
  const patient = await b.api('POST', '/api/v1/patients', {
    firstName: 'Bench',
    lastName: 'Patient',
    dob: '1980-01-01',
  });
  const republish: number[] = [];
  const sentPerBooking: number[] = [];
  for (const [i, day] of weekdays(5, 10).entries()) {
    await b.harness('DELETE', '/_emulator/requests-log');
    const startMs = localToUtc(day, (9 + (i % 5)) * 60, 'Australia/Sydney');
    const at = Date.now();
    await b.api('POST', '/api/v1/appointments', {
      resourceId: clinic.resourceIds[i]!,
      patientId: patient.id,
      start: new Date(startMs).toISOString(),
      end: new Date(startMs + 15 * 60_000).toISOString(),
      appointmentTypeId: clinic.typeId,
    });
    const done = await waitForSnapshots(b, practiceId, at, 1);
    republish.push(done - at);
    await new Promise((r) => setTimeout(r, 500));
    const log = (await b.harness(
      'GET',
      `/_emulator/requests-log?practiceId=${practiceId}&path=/availability/snapshots`,
    )) as any[];
    sentPerBooking.push(log.flatMap((e) => e.body ?? []).length);
  }
  console.log(
    JSON.stringify({
      phase: 'republish after one booking',
      runs: republish.length,
      ms: republish,
      snapshotsSent: sentPerBooking,
    }),
  );
  console.log(
    `machine: ${os.cpus().length} cores, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    `from scratch ${fromScratch} ms (target ≤ 10000); forced resync ${resync} ms; after one booking: max ${Math.max(...republish)} ms (target ≤ 1000), snapshots sent ${[...new Set(sentPerBooking)].join('/')}`,
  );
} finally {
  await b.stop();
}
