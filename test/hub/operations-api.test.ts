// The operations API behind the console's Batches, Logs and Jobs pages, against a real Tandem
// connected to the Hint emulator: batches listed with their report a page at a time; the log
// filtered by connection and paged back; failed jobs retried all at once (audited); a stored
// inbound event replayed from the inbox (audited, processed again), practice-scoped throughout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../../src/jobs/queue.ts';
import { startHintWorld, waitFor, type HintWorld } from '../hint/support.ts';

let w: HintWorld;
let connectionId: string;
let other: { practiceId: string; token: string };

beforeAll(async () => {
  w = await startHintWorld({ seed: 6 });
  connectionId = await w.connect();
  other = await w.hub.newPractice('Other practice');
});
afterAll(async () => {
  await w?.stop();
});

const audits = async (action: string) =>
  (
    await w.hub.database.db.query(
      'SELECT actor, entity_kind, entity_id FROM audit_events WHERE practice_id = $1 AND action = $2 ORDER BY id',
      [w.hub.practiceId, action],
    )
  ).rows;

describe('batches', () => {
  it('lists the practice’s batches newest first and pages through a report by action', async () => {
    const started = await w.hub.api('POST', `/api/v1/hint/connections/${connectionId}/sync`, { dryRun: true });
    expect(started.status).toBe(202);
    const batch = await waitFor(async () => {
      const b = (await w.hub.api('GET', `/api/v1/batches/${started.body.id}`)).body;
      return b.status === 'completed' ? b : undefined;
    }, 'the dry run to finish');
    expect(batch.dryRun).toBe(true);

    const list = await w.hub.api('GET', `/api/v1/batches?connectionId=${connectionId}`);
    expect(list.status).toBe(200);
    expect(list.body.data[0]).toMatchObject({ id: batch.id, kind: 'hint:initial-sync', dryRun: true });
    expect(list.body.data[0].progress.percent).toBe(100);
    expect((await w.hub.api('GET', '/api/v1/batches', undefined, {}, other.token)).body.data).toEqual([]);

    const first = await w.hub.api('GET', `/api/v1/batches/${batch.id}/items?limit=2`);
    expect(first.body.data).toHaveLength(2);
    expect(first.body.nextAfterId).toBe(first.body.data[1].id);
    const rest = await w.hub.api(
      'GET',
      `/api/v1/batches/${batch.id}/items?limit=500&afterId=${first.body.nextAfterId}`,
    );
    expect(first.body.data.length + rest.body.data.length).toBe(batch.processed);
    expect(rest.body.nextAfterId).toBeNull();

    const action = first.body.data[0].action as string;
    const onlyThat = await w.hub.api('GET', `/api/v1/batches/${batch.id}/items?action=${action}&limit=500`);
    expect(onlyThat.body.data.length).toBe(batch.counts[action]);
    expect(onlyThat.body.data.every((i: { action: string }) => i.action === action)).toBe(true);

    const bad = await w.hub.api('GET', `/api/v1/batches/${batch.id}/items?action=DROP%20TABLE&limit=0`);
    expect(bad.status).toBe(422);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['action', 'limit']);
    expect((await w.hub.api('GET', `/api/v1/batches/${batch.id}/items`, undefined, {}, other.token)).status).toBe(404);
  });
});

describe('logs', () => {
  it('filters by connection and pages back with beforeId', async () => {
    const all = await w.hub.api('GET', `/api/v1/logs?connectionId=${connectionId}&limit=1000`);
    expect(all.status).toBe(200);
    expect(all.body.data.length).toBeGreaterThan(0);
    expect(all.body.data.every((e: { connectionId: string }) => e.connectionId === connectionId)).toBe(true);
    const ids = all.body.data.map((e: { id: number }) => e.id);
    const newest = ids.at(-1);
    const older = await w.hub.api('GET', `/api/v1/logs?connectionId=${connectionId}&beforeId=${newest}&limit=1000`);
    expect(older.body.data.map((e: { id: number }) => e.id)).toEqual(ids.slice(0, -1));

    const elsewhere = await w.hub.api('GET', `/api/v1/logs?connectionId=${crypto.randomUUID()}`);
    expect(elsewhere.body.data).toEqual([]);
    const bad = await w.hub.api('GET', '/api/v1/logs?connectionId=hint');
    expect(bad.status).toBe(422);
    expect(bad.body.details[0].field).toBe('connectionId');
  });
});

