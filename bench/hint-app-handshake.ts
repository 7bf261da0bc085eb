// Benchmark: the Hint embedded app's handshake — signature over the raw body, timestamp and
// replay checks, practice lookup, session key minted and stored hashed. Target: p99 ≤ 50 ms at
// 50 handshakes/s. Every request is a new signed body (its own user and time), as Hint sends.
// Run: npx tsx bench/hint-app-handshake.ts [--seconds 20] [--rate 50]
import { createHmac } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startHintBench } from './support/hint-world.ts';
import { machine } from './support/tandem-process.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '20' }, rate: { type: 'string', default: '50' } },
});
const seconds = Math.min(Number(values.seconds), 120);
const rate = Math.min(Number(values.rate), 1000);

const world = await startHintBench({ seed: 5 });
try {
  const practiceId = world.creds.practices[0]!.id;
  const secret = world.creds.webhookSecret;
  let n = 0;
  const signed = () => {
    const body = JSON.stringify({
      timestamp: new Date().toISOString(),
      user: { id: `user-bench${n++}`, email: 'staff@example.com', name: 'Bench User', partner_roles: ['admin'] },
      practice: { id: practiceId, name: 'Bench practice' },
      integration: { id: 'int-bench' },
      access_token: 'not-used',
    });
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-hint-signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      },
    };
  };
  const url = `${world.tandem.url}/hint/app/handshake`;
  const run = (duration: number) =>
    autocannon({
      url,
      method: 'POST',
      connections: 5,
      overallRate: rate,
      duration,
      requests: [{ setupRequest: (req) => ({ ...req, ...signed() }) }],
    });
  await run(3); // warm-up
  const load = os.loadavg()[0];
  const result = await run(seconds);
  console.log(
    JSON.stringify(
      {
        benchmark: 'hint-app-handshake',
        date: new Date().toISOString(),
        machine: machine(),
        loadBefore: load,
        seconds,
        targetRate: rate,
        handshakesPerSecond: Math.round(result.requests.average),
        p50ms: result.latency.p50,
        p99ms: result.latency.p99,
        maxMs: result.latency.max,
        total: result.requests.total,
        non2xx: result.non2xx,
        errors: result.errors,
      },
      null,
      2,
    ),
  );
} finally {
  await world.stop();
}
