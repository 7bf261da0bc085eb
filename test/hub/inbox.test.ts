// The inbox keeps one row per (connection, source event id), however the copies arrive:
// together in one coalesced statement, or later.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection } from '../../src/db/connections.ts';
import { InboxWriter } from '../../src/db/inbox.ts';
import { createPractice } from '../../src/db/practices.ts';
import { SecretBox } from '../../src/security/secrets.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

describe('InboxWriter', () => {
  it('stores each event once and tells every caller whether theirs was new', async () => {
    const practice = await createPractice(database.db, { name: 'Inbox' });
    const connection = await createConnection(database.db, new SecretBox('k'.repeat(64)), {
      practiceId: practice.id,
      system: 'hint',
      name: 'H',
    });
    const inbox = new InboxWriter(database.db);
    const event = (id: string) => ({
      practiceId: practice.id,
      connectionId: connection.id,
      sourceEventId: id,
      eventType: 'patient.updated',
      payload: null,
      rawJson: `{"id":"${id}"}`,
    });
    // 30 distinct events plus 3 copies of evt-7 and evt-8, all at once (one batch).
    const ids = [...Array.from({ length: 30 }, (_, i) => `evt-${i}`), 'evt-7', 'evt-8', 'evt-7'];
    const fresh = await Promise.all(ids.map((id) => inbox.store(event(id))));
    expect(fresh.filter(Boolean)).toHaveLength(30);
    expect(fresh.slice(30)).toEqual([false, false, false]);
    // Later copies are duplicates too; a new id is new.
    expect(await inbox.store(event('evt-3'))).toBe(false);
    expect(await inbox.store(event('evt-99'))).toBe(true);
    const { rows } = await database.db.query(
      'SELECT count(*)::int AS n, count(DISTINCT source_event_id)::int AS d FROM inbox',
    );
    expect(rows[0]).toEqual({ n: 31, d: 31 });
    const {
      rows: [stored],
    } = await database.db.query(`SELECT payload FROM inbox WHERE source_event_id = 'evt-5'`);
    expect(stored.payload).toEqual({ id: 'evt-5' });
  });
});