describe('failed jobs', () => {
  it('retries every failed job of the practice at once, audited, and no other practice’s', async () => {
    const db = w.hub.database.db;
    for (const message of ['first', 'second'])
      await enqueue(db, 'echo', { practiceId: w.hub.practiceId, message, failTimes: 1 }, { maxAttempts: 1 });
    await enqueue(db, 'echo', { practiceId: other.practiceId, message: 'theirs', failTimes: 1 }, { maxAttempts: 1 });
    const failed = await waitFor(async () => {
      const mine = (await w.hub.api('GET', '/api/v1/jobs/failed')).body.data;
      const theirs = (await w.hub.api('GET', '/api/v1/jobs/failed', undefined, {}, other.token)).body.data;
      return mine.length === 2 && theirs.length === 1 ? mine : undefined;
    }, 'three failed jobs');

    const retried = await w.hub.api('POST', '/api/v1/jobs/failed/retry');
    expect(retried.status).toBe(202);
    expect(retried.body.retried).toBe(2);
    expect(retried.body.ids.sort()).toEqual(failed.map((j: { id: string }) => j.id).sort());
    expect((await audits('job.retried')).map((a) => a.entity_id).sort()).toEqual(retried.body.ids.sort());
    // The other practice's job was left alone.
    const theirs = (await w.hub.api('GET', '/api/v1/jobs/failed', undefined, {}, other.token)).body.data;
    expect(theirs).toHaveLength(1);
  });
});

describe('inbox replay', () => {
  it('lists stored events without their payload and re-runs one from the inbox, audited', async () => {
    const created = await w.harness('POST', `/practices/${w.hintPracticeId}/patients`, {
      first_name: 'Replay',
      last_name: 'Subject',
      dob: '1990-01-01',
    });
    const event = await waitFor(async () => {
      const res = await w.hub.api('GET', `/api/v1/inbox?connectionId=${connectionId}&limit=200`);
      return res.body.data.find(
        (e: { eventType: string; status: string }) => e.eventType === 'patient.created' && e.status === 'processed',
      );
    }, 'the webhook stored and processed');
    expect(event).not.toHaveProperty('payload');
    expect(JSON.stringify(event)).not.toContain('Replay');

    const replayed = await w.hub.api('POST', `/api/v1/inbox/${event.id}/replay`);
    expect(replayed.status).toBe(202);
    expect(replayed.body).toMatchObject({ id: event.id, status: 'pending' });
    const audit = await audits('inbox.replayed');
    expect(audit).toEqual([
      { actor: expect.stringMatching(/^token:/), entity_kind: 'inbox_event', entity_id: String(event.id) },
    ]);
    const again = await waitFor(async () => {
      const res = await w.hub.api('GET', `/api/v1/inbox?connectionId=${connectionId}&limit=200`);
      const e = res.body.data.find((x: { id: number }) => x.id === event.id);
      return e && e.status !== 'pending' ? e : undefined;
    }, 'the replayed event processed again');
    expect(again.status).toBe('processed');
    expect(Date.parse(again.processedAt)).toBeGreaterThan(Date.parse(event.processedAt));
    // The patient is still one patient: replaying is idempotent.
    const { rows } = await w.hub.database.db.query(
      `SELECT count(*)::int AS n FROM links WHERE connection_id = $1 AND remote_id = $2`,
      [connectionId, created.id],
    );
    expect(rows[0].n).toBe(1);

    expect((await w.hub.api('POST', `/api/v1/inbox/${event.id}/replay`, undefined, {}, other.token)).status).toBe(404);
    const bad = await w.hub.api('POST', '/api/v1/inbox/abc/replay');
    expect(bad.status).toBe(422);
    expect(bad.body.details[0].field).toBe('id');
    expect((await w.hub.api('GET', '/api/v1/inbox?status=lost')).status).toBe(422);
  });
});
