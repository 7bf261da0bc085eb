import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHintWorld, waitFor, type HintWorld } from './support.ts';

let w: HintWorld;
let connectionId: string;
let hintPatients: any[];
const db = () => w.hub.database.db;

async function allHintPatients(): Promise<any[]> {
  const out: any[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = (await w.hint('GET', `/provider/patients?limit=100&offset=${offset}`)).body;
    out.push(...page);
    if (page.length < 100) return out;
  }
}

async function runBatch(dryRun: boolean): Promise<any> {
  const started = await w.hub.api('POST', `/api/v1/hint/connections/${connectionId}/sync`, { dryRun });
  expect(started.status).toBe(202);
  return waitFor(
    async () => {
      const b = (await w.hub.api('GET', `/api/v1/batches/${started.body.id}`)).body;
      return ['completed', 'failed', 'aborted'].includes(b.status) ? b : undefined;
    },
    'the batch to finish',
    60_000,
  );
}

const count = async (sql: string) => (await db().query(sql)).rows[0].n as number;

beforeAll(async () => {
  w = await startHintWorld({ seed: 24, rateLimit: 200 });
  hintPatients = await allHintPatients();
  // Ten of Hint's patients already exist in Tandem (overlap), and five exist only in Tandem.
  for (const p of hintPatients.slice(0, 10)) {
    const res = await w.hub.api('POST', '/api/v1/patients', {
      firstName: p.first_name,
      lastName: p.last_name,
      dob: p.dob,
      email: p.email,
    });
    expect(res.status).toBe(201);
  }
  for (let i = 0; i < 5; i++)
    await w.hub.api('POST', '/api/v1/patients', {
      firstName: `Only${i}`,
      lastName: 'Tandem',
      dob: `1970-01-0${i + 1}`,
    });
  // Those creations are fanned out before the connection exists (else they would be pushed to Hint).
  await waitFor(
    async () =>
      (await db().query('SELECT count(*)::int AS n FROM domain_events WHERE dispatched_at IS NULL')).rows[0].n === 0,
    'the outbox dispatched',
  );
  connectionId = await w.connect();
});
afterAll(async () => {
  await w?.stop();
});

describe('Hint initial sync', () => {
  it('reports in a dry run what it would do, with counts, writing nothing', async () => {
    const batch = await runBatch(true);
    expect(batch).toMatchObject({ status: 'completed', dryRun: true });
    expect(batch.counts).toMatchObject({ link: 10, create_local: hintPatients.length - 10, create_remote: 5 });
    expect(batch.progress.percent).toBe(100);
    expect(await count(`SELECT count(*)::int AS n FROM links WHERE entity_kind = 'patient'`)).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM patients')).toBe(15);
  });

  it('links the overlap, creates on each missing side, and re-running creates no duplicates', async () => {
    const batch = await runBatch(false);
    expect(batch.status).toBe('completed');
    expect(batch.counts).toMatchObject({ link: 10, create_local: hintPatients.length - 10, create_remote: 5 });
    const total = hintPatients.length + 5;
    expect(await count('SELECT count(*)::int AS n FROM patients WHERE deleted_at IS NULL')).toBe(total);
    expect(await count(`SELECT count(*)::int AS n FROM links WHERE entity_kind = 'patient'`)).toBe(total);
    const inHint = await waitFor(async () => {
      const all = await allHintPatients();
      return all.every((p) => p.integration_record_id) ? all : undefined;
    }, 'every Hint patient carrying our id');
    expect(inHint).toHaveLength(total);
    expect(await count(`SELECT count(*)::int AS n FROM links WHERE entity_kind = 'practitioner'`)).toBe(3);

    const again = await runBatch(false);
    expect(again.status).toBe('completed');
    expect(again.counts.already_linked).toBe(total + 3);
    expect(again.counts.create_local ?? 0).toBe(0);
    expect(again.counts.create_remote ?? 0).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM patients WHERE deleted_at IS NULL')).toBe(total);
    expect(await allHintPatients()).toHaveLength(total);
  });

  it('offers the per-record results as CSV, and aborts a batch on request', async () => {
    const {
      rows: [b],
    } = await db().query(`SELECT id, processed FROM batches WHERE dry_run = false ORDER BY created_at LIMIT 1`);
    const csv = await fetch(`${w.hub.url}/api/v1/batches/${b.id}/report.csv`, {
      headers: { authorization: `Bearer ${w.hub.token}` },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe('entity_kind,remote_id,local_id,action,message,at');
    expect(lines).toHaveLength(b.processed + 1);

    const started = await w.hub.api('POST', `/api/v1/hint/connections/${connectionId}/sync`, {});
    const aborted = await w.hub.api('POST', `/api/v1/batches/${started.body.id}/abort`);
    expect(aborted.status).toBe(200);
    const done = await waitFor(async () => {
      const x = (await w.hub.api('GET', `/api/v1/batches/${started.body.id}`)).body;
      return x.status === 'aborted' ? x : undefined;
    }, 'aborted');
    expect(done.abortRequested).toBe(true);
    expect((await w.hub.api('GET', '/api/v1/batches/00000000-0000-0000-0000-000000000000')).status).toBe(404);
  });
});
