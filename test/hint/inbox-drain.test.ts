// Inbox rows reach jobs even when they commit out of id order (a cursor would skip them).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainInboxTask } from '../../src/connectors/hint/inbox-drain.ts';
import { createConnection } from '../../src/db/connections.ts';
import { createPractice } from '../../src/db/practices.ts';
import { SecretBox } from '../../src/security/secrets.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let database: TestDatabase;
beforeAll(async () => { database = await createTestDatabase(); });
afterAll(async () => { await database.drop(); });

const insert = `INSERT INTO inbox (practice_id, connection_id, source_event_id, event_type, payload)
  VALUES ($1, $2, $3, 'patient.updated', $4) RETURNING id`;

describe('Hint inbox drain', () => {
  it('queues a row whose insert commits after a later id was already drained', async () => {
    const practice = await createPractice(database.db, { name: 'Drain' });
    const connection = await createConnection(database.db, new SecretBox('k'.repeat(64)), { practiceId: practice.id, system: 'hint', name: 'H', status: 'active' });
    const drain = drainInboxTask(database.db);
    const payload = { practiceId: practice.id, connectionId: connection.id };
    const late = await database.db.connect();
    try {
      await late.query('BEGIN');
      const { rows: [a] } = await late.query(insert, [practice.id, connection.id, 'evt-late', { object: { id: 'pat-aaaaaaaaaaaa' } }]);
      const { rows: [b] } = await database.db.query(insert, [practice.id, connection.id, 'evt-early', { object: { id: 'pat-bbbbbbbbbbbb' } }]);
      expect(Number(a.id)).toBeLessThan(Number(b.id));
      await drain(payload, {} as never);
      await late.query('COMMIT');
    } finally {
      late.release();
    }
    await drain(payload, {} as never);
    const { rows } = await database.db.query('SELECT source_event_id FROM inbox WHERE queued_at IS NOT NULL ORDER BY source_event_id');
    expect(rows.map((r) => r.source_event_id)).toEqual(['evt-early', 'evt-late']);
    const { rows: jobs } = await database.db.query(`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'hint:process-event'`);
    expect(jobs[0].n).toBe(2);
  });
});
