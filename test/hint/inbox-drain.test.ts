// The Hint inbox drain: rows reach jobs even when they commit out of id order (a cursor would
// skip them), and patient events that would change nothing — our own write coming back, an
// older version — are settled without a job, while anything new still gets one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { drainInboxTask } from '../../src/connectors/hint/inbound-drain.ts';
import { hintValues, snapshotOf } from '../../src/connectors/hint/inbound-patient-values.ts';
import { staffFacts } from '../../src/connectors/hint/mapping.ts';
import { hashValues } from '../../src/connectors/hint/mapping-merge.ts';
import { hintDeps, webLinkOf, type HintDeps } from '../../src/connectors/hint/connection.ts';
import { readSettings } from '../../src/connectors/hint/settings.ts';
import { upsertLink } from '../../src/db/links.ts';
import { patients } from '../../src/db/records/kinds.ts';
import { createRecord } from '../../src/db/records/repository.ts';
import { createLogger } from '../../src/logger.ts';
import { SecretBox } from '../../src/security/secrets.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { hintConnectionIn } from './support.ts';

let database: TestDatabase;
let deps: HintDeps;
const secrets = new SecretBox('k'.repeat(64));
beforeAll(async () => {
  database = await createTestDatabase();
  deps = hintDeps({
    config: loadConfig({ NODE_ENV: 'test' }),
    db: database.db,
    logger: createLogger('silent'),
    secrets,
    publicUrl: () => 'http://tandem.test',
  });
});
afterAll(async () => {
  await database.drop();
});

const insert = `INSERT INTO inbox (practice_id, connection_id, source_event_id, event_type, payload)
  VALUES ($1, $2, $3, 'patient.updated', $4) RETURNING id`;

const activeConnection = (name: string) => hintConnectionIn(database.db, secrets, name);

const processJobs = async () =>
  (
    await database.db.query(
      `SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'hint:process-event'`,
    )
  ).rows[0].n as number;

describe('Hint inbox drain', () => {
  it('queues a row whose insert commits after a later id was already drained', async () => {
    const payload = await activeConnection('Drain');
    const drain = drainInboxTask(deps);
    const jobsBefore = await processJobs();
    const late = await database.db.connect();
    try {
      await late.query('BEGIN');
      const {
        rows: [a],
      } = await late.query(insert, [
        payload.practiceId,
        payload.connectionId,
        'evt-late',
        { object: { id: 'pat-aaaaaaaaaaaa' } },
      ]);
      const {
        rows: [b],
      } = await database.db.query(insert, [
        payload.practiceId,
        payload.connectionId,
        'evt-early',
        { object: { id: 'pat-bbbbbbbbbbbb' } },
      ]);
      expect(Number(a.id)).toBeLessThan(Number(b.id));
      await drain(payload, {} as never);
      await late.query('COMMIT');
    } finally {
      late.release();
    }
    await drain(payload, {} as never);
    const { rows } = await database.db.query(
      'SELECT source_event_id FROM inbox WHERE connection_id = $1 AND queued_at IS NOT NULL ORDER BY source_event_id',
      [payload.connectionId],
    );
    expect(rows.map((r) => r.source_event_id)).toEqual(['evt-early', 'evt-late']);
    expect(await processJobs()).toBe(jobsBefore + 2);
  });

  it('settles our own write coming back and an older version without a job; a new value gets one', async () => {
    const payload = await activeConnection('Echo');
    const ctx = { practiceId: payload.practiceId, actor: 'test', origin: 'api' as const };
    const local = await createRecord(database.db, ctx, patients, { firstName: 'Ann', lastName: 'Lee' });
    const localId = String(local.id);
    const written = {
      id: 'pat-cccccccccccc',
      first_name: 'Ann',
      last_name: 'Lee',
      updated_at: '2026-11-21T10:00:00.000Z',
      membership_status: 'active',
      integration_record_id: localId,
      integration_web_link: webLinkOf(deps, localId),
      integration_error_message: null,
    };
    // The link as a push leaves it: the hash of what we wrote, Hint's version, what staff see.
    const rules = readSettings({}).fieldMapping;
    await upsertLink(
      database.db,
      { ...payload, entityKind: 'patient', localId, remoteId: written.id },
      {
        status: 'synced',
        writtenHash: hashValues(snapshotOf(hintValues(rules, written as never))),
        remoteVersion: written.updated_at,
        remoteData: { ...staffFacts(written as never) },
        remoteState: 'active',
      },
    );
    const jobsBefore = await processJobs();
    const events = {
      echo: written,
      older: { ...written, first_name: 'Anne', updated_at: '2026-11-21T09:00:00.000Z' },
      newer: { ...written, first_name: 'Annie', updated_at: '2026-11-21T11:00:00.000Z' },
      idsLost: { ...written, integration_record_id: null },
    };
    for (const [name, object] of Object.entries(events))
      await database.db.query(insert, [payload.practiceId, payload.connectionId, `evt-${name}`, { object }]);
    await drainInboxTask(deps)(payload, {} as never);

    const { rows } = await database.db.query(
      'SELECT source_event_id, status, queued_at IS NOT NULL AS queued FROM inbox WHERE connection_id = $1 ORDER BY id',
      [payload.connectionId],
    );
    expect(rows.map((r) => [r.source_event_id, r.status, r.queued])).toEqual([
      ['evt-echo', 'processed', false],
      ['evt-older', 'processed', false],
      ['evt-newer', 'pending', true],
      ['evt-idsLost', 'pending', true], // our ids must be written back: a job does it
    ]);
    expect(await processJobs()).toBe(jobsBefore + 2);
  });

  it('queues the events of one Hint record in their order, on the queue of that record', async () => {
    const payload = await activeConnection('Order');
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const {
        rows: [row],
      } = await database.db.query(insert, [
        payload.practiceId,
        payload.connectionId,
        `evt-order-${i}`,
        { object: { id: 'pat-dddddddddddd', first_name: `v${i}` } },
      ]);
      ids.push(Number(row.id));
    }
    await database.db.query(insert, [
      payload.practiceId,
      payload.connectionId,
      'evt-other',
      { object: { id: 'pat-eeeeeeeeeeee' } },
    ]);
    await drainInboxTask(deps)(payload, {} as never);
    const { rows } = await database.db.query(
      `SELECT (j.payload->>'inboxId')::bigint AS inbox_id FROM graphile_worker._private_jobs j
       JOIN graphile_worker._private_job_queues q ON q.id = j.job_queue_id WHERE q.queue_name = $1 ORDER BY j.id`,
      [`hint:${payload.connectionId}:pat-dddddddddddd`],
    );
    expect(rows.map((r) => Number(r.inbox_id))).toEqual(ids);
  });
});
