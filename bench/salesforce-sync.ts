// Benchmark: Salesforce → Hint end to end. A staff edit of a linked contact's e-mail in the
// Salesforce emulator travels as a change event (CDC) → Tandem's apply job → the canonical
// patient → the Hint connector's push → the Hint emulator's patient. Target: p99 ≤ 2 s at 20
// changes/s. Measured from the edit's answer to the first read of the new e-mail in Hint
// (polled every 25 ms, so latencies carry up to 25 ms of polling).
// Run: npx tsx bench/salesforce-sync.ts [--seconds 30] [--rate 20] [--people 100]
// Figures belong in bench/RESULTS.md only when measured on an idle machine.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { startEmulator } from '../src/emulators/salesforce/index.ts';
import { startHintBench } from './support/hint-world.ts';
import { machine } from './support/tandem-process.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    rate: { type: 'string', default: '20' },
    people: { type: 'string', default: '100' },
  },
});
const seconds = Math.min(Number(values.seconds), 300);
const rate = Math.min(Number(values.rate), 200);
const people = Math.min(Number(values.people), 1000);

const json = async (res: Response) => {
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
};

// As in bench/hint-propagation.ts: jobs mostly wait on the platforms, so more of them in flight
// than the default 5, and the Hint connection's limit raised past Hint's real 20 requests/s per
// practice token — each change costs Hint two requests (a read of the names Hint's PATCH must
// carry, then the PATCH), so at the real limit one practice carries at most 10 changes/s and
// this bench would measure the queue in front of the limiter, not Tandem.
const hintWorld = await startHintBench({ seed: 5, env: { TANDEM_WORKER_CONCURRENCY: '20' } });
await hintWorld.api('PATCH', `/api/v1/hint/connections/${hintWorld.connectionId}/settings`, {
  rateLimitPerSecond: 1000,
});
const sf = await startEmulator({ seed: 0 });
try {
  const harness = (method: string, path: string, body?: unknown) =>
    fetch(`${sf.url}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(json);
  const creds = await harness('GET', '/credentials');
  await harness('POST', '/setup/deploy', {});
  const connected = await hintWorld.api('POST', '/api/v1/salesforce/connections/jwt', {
    loginUrl: creds.loginUrl,
    clientId: creds.clientId,
    username: creds.username,
    privateKeyPem: creds.jwt.privateKeyPem,
  });
  if (connected.connection?.status !== 'active')
    throw new Error(`Salesforce not connected: ${JSON.stringify(connected)}`);

  // People linked three ways: a patient (pushed to Hint by Tandem), a contact, the link.
  const pairs: { contactId: string; hintId: string }[] = [];
  for (let i = 0; i < people; i++) {
    const patient = await hintWorld.api('POST', '/api/v1/patients', {
      firstName: 'Bench',
      lastName: `Person${String.fromCharCode(97 + (i % 26))}${i}`,
      dob: '1980-01-01',
    });
    const contact = await harness('POST', '/ui/Contact', {
      fields: { FirstName: 'Bench', LastName: `Person${i}`, Birthdate: '1980-01-01' },
    });
    let hintId: string | undefined;
    for (let t = 0; t < 200 && !hintId; t++) {
      const p = await hintWorld.api('GET', `/api/v1/patients/${patient.id}`);
      hintId =
        p.links?.find((l: { system: string; remoteId: string | null }) => l.system === 'hint')?.remoteId ?? undefined;
      if (!hintId) await new Promise((r) => setTimeout(r, 50));
    }
    if (!hintId) throw new Error('a patient never reached Hint');
    await hintWorld.api('POST', `/api/v1/salesforce/contacts/${contact.Id}/link`, { patientId: patient.id });
    pairs.push({ contactId: contact.Id, hintId });
  }

  const hintEmail = async (hintId: string) => {
    const res = await fetch(`${hintWorld.emulatorUrl}/api/provider/patients/${hintId}`, {
      headers: { authorization: `Bearer ${hintWorld.creds.practices[0]!.accessToken}` },
    });
    return ((await json(res)) as { email?: string }).email;
  };
  const latencies: number[] = [];
  let missed = 0;
  const pending: Promise<void>[] = [];
  const total = seconds * rate;
  const started = Date.now();
  for (let n = 0; n < total; n++) {
    const due = started + (n * 1000) / rate;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    const pair = pairs[n % pairs.length]!;
    const email = `bench${n}@example.com`;
    pending.push(
      (async () => {
        await harness('PATCH', `/ui/Contact/${pair.contactId}`, { fields: { Email: email } });
        const at = Date.now();
        while (Date.now() - at < 10_000) {
          if ((await hintEmail(pair.hintId)) === email) return void latencies.push(Date.now() - at);
          await new Promise((r) => setTimeout(r, 25));
        }
        missed++;
      })(),
    );
  }
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  console.log(
    JSON.stringify(
      {
        bench: 'salesforce-sync (Salesforce → Hint)',
        machine: machine(),
        cpus: os.cpus().length,
        rate,
        seconds,
        changes: total,
        arrived: latencies.length,
        missed,
        p50Ms: q(0.5),
        p95Ms: q(0.95),
        p99Ms: q(0.99),
        target: 'p99 ≤ 2000 ms at 20 changes/s',
      },
      null,
      2,
    ),
  );
} finally {
  await sf.close();
  await hintWorld.stop();
}
