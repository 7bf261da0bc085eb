// Seeds patients and their Hint links straight into a bench Tandem's embedded database with
// SQL (the reads are what the benches measure, not the creation). Link statuses: 90 % synced,
// 3 % unsynced, 1 % errored, 1 % enabled, 5 % not linked. Names repeat (Ann1, Bob2… × 8 last
// names), as in a large practice.
import type pg from 'pg';

export async function seedPatients(client: pg.Client, total: number): Promise<{ practiceId: string }> {
  const started = Date.now();
  const {
    rows: [practice],
  } = await client.query('SELECT id FROM practices WHERE is_default');
  const {
    rows: [connection],
  } = await client.query(
    `INSERT INTO connections (practice_id, system, name, status) VALUES ($1, 'hint', 'Hint (bench)', 'disabled') RETURNING id`,
    [practice.id],
  );
  await client.query(
    `INSERT INTO patients (practice_id, first_name, last_name, dob, email, phones, created_at)
     SELECT $1, (ARRAY['Ann','Bob','Cleo','Dev','Eve','Finn','Gus','Hana','Ivy','Jo'])[1 + i % 10] || i,
            (ARRAY['Lee','Ng','Smith','Brown','Khan','Rossi','Park','Silva'])[1 + i % 8],
            date '1950-01-01' + (i % 20000), 'p' || i || '@example.com',
            jsonb_build_array(jsonb_build_object('type', 'mobile', 'number', '+614' || lpad(i::text, 8, '0'))),
            now() - make_interval(secs => $2 - i)
     FROM generate_series(1, $2) AS i`,
    [practice.id, total],
  );
  await client.query(
    `INSERT INTO links (practice_id, connection_id, entity_kind, local_id, remote_id, status, error_message, last_synced_at)
     SELECT practice_id, $2, 'patient', id, 'pat-' || substr(md5(id::text), 1, 12), s,
            CASE WHEN s = 'errored' THEN 'Hint refused the record: Email is invalid' END, now()
     FROM (SELECT id, practice_id, row_number() OVER (ORDER BY created_at) AS n FROM patients WHERE practice_id = $1) p,
          LATERAL (SELECT CASE WHEN n % 100 = 7 THEN 'errored' WHEN n % 100 IN (11, 12, 13) THEN 'unsynced'
                               WHEN n % 100 = 17 THEN 'enabled' ELSE 'synced' END AS s) st
     WHERE n % 20 <> 3`,
    [practice.id, connection.id],
  );
  await client.query('ANALYZE patients; ANALYZE links');
  console.error(`seeded ${total} patients and their links in ${Date.now() - started} ms`);
  return { practiceId: practice.id };
}
