// The initial sync works on many records at once; these tests hold it to what a one-at-a-time
// sync guarantees: several Hint patients that are one Tandem person give one link (the others
// go to review), nothing is created twice on either side — not even when two runs race each
// other — and re-running creates nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatch } from '../../src/db/batches.ts';
import { runInitialSync } from '../../src/connectors/hint/initial-sync.ts';
import { hintDeps } from '../../src/connectors/hint/connection.ts';
import { createLogger } from '../../src/logger.ts';
import { loadOrCreateSecretKey, SecretBox } from '../../src/security/secrets.ts';
import { startHintWorld, waitFor, type HintWorld } from './support.ts';

const PERSON = { first_name: 'Odalys', last_name: 'Quarrington', dob: '1977-06-14', email: 'odalys.q@example.org' };

interface World {
  w: HintWorld;
  connectionId: string;
  personId: string;
  copies: string[];
}

async function allHintPatients(w: HintWorld): Promise<any[]> {
  const out: any[] = [];
  for (let offset = 0; offset < 10_000; offset += 100) {
    const page = (await w.hint('GET', `/provider/patients?limit=100&offset=${offset}&filter=all`)).body;
    out.push(...page);
    if (page.length < 100) break;
  }
  return out;
}

/**
 * Hint: the seed's patients (more than one page) and four records of one person; Tandem: that
 * person, twins of 30 Hint patients and five of its own. The connection allows 500 requests/s,
 * so the sync keeps many records in flight.
 */
async function world(): Promise<World> {
  const w = await startHintWorld({ seed: 120, rateLimit: 0 });
  const seeded = await allHintPatients(w);
  const copies: string[] = [];
  for (let i = 0; i < 4; i++) {
    const res = await w.hint('POST', '/provider/patients', {
      ...PERSON,
      phones: [{ number: `41555501${10 + i}`, type: 'mobile' }],
    });
    expect(res.status).toBeLessThan(300);
    copies.push(res.body.id);
  }
  const person = await w.hub.api('POST', '/api/v1/patients', {
    firstName: PERSON.first_name,
    lastName: PERSON.last_name,
    dob: PERSON.dob,
    email: PERSON.email,
  });
  expect(person.status).toBe(201);
  for (const p of seeded.filter((x) => x.membership_status !== 'archived').slice(0, 30)) {
    expect(
      (
        await w.hub.api('POST', '/api/v1/patients', {
          firstName: p.first_name,
          lastName: p.last_name,
          dob: p.dob,
          email: p.email,
        })
      ).status,
    ).toBe(201);
  }
  for (let i = 0; i < 5; i++)
    await w.hub.api('POST', '/api/v1/patients', {
      firstName: `Solo${i}`,
      lastName: 'Tandemonly',
      dob: `1981-02-0${i + 1}`,
    });
  // Fanned out before the connection exists (else they would be pushed to Hint as they are made).
  await waitFor(
    async () =>
      (await w.hub.database.db.query('SELECT count(*)::int AS n FROM domain_events WHERE dispatched_at IS NULL'))
        .rows[0].n === 0,
    'the outbox dispatched',
  );
  const connectionId = await w.connect();
  expect(
    (await w.hub.api('PATCH', `/api/v1/hint/connections/${connectionId}/settings`, { rateLimitPerSecond: 500 })).status,
  ).toBe(200);
  return { w, connectionId, personId: person.body.id, copies };
}

async function runBatch(x: World): Promise<any> {
  const started = await x.w.hub.api('POST', `/api/v1/hint/connections/${x.connectionId}/sync`, { dryRun: false });
  expect(started.status).toBe(202);
  return waitFor(
    async () => {
      const b = (await x.w.hub.api('GET', `/api/v1/batches/${started.body.id}`)).body;
      return ['completed', 'failed', 'aborted'].includes(b.status) ? b : undefined;
    },
    'the batch to finish',
    90_000,
  );
}

const rows = async (x: World, sql: string, params: unknown[] = []) =>
  (await x.w.hub.database.db.query(sql, params)).rows;

/**
 * No duplicates, whatever the interleaving: links are one-to-one (the schema), every Tandem
 * patient is linked or a candidate of a pending review, every Hint patient is linked or under
 * review, and the id each Hint patient carries is the Tandem patient it is linked to. A patient
 * made twice on either side would be left over unlinked; a stolen link would show in the ids.
 */
async function expectNoDuplicates(x: World): Promise<void> {
  const unlinkedTandem = await rows(
    x,
    `SELECT p.id FROM patients p WHERE p.deleted_at IS NULL
    AND NOT EXISTS (SELECT 1 FROM links l WHERE l.entity_kind = 'patient' AND l.local_id = p.id)
    AND NOT EXISTS (SELECT 1 FROM match_reviews r WHERE r.status = 'pending' AND r.candidates @> jsonb_build_array(jsonb_build_object('id', p.id::text)))`,
  );
  expect(unlinkedTandem).toEqual([]);
  const links = new Map(
    (await rows(x, `SELECT remote_id, local_id FROM links WHERE entity_kind = 'patient'`)).map((r) => [
      r.remote_id,
      r.local_id,
    ]),
  );
  const inReview = new Set(
    (await rows(x, `SELECT remote_id FROM match_reviews WHERE status = 'pending'`)).map((r) => r.remote_id),
  );
  for (const p of await allHintPatients(x.w)) {
    if (p.membership_status === 'archived' && !links.has(p.id)) continue;
    expect(links.has(p.id) || inReview.has(p.id), `Hint patient ${p.id} is linked or under review`).toBe(true);
    if (links.has(p.id)) expect(p.integration_record_id).toBe(links.get(p.id));
  }
}

