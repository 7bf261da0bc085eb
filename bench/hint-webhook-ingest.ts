// Benchmark: Hint webhook ingest — signature verified over the raw body, event stored in the
// durable inbox with its processing job (one statement), 2xx answered. Target: ≥ 3,000
// events/s sustained, p99 < 50 ms. Every request is a new signed event (unique id).
// The events are of a type the connector acknowledges and ignores, so the figure is ingest
// plus the jobs' bookkeeping, not patient merging. Run: npx tsx bench/hint-webhook-ingest.ts [--seconds 10]
import { createHmac } from 'node:crypto';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startHintBench } from './support/hint-world.ts';
import { machine } from './support/tandem-process.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' } },
});
const seconds = Math.min(Number(values.seconds), 60);
const connections = Math.min(Number(values.connections), 200);

const world = await startHintBench({ seed: 5 });
try {
  const practiceId = world.creds.practices[0]!.id;
  const secret = world.creds.webhookSecret;
  let n = 0;
  const signed = () => {
    const body = JSON.stringify({
      id: `evt-bench${process.pid}x${n++}`,
      created_at: new Date().toISOString(),
      type: 'company.updated',
      practice_id: practiceId,
      object: { id: `com-bench${n % 50}`, name: 'Bench Co', status: 'active' },
    });
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-hint-signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      },
    };
  };
  const url = `${world.tandem.url}/webhooks/hint`;
  await autocannon({
    url,
    method: 'POST',
    connections: 10,
    amount: 2000,
    requests: [{ setupRequest: (req) => ({ ...req, ...signed() }) }],
  });
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
    duration: seconds,
    requests: [{ setupRequest: (req) => ({ ...req, ...signed() }) }],
  });
  console.log(
    JSON.stringify(
      {
        benchmark: 'hint-webhook-ingest',
        date: new Date().toISOString(),
        machine: machine(),
        seconds,
        connections,
        eventsPerSecond: Math.round(result.requests.average),
        p50ms: result.latency.p50,
        p99ms: result.latency.p99,
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
