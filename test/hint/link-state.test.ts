// A push saves the link's state and its merge base in one statement (store.ts saveLinkState),
// and reads the link with that base in one query (readPushState, which also reads the practice's
// state and the practitioner's link for the push). The statement
// must do what the transaction of two did: create or update both rows together, keep the name
// echo rules of writeSnapshot, and leave neither row written when it fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  readNameEcho,
  readPushState,
  readSnapshot,
  saveLinkState,
  saveLinkStateIn,
  writeSnapshot,
} from '../../src/connectors/hint/store.ts';
import { findLink, upsertLink } from '../../src/db/links.ts';
import { inTransaction } from '../../src/db/pool.ts';
import { patients, practitioners } from '../../src/db/records/kinds.ts';
import { createRecord, updateRecord } from '../../src/db/records/repository.ts';
import { setPracticeDisabled } from '../../src/db/practices.ts';
import { SecretBox } from '../../src/security/secrets.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { hintConnectionIn } from './support.ts';

let database: TestDatabase;
const secrets = new SecretBox('k'.repeat(64));
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

const linkedOf = async (practiceId: string, connectionId: string, localId: string) =>
  (await readPushState(database.db, practiceId, connectionId, localId)).linked;

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();

async function setUp(name: string) {
  const { practiceId, connectionId } = await hintConnectionIn(database.db, secrets, name);
  const ctx = { practiceId, actor: 'test', origin: 'api' as const };
  const local = await createRecord(database.db, ctx, patients, { firstName: 'Ann', lastName: 'Avery' });
  const key = {
    practiceId,
    connectionId,
    entityKind: 'patient',
    localId: String(local.id),
    remoteId: `pat-${name}`,
  };
  return { key, practiceId, connectionId, localId: String(local.id) };
}

describe('Hint link state in one statement', () => {
  it('creates the link and its merge base together, then updates both, with the echo rules of writeSnapshot', async () => {
    const { key, practiceId, connectionId, localId } = await setUp('one');
    expect(await linkedOf(practiceId, connectionId, localId)).toBeUndefined();

    const names = { first_name: 'Ann', last_name: 'Avery' };
    const created = await saveLinkState(
      database.db,
      key,
      { status: 'synced', writtenHash: 'h1', remoteVersion: at(3), synced: true },
      { first_name: 'Ann', email: 'a@example.test' },
      { ...names, after: at(1), until: at(3) },
    );
    expect(created).toMatchObject({ localId, remoteId: key.remoteId, status: 'synced', writtenHash: 'h1' });
    expect(created.lastSyncedAt).not.toBeNull();
    expect(await readSnapshot(database.db, created.id)).toEqual({ first_name: 'Ann', email: 'a@example.test' });
    expect(await readNameEcho(database.db, created.id)).toEqual({ ...names, after: at(1), until: at(3) });

    // The same names echoed again widen the window; fields not given stay as they were.
    const updated = await saveLinkState(
      database.db,
      key,
      { writtenHash: 'h2', remoteVersion: at(5) },
      { first_name: 'Ann', email: 'b@example.test' },
      { ...names, after: at(3), until: at(5) },
    );
    expect(updated.id).toBe(created.id);
    expect(updated).toMatchObject({ status: 'synced', writtenHash: 'h2', remoteVersion: at(5) });
    expect(await readNameEcho(database.db, created.id)).toEqual({ ...names, after: at(1), until: at(5) });

    // undefined leaves the echo in place; null forgets it (as writeSnapshot).
    await saveLinkState(database.db, key, {}, { first_name: 'Ann' });
    expect(await readNameEcho(database.db, created.id)).toEqual({ ...names, after: at(1), until: at(5) });
    await saveLinkState(database.db, key, {}, { first_name: 'Ann' }, null);
    expect(await readNameEcho(database.db, created.id)).toBeNull();

    const found = await linkedOf(practiceId, connectionId, localId);
    expect(found?.link).toEqual(await findLink(database.db, practiceId, connectionId, 'patient', { localId }));
    expect(found?.snapshot).toEqual({ first_name: 'Ann' });

    // A link without a merge base yet (written by other paths) is found with a null snapshot.
    await database.db.query('DELETE FROM hint_sync_state WHERE link_id = $1', [created.id]);
    expect((await linkedOf(practiceId, connectionId, localId))?.snapshot).toBeNull();
    await writeSnapshot(database.db, practiceId, created.id, { first_name: 'Bea' });
    expect((await linkedOf(practiceId, connectionId, localId))?.snapshot).toEqual({
      first_name: 'Bea',
    });
  });

  it('writes neither row when the statement fails, and runs inside a caller’s transaction', async () => {
    const { key, practiceId, connectionId, localId } = await setUp('two');
    // A status the links table refuses: the snapshot, in the same statement, is not written either.
    await expect(
      saveLinkState(database.db, key, { status: 'no-such-status' as never }, { first_name: 'Ann' }),
    ).rejects.toThrow();
    expect(await linkedOf(practiceId, connectionId, localId)).toBeUndefined();
    const states = await database.db.query('SELECT 1 FROM hint_sync_state WHERE practice_id = $1', [practiceId]);
    expect(states.rowCount).toBe(0);

    // Rolled back with the caller's transaction (the merge's locked transaction uses saveLinkStateIn).
    await expect(
      inTransaction(database.db, async (tx) => {
        await saveLinkStateIn(tx, key, { status: 'synced' }, { first_name: 'Ann' });
        throw new Error('the merge failed');
      }),
    ).rejects.toThrow('the merge failed');
    expect(await linkedOf(practiceId, connectionId, localId)).toBeUndefined();

    const saved = await inTransaction(database.db, (tx) =>
      saveLinkStateIn(tx, key, { status: 'synced' }, { first_name: 'Ann' }),
    );
    expect(await readSnapshot(database.db, saved.id)).toEqual({ first_name: 'Ann' });
  });

  it('reads the practice state and the practitioner link beside the patient link', async () => {
    const { practiceId, connectionId, localId } = await setUp('three');
    const ctx = { practiceId, actor: 'test', origin: 'api' as const };
    expect(await readPushState(database.db, practiceId, connectionId, localId)).toEqual({
      practiceDisabled: false,
      linked: undefined,
      practitioner: { localId: null, link: undefined },
    });
    // A practitioner not linked to Hint yet, then linked: the link is read only once it exists.
    const doc = await createRecord(database.db, ctx, practitioners, { firstName: 'Di', lastName: 'Doc' });
    await updateRecord(database.db, ctx, patients, localId, { practitionerId: doc.id });
    expect((await readPushState(database.db, practiceId, connectionId, localId)).practitioner).toEqual({
      localId: doc.id,
      link: undefined,
    });
    const pkey = { practiceId, connectionId, entityKind: 'practitioner', localId: String(doc.id), remoteId: 'pro-1' };
    await upsertLink(database.db, pkey, { status: 'synced' });
    expect((await readPushState(database.db, practiceId, connectionId, localId)).practitioner).toEqual({
      localId: doc.id,
      link: { localId: doc.id, remoteId: 'pro-1' },
    });
    // Disabled, or a practice id that is not there: no push goes out.
    await setPracticeDisabled(database.db, practiceId, true);
    expect((await readPushState(database.db, practiceId, connectionId, localId)).practiceDisabled).toBe(true);
    const nowhere = '00000000-0000-4000-8000-000000000000';
    expect((await readPushState(database.db, nowhere, connectionId, localId)).practiceDisabled).toBe(true);
  });
});