async function expectOnePersonOneLink(x: World): Promise<void> {
  const linked = await rows(x, `SELECT remote_id FROM links WHERE entity_kind = 'patient' AND local_id = $1`, [
    x.personId,
  ]);
  expect(linked).toHaveLength(1);
  expect(x.copies).toContain(linked[0].remote_id);
  const carriers = (await allHintPatients(x.w)).filter((p) => p.integration_record_id === x.personId);
  expect(carriers.map((p) => p.id)).toEqual([linked[0].remote_id]);
  const others = x.copies.filter((id) => id !== linked[0].remote_id);
  expect(
    await rows(x, `SELECT remote_id FROM links WHERE entity_kind = 'patient' AND remote_id = ANY($1)`, [others]),
  ).toEqual([]);
  expect(
    await rows(x, `SELECT id FROM patients WHERE lower(email) = $1 AND deleted_at IS NULL`, [PERSON.email]),
  ).toHaveLength(1);
}

async function expectRerunCreatesNothing(x: World): Promise<void> {
  const before = {
    tandem: (await rows(x, 'SELECT count(*)::int AS n FROM patients WHERE deleted_at IS NULL'))[0].n,
    hint: (await allHintPatients(x.w)).length,
  };
  const again = await runBatch(x);
  expect(again.status).toBe('completed');
  expect(again.counts.create_local ?? 0).toBe(0);
  expect(again.counts.create_remote ?? 0).toBe(0);
  expect(again.counts.link ?? 0).toBe(0);
  expect((await rows(x, 'SELECT count(*)::int AS n FROM patients WHERE deleted_at IS NULL'))[0].n).toBe(before.tandem);
  expect((await allHintPatients(x.w)).length).toBe(before.hint);
}

describe('initial sync with many records in flight', () => {
  let x: World;
  beforeAll(async () => {
    x = await world();
  });
  afterAll(async () => {
    await x?.w.stop();
  });

  it('links one of several Hint records of one person, sends the rest to review, and re-running creates nothing', async () => {
    const batch = await runBatch(x);
    expect(batch.status).toBe('completed');
    expect(batch.counts.error ?? 0).toBe(0);
    await expectOnePersonOneLink(x);
    const report = await rows(
      x,
      `SELECT remote_id, action FROM batch_items WHERE batch_id = $1 AND remote_id = ANY($2)`,
      [batch.id, x.copies],
    );
    // One copy is linked — by this batch, or just before it reached it by the minutely
    // reconciliation when the machine is slow ('already_linked') — and the others wait for review.
    const actions = report.map((r) => r.action).sort();
    expect(actions.slice(1)).toEqual(['review', 'review', 'review']);
    expect(['link', 'already_linked']).toContain(actions[0]);
    const lines = await rows(
      x,
      `SELECT count(*)::int AS n, count(DISTINCT coalesce(remote_id, local_id::text))::int AS records FROM batch_items WHERE batch_id = $1`,
      [batch.id],
    );
    expect(lines[0].n).toBe(lines[0].records); // one line per record
    await expectNoDuplicates(x);
    await expectRerunCreatesNothing(x);
    await expectOnePersonOneLink(x);
  });

  it('leaves records under review to the reviewer on a re-run, even when the matcher would now call them new', async () => {
    // The person the copies matched is gone from Tandem: matched again, each copy would be "new" and created.
    expect((await x.w.hub.api('DELETE', `/api/v1/patients/${x.personId}`)).status).toBeLessThan(300);
    const again = await runBatch(x);
    expect(again.status).toBe('completed');
    expect(again.counts.create_local ?? 0).toBe(0);
    const report = await rows(x, `SELECT action FROM batch_items WHERE batch_id = $1 AND remote_id = ANY($2)`, [
      again.id,
      x.copies,
    ]);
    expect(report.map((r) => r.action).sort()).toEqual(['already_linked', 'review', 'review', 'review']);
    expect(
      await rows(x, `SELECT id FROM patients WHERE lower(email) = $1 AND deleted_at IS NULL`, [PERSON.email]),
    ).toEqual([]);
  });
});

describe('two initial syncs of one connection at the same time', () => {
  let x: World;
  beforeAll(async () => {
    x = await world();
  });
  afterAll(async () => {
    await x?.w.stop();
  });

  it('race without a crash, a stolen link or a duplicate, and re-running creates nothing', async () => {
    const { w } = x;
    const { config } = w.hub.tandem;
    const secrets = new SecretBox(await loadOrCreateSecretKey(config.secretKey, config.home));
    // Two runtimes, as two Tandem processes would have: nothing in memory is shared, only the database.
    const runs = await Promise.all(
      [0, 1].map(async () => {
        const deps = hintDeps({
          config,
          db: w.hub.database.db,
          logger: createLogger('silent'),
          secrets,
          publicUrl: () => w.hub.url,
        });
        const batch = await createBatch(w.hub.database.db, {
          practiceId: w.hub.practiceId,
          connectionId: x.connectionId,
          kind: 'hint:initial-sync',
          dryRun: false,
        });
        return { deps, batchId: batch.id };
      }),
    );
    await Promise.all(
      runs.map((r) =>
        runInitialSync(r.deps, { practiceId: w.hub.practiceId, connectionId: x.connectionId, batchId: r.batchId }),
      ),
    );
    for (const r of runs) {
      const batch = (await w.hub.api('GET', `/api/v1/batches/${r.batchId}`)).body;
      expect(batch.status).toBe('completed');
      expect(batch.counts.error ?? 0).toBe(0);
    }
    await expectOnePersonOneLink(x);
    await expectNoDuplicates(x);
    await expectRerunCreatesNothing(x);
  });
});
