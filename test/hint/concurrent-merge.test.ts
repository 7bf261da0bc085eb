// Versions of one Hint patient merged at the same time — a webhook job, the reconciliation and
// the initial sync reach the merge from different jobs and processes, so the per-record queue
// does not order them. Whatever the interleaving, the newest version must win: an older one
// merged against the base a newer one just wrote would look like Tandem's own change, win the
// conflict and be pushed over Hint's newer record (the chaos suite's kill burst found this).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { hintDeps, loadConnection, webLinkOf, type HintDeps } from '../../src/connectors/hint/connection.ts';
import { absorbPatient } from '../../src/connectors/hint/inbound-patient.ts';
import { hintValues, snapshotOf } from '../../src/connectors/hint/inbound-patient-values.ts';
import { hashValues } from '../../src/connectors/hint/mapping-merge.ts';
import { readSettings } from '../../src/connectors/hint/settings.ts';
import { writeSnapshot } from '../../src/connectors/hint/store.ts';
import type { HintPatient } from '../../src/connectors/hint/schemas.ts';
import { findLink, upsertLink } from '../../src/db/links.ts';
import { patients } from '../../src/db/records/kinds.ts';
import { createRecord, getRecord } from '../../src/db/records/repository.ts';
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

const SURNAMES = ['Avery', 'Brook', 'Carter', 'Dale', 'Ellis'];
const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 10, minute)).toISOString();

/** A Tandem patient linked to Hint patient `remoteId` as an earlier merge of version 0 left it. */
async function linkedPatient(connection: { practiceId: string; connectionId: string }, i: number) {
  const ctx = { practiceId: connection.practiceId, actor: 'test', origin: 'api' as const };
  const local = await createRecord(database.db, ctx, patients, {
    firstName: `Ann${i}`,
    lastName: SURNAMES[0],
    email: `ann.${i}.v0@example.test`,
  });
  const localId = String(local.id);
  const remoteId = `pat-race${String(i).padStart(8, '0')}`;
  const version = (v: number): HintPatient =>
    ({
      id: remoteId,
      first_name: `Ann${i}`,
      last_name: SURNAMES[v],
      email: `ann.${i}.v${v}@example.test`,
      updated_at: at(v),
      membership_status: 'active',
      integration_record_id: localId,
      integration_web_link: webLinkOf(deps, localId),
      integration_error_message: null,
    }) as HintPatient;
  const rules = readSettings({}).fieldMapping;
  const snapshot = snapshotOf(hintValues(rules, version(0)));
  const link = await upsertLink(
    database.db,
    { ...connection, entityKind: 'patient', localId, remoteId },
    { status: 'synced', readHash: hashValues(snapshot), remoteVersion: at(0), remoteData: {}, synced: true },
  );
  await writeSnapshot(database.db, connection.practiceId, link.id, snapshot);
  return { localId, remoteId, version };
}

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('Hint merge under concurrency', () => {
  it('ends on the newest version, with nothing pushed back, whatever order concurrent merges run in', async () => {
    const { practiceId, connectionId } = await hintConnectionIn(database.db, secrets, 'Race');
    const ids = { practiceId, connectionId };
    const loaded = await loadConnection(deps, practiceId, connectionId);
    const people = await Promise.all(Array.from({ length: 12 }, (_, i) => linkedPatient(ids, i)));
    // Every person's four newer versions merged at once, in a different order each.
    await Promise.all(
      people.flatMap((person, i) =>
        shuffled([1, 2, 3, 4], i + 1).map((v) =>
          absorbPatient(deps, loaded, person.version(v), { source: 'reconcile' }),
        ),
      ),
    );
    for (const person of people) {
      const patient = await getRecord(database.db, practiceId, patients, person.localId);
      const newest = person.version(4);
      expect({ lastName: patient.lastName, email: patient.email }).toEqual({
        lastName: newest.last_name,
        email: newest.email,
      });
      const link = await findLink(database.db, practiceId, connectionId, 'patient', { localId: person.localId });
      expect(link?.remoteVersion && Date.parse(link.remoteVersion)).toBe(Date.parse(newest.updated_at!));
    }
    // Tandem took Hint's values and changed nothing of its own: no push back to Hint.
    const { rows } = await database.db.query(
      `SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'hint:push-patient'`,
    );
    expect(rows[0].n).toBe(0);
  });
});
