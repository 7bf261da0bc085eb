// The contact page's live search among patients linked on one system (db/patient-search.ts):
// every typed word must match a name, the e-mail, the date of birth or a phone; only linked
// patients; name order. Both plans are exercised: a rare word (the trigram probe finds few
// patients) and a common or short one (more than the probe's bound: the walk by name).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchLinkedPatients } from '../../src/db/patient-search.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let database: TestDatabase;
let practiceId: string;
beforeAll(async () => {
  database = await createTestDatabase();
  const { db } = database;
  practiceId = (await db.query(`INSERT INTO practices (name) VALUES ('Search') RETURNING id`)).rows[0].id;
  const connection = (
    await db.query(
      `INSERT INTO connections (practice_id, system, name, status) VALUES ($1, 'hint', 'Hint', 'active') RETURNING id`,
      [practiceId],
    )
  ).rows[0].id;
  // 2,200 "Common" people (more than the probe's bound of 2,000), a few rare ones, one unlinked.
  await db.query(
    `INSERT INTO patients (practice_id, first_name, last_name, dob, email, phones)
     SELECT $1, 'Common' || i, (ARRAY['Zed', 'Able'])[1 + i % 2], date '1980-01-01' + i, 'c' || i || '@example.com',
            jsonb_build_array(jsonb_build_object('type', 'mobile', 'number', '+6140000' || lpad(i::text, 4, '0')))
     FROM generate_series(1, 2200) AS i`,
    [practiceId],
  );
  await db.query(
    `INSERT INTO patients (practice_id, first_name, last_name, dob, email) VALUES
       ($1, 'Rarely', 'Seen', '1971-05-06', 'rare_one@example.com'),
       ($1, 'Rarely', 'Alone', '1971-05-07', 'rare.two@example.com'),
       ($1, 'Rarely', 'Unlinked', '1971-05-08', NULL)`,
    [practiceId],
  );
  await db.query(
    `INSERT INTO links (practice_id, connection_id, entity_kind, local_id, remote_id, status)
     SELECT practice_id, $2, 'patient', id, 'pat-' || left(md5(id::text), 12), 'synced' FROM patients
     WHERE practice_id = $1 AND last_name <> 'Unlinked'`,
    [practiceId, connection],
  );
});
afterAll(async () => {
  await database?.drop();
});

const search = async (q: string, limit = 20) =>
  (await searchLinkedPatients(database.db, practiceId, 'hint', q, limit)).map(
    (p) => `${p.firstName as string} ${p.lastName as string}`,
  );

describe('searchLinkedPatients', () => {
  it('a rare word: only linked patients, in name order, every word matching', async () => {
    expect(await search('rarely')).toEqual(['Rarely Alone', 'Rarely Seen']);
    expect(await search('RARELY 1971-05-06')).toEqual(['Rarely Seen']);
    expect(await search('seen unlinked')).toEqual([]);
  });

  it('LIKE wildcards typed are taken literally', async () => {
    expect(await search('rare_one')).toEqual(['Rarely Seen']);
    expect(await search('rare%')).toEqual([]);
  });

  it('a common word (past the probe bound) and a short one walk in name order up to the limit', async () => {
    const common = await search('common', 5);
    expect(common).toHaveLength(5);
    expect(common.every((n) => n.endsWith(' Able'))).toBe(true); // Able before Zed
    expect(common).toEqual([...common].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    expect(await search('co zed', 3)).toEqual(['Common10 Zed', 'Common100 Zed', 'Common1000 Zed']);
    expect(await search('+61400002199')).toEqual(['Common2199 Able']); // a phone
  });
});
