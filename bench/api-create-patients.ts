// Benchmark: creating patients through the REST API (validation, one transaction with the
// patient row, its domain event and its audit event). Target: ≥ 2,000 creates/s, p99 < 50 ms.
// Run: npx tsx bench/api-create-patients.ts [--seconds 20] [--connections 50]
// Uses DATABASE_URL when set, else Tandem's embedded PostgreSQL.
import autocannon from 'autocannon';
import { parseArgs } from 'node:util';
import { machine, startTandemProcess } from './support/tandem-process.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '20' }, connections: { type: 'string', default: '50' } },
});
const seconds = Math.min(Number(values.seconds), 120);
const connections = Math.min(Number(values.connections), 500);

// Sandbox mode off: the benchmark measures the API, not the demo's background sync.
const tandem = await startTandemProcess({ TANDEM_SANDBOX: 'off' });
try {
  let n = 0;
  const body = () =>
    JSON.stringify({
      firstName: `Bench${n}`,
      lastName: `Patient${n++}`,
      dob: '1985-06-15',
      sex: 'female',
      email: `bench${n}@example.com`,
      phones: [{ type: 'mobile', number: `+614${String(10000000 + n).slice(-8)}` }],
      address: { line1: '1 Bench St', city: 'Sydney', state: 'NSW', postcode: '2000', country: 'AU' },
    });
  // Warm-up: JIT, connection pool, prepared plans.
  await autocannon({
    url: `${tandem.url}/api/v1/patients`,
    method: 'POST',
    connections: 10,
    amount: 500,
    headers: { authorization: `Bearer ${tandem.token}`, 'content-type': 'application/json' },
    setupClient: (c) => c.setBody(body()),
  });
  const result = await autocannon({
    url: `${tandem.url}/api/v1/patients`,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${tandem.token}`, 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: body() }) }],
  });
  const non2xx = result.non2xx;
  const summary = {
    benchmark: 'api-create-patients',
    date: new Date().toISOString(),
    machine: machine(),
    database: process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL 18',
    seconds,
    connections,
    requestsPerSecond: Math.round(result.requests.average),
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    total: result.requests.total,
    non2xx,
    errors: result.errors,
  };
  console.log(JSON.stringify(summary, null, 2));
} finally {
  await tandem.stop();
}
