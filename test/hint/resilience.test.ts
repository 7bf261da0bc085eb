import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConnection } from '../../src/connectors/hint/connection.ts';
import { overwrittenByEcho, replayOverwrittenRename } from '../../src/connectors/hint/name-echo.ts';
import type { HintPatient } from '../../src/connectors/hint/schemas.ts';
import { readNameEcho, readSnapshot, writeSnapshot } from '../../src/connectors/hint/store.ts';
import { findLink } from '../../src/db/links.ts';
import { setPracticeDisabled } from '../../src/db/practices.ts';
import { signWebhookBody } from '../../src/emulators/hint/index.ts';
import { startHintWorld, tandemPatientOf, waitFor, worldDeps, type HintWorld } from './support.ts';

let w: HintWorld;
let connectionId: string;
beforeAll(async () => {
  w = await startHintWorld();
  connectionId = await w.connect();
});
afterAll(async () => {
  await w?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hintPatient = async (id: string) => (await w.hint('GET', `/provider/patients/${id}`)).body;
const tandem = async (id: string) => (await w.hub.api('GET', `/api/v1/patients/${id}`)).body;
const editInHint = (id: string, body: unknown) =>
  w.harness('PATCH', `/practices/${w.hintPracticeId}/patients/${id}`, body);

async function linkedPair(firstName: string): Promise<{ id: string; hintId: string }> {
  const res = await w.hub.api('POST', '/api/v1/patients', {
    firstName,
    lastName: 'Storm',
    dob: '1988-08-08',
    email: `${firstName.toLowerCase()}@example.com`,
  });
  const link = await waitFor(async () => (await tandem(res.body.id)).links[0], 'a Hint link');
  return { id: res.body.id, hintId: link.remoteId };
}

/** Both sides agree on the mapped fields, and stay put (no ping-pong). */
async function expectConvergedAndQuiet(pair: { id: string; hintId: string }) {
  const agree = async () => {
    const [t, h] = [await tandem(pair.id), await hintPatient(pair.hintId)];
    return t.firstName === h.first_name &&
      t.lastName === h.last_name &&
      t.email === h.email &&
      (t.address?.city ?? null) === h.address_city
      ? { t, h }
      : undefined;
  };
  await waitFor(agree, 'both sides to agree', 30_000);
  await sleep(1500);
  const settled = (await agree())!;
  await sleep(2500);
  const later = (await agree())!;
  expect(later.t.version).toBe(settled.t.version);
  expect(later.h.updated_at).toBe(settled.h.updated_at);
  return later;
}

describe('Hint sync under stress', () => {
  it('converges after an edit storm from both sides, with no echo writes', async () => {
    const pairs = await Promise.all(['Ana', 'Ben', 'Cal'].map(linkedPair));
    for (let round = 0; round < 6; round++) {
      await Promise.all(
        pairs.flatMap((pair) => [
          w.hub.api('PATCH', `/api/v1/patients/${pair.id}`, {
            email: `t${round}.${pair.id.slice(0, 4)}@example.com`,
            address: { city: `Tandem${round}` },
          }),
          editInHint(pair.hintId, {
            last_name: `Hint${round}`,
            ...(round % 2 ? { address_city: `Hint${round}` } : {}),
          }),
        ]),
      );
    }
    for (const pair of pairs) {
      const { t } = await expectConvergedAndQuiet(pair);
      expect(t.lastName).toBe('Hint5');
      expect(t.email).toBe(`t5.${pair.id.slice(0, 4)}@example.com`);
    }
  });

  it('a rename one write overwrote stays recognised through the next writes of other fields', async () => {
    // Each write of other fields sends the names Hint held when read just before it (Hint's PATCH
    // needs them). A rename made between that read and the write is overwritten, and its webhook,
    // older than the write, is recognised by the echo the write left. The next write must not
    // forget it: in an edit storm the webhook often comes after it (Hint4 where Hint5 belonged).
    const pair = await linkedPair('Echo');
    await expectConvergedAndQuiet(pair);
    const { db } = w.hub.database;
    const linkId = (await db.query(`SELECT id FROM links WHERE local_id = $1`, [pair.id])).rows[0].id as string;
    const base = (await readSnapshot(db, linkId))!;
    const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
    const names = { first_name: 'Echo', last_name: 'Storm' };
    await writeSnapshot(db, w.hub.practiceId, linkId, base, { ...names, after: at(1), until: at(3) });
    await writeSnapshot(db, w.hub.practiceId, linkId, base, { ...names, after: at(3), until: at(5) });
    const widened = await readNameEcho(db, linkId);
    expect(widened).toEqual({ ...names, after: at(1), until: at(5) });
    const renamedAt2 = { ...(await hintPatient(pair.hintId)), last_name: 'Renamed', updated_at: at(2) } as HintPatient;
    expect(overwrittenByEcho(widened, renamedAt2)).toBe(true);
    // A write that echoes other names (Hint was renamed, and Tandem knew it) starts a new window;
    // one that writes names of its own leaves no echo.
    const other = { first_name: 'Echo', last_name: 'Renamed' };
    await writeSnapshot(db, w.hub.practiceId, linkId, base, { ...other, after: at(6), until: at(7) });
    expect(await readNameEcho(db, linkId)).toEqual({ ...other, after: at(6), until: at(7) });
    await writeSnapshot(db, w.hub.practiceId, linkId, base, null);
    expect(await readNameEcho(db, linkId)).toBeNull();

    // Two renames inside one write's window, their webhooks in order: both are replayed, the later last.
    const deps = await worldDeps(w);
    const loaded = await loadConnection(deps, w.hub.practiceId, connectionId);
    const link = (await findLink(db, w.hub.practiceId, connectionId, 'patient', { localId: pair.id }))!;
    await writeSnapshot(db, w.hub.practiceId, linkId, base, { ...names, after: at(1), until: at(9) });
    const renamed = (lastName: string, second: number) =>
      ({ ...renamedAt2, last_name: lastName, updated_at: at(second) }) as HintPatient;
    expect(await replayOverwrittenRename(deps, loaded, link, renamed('Renamed1', 2))).toMatchObject({
      last_name: 'Renamed1',
    });
    expect(await replayOverwrittenRename(deps, loaded, link, renamed('Renamed2', 3))).toMatchObject({
      last_name: 'Renamed2',
    });
    expect((await hintPatient(pair.hintId)).last_name).toBe('Renamed2');
    // An older rename than the one replayed is not brought back.
    expect(await replayOverwrittenRename(deps, loaded, link, renamed('Renamed0', 1))).toBeUndefined();
    await waitFor(async () => (await tandem(pair.id)).lastName === 'Renamed2', "Tandem takes Hint's name");
  });

  it('ends in the same state when events arrive out of order or twice', async () => {
    const pair = await linkedPair('Olga');
    await editInHint(pair.hintId, { last_name: 'Second' });
    await waitFor(async () => (await tandem(pair.id)).lastName === 'Second', 'the edit');
    const current = await hintPatient(pair.hintId);
    const older = {
      ...current,
      last_name: 'First',
      updated_at: new Date(Date.parse(current.updated_at) - 60_000).toISOString(),
    };
    const send = async (id: string, object: unknown) => {
      const body = JSON.stringify({
        id,
        type: 'patient.updated',
        practice_id: w.hintPracticeId,
        created_at: new Date().toISOString(),
        object,
      });
      return fetch(`${w.hub.url}/webhooks/hint`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hint-signature': signWebhookBody(w.creds.webhookSecret, body),
        },
        body,
      });
    };
    expect((await send('evt-late0000001', older)).status).toBe(200);
    expect((await send('evt-late0000001', older)).status).toBe(200);
    await waitFor(
      async () =>
        (await w.hub.database.db.query(`SELECT status FROM inbox WHERE source_event_id = 'evt-late0000001'`)).rows[0]
          ?.status !== 'pending',
      'the late event processed',
    );
    const after = await tandem(pair.id);
    expect(after.lastName).toBe('Second');
    expect((await hintPatient(pair.hintId)).last_name).toBe('Second');
  });

  it('loses nothing through a Hint outage: writes are retried until Hint answers again', async () => {
    await w.harness('POST', '/faults', { status: 503, rate: 1, path: '/api/provider/patients' });
    const res = await w.hub.api('POST', '/api/v1/patients', {
      firstName: 'Outage',
      lastName: 'Survivor',
      dob: '1960-06-06',
    });
    const hintSide = await w.harness('POST', `/practices/${w.hintPracticeId}/patients`, {
      first_name: 'During',
      last_name: 'Outage',
      dob: '1961-01-01',
    });
    await sleep(2500);
    await fetch(`${w.emulator.url}/_emulator/faults`, { method: 'DELETE' });
    const link = await waitFor(
      async () => (await tandem(res.body.id)).links[0],
      'the patient created in Hint after the outage',
      60_000,
    );
    expect((await hintPatient(link.remoteId)).integration_record_id).toBe(res.body.id);
    const arrived = await waitFor(() => tandemPatientOf(w, hintSide.id), 'the Hint patient in Tandem', 60_000);
    await waitFor(
      async () => (await hintPatient(hintSide.id)).integration_record_id === arrived.id,
      'our id written back',
      60_000,
    );
    const dupes = await w.hub.database.db.query(
      `SELECT count(*)::int AS n FROM patients WHERE first_name IN ('Outage', 'During')`,
    );
    expect(dupes.rows[0].n).toBe(2);
  }, 150_000); // retries back off exponentially (e^attempt s): on a loaded machine a third attempt lands past 30 s

  it('writes our ids back on a later attempt when Hint refused the first write-back', async () => {
    // Every PATCH fails for a while: more than the client's own retries, so the job fails and
    // graphile-worker retries it; by then the patient and link exist in Tandem already.
    await w.harness('POST', '/faults', { status: 503, count: 6, method: 'PATCH', path: '/api/provider/patients/' });
    const created = await w.harness('POST', `/practices/${w.hintPracticeId}/patients`, {
      first_name: 'Refused',
      last_name: 'Writeback',
      dob: '1962-02-02',
    });
    const arrived = await waitFor(() => tandemPatientOf(w, created.id), 'the Hint patient in Tandem', 60_000);
    await waitFor(
      async () => (await hintPatient(created.id)).integration_record_id === arrived.id,
      'our id written back on a retry',
      60_000,
    );
    expect((await hintPatient(created.id)).integration_web_link).toContain(arrived.id);
  }, 150_000);

  it('catches by reconciliation what webhooks missed', async () => {
    const endpoints = (await w.hint('GET', '/integrations', undefined, w.creds.partnerApiKey)).body;
    const integration = endpoints.find((i: any) => i.practice.id === w.hintPracticeId);
    const hooks = (
      await w.hint('GET', `/integrations/${integration.id}/webhook_endpoints`, undefined, w.creds.partnerApiKey)
    ).body;
    for (const h of hooks)
      await w.hint(
        'DELETE',
        `/integrations/${integration.id}/webhook_endpoints/${h.id}`,
        undefined,
        w.creds.partnerApiKey,
      );
    try {
      const pair = await linkedPair('Rita');
      const missed = await w.harness('POST', `/practices/${w.hintPracticeId}/patients`, {
        first_name: 'Missed',
        last_name: 'Webhook',
        dob: '1975-05-05',
      });
      await editInHint(pair.hintId, { last_name: 'Reconciled' });
      // (The one-minute sweep may get there first; either way the change arrives without a webhook.)
      expect((await w.hub.api('POST', `/api/v1/hint/connections/${connectionId}/reconcile`)).status).toBe(202);
      await waitFor(async () => (await tandem(pair.id)).lastName === 'Reconciled', 'the missed edit');
      await waitFor(() => tandemPatientOf(w, missed.id), 'the missed patient');
      // The run records itself once its last walk (memberships, invoices) is done.
      await waitFor(
        async () =>
          (await w.hub.api('GET', `/api/v1/hint/connections/${connectionId}`)).body.health?.reconcile?.lastRunAt,
        'the run recorded',
      );
      expect(
        await w.hub.database.db
          .query(`SELECT count(*)::int AS n FROM inbox WHERE payload->'object'->>'id' = $1`, [missed.id])
          .then((r) => r.rows[0].n),
      ).toBe(0);
    } finally {
      await w.hint(
        'POST',
        `/integrations/${integration.id}/webhook_endpoints`,
        { webhook_url: `${w.hub.url}/webhooks/hint` },
        w.creds.partnerApiKey,
      );
    }
  });
});

describe('what staff see', () => {
  it('refreshes the balance when an invoice is issued in Hint', async () => {
    const created = await w.harness('POST', `/practices/${w.hintPracticeId}/patients`, {
      first_name: 'Bill',
      last_name: 'Payer',
      dob: '1970-02-02',
    });
    await waitFor(() => tandemPatientOf(w, created.id), 'the patient in Tandem');
    const token = w.creds.practices[0]!.accessToken!;
    const invoice = (await w.hint('POST', '/provider/customer_invoices', { patient: { id: created.id } }, token)).body;
    await w.hint(
      'POST',
      `/provider/customer_invoices/${invoice.id}/charges`,
      { quantity: 1, price_in_cents: 12_500, name: 'Visit' },
      token,
    );
    await w.hint('POST', `/provider/customer_invoices/${invoice.id}/issue`, {}, token);
    const seen = await waitFor(async () => {
      const p = await tandemPatientOf(w, created.id);
      return p?.hint?.balanceCents > 0 ? p : undefined;
    }, 'the balance in Tandem');
    expect(seen.hint).toMatchObject({ balanceCents: 12_500, webLink: `https://app.hint.com/patients/${created.id}` });
  });
});

describe("Hint's log of failed webhook deliveries", () => {
  it('shows on the connection health (GET /partner/webhook_requests) when Tandem cannot be reached', async () => {
    // A hub whose public URL points nowhere: Hint's deliveries fail; reconciliation reads Hint's log.
    const lost = await startHintWorld({ env: { TANDEM_PUBLIC_URL: 'http://127.0.0.1:9' } });
    try {
      const id = await lost.connect();
      await lost.harness('POST', `/practices/${lost.hintPracticeId}/patients`, {
        first_name: 'Unheard',
        last_name: 'Delivery',
        dob: '1970-01-02',
      });
      const health = await waitFor(
        async () => {
          expect((await lost.hub.api('POST', `/api/v1/hint/connections/${id}/reconcile`)).status).toBe(202);
          await sleep(500);
          const h = (await lost.hub.api('GET', `/api/v1/hint/connections/${id}`)).body.health;
          const d = h?.webhookDeliveries;
          return d && d.failed + d.retrying > 0 ? h : undefined;
        },
        'failed deliveries in health',
        60_000,
      );
      expect(health.webhookDeliveries.unreadable).toBeUndefined();
      expect(health.webhookDeliveries.lastFailureAt).toEqual(expect.any(String));
      expect(JSON.stringify(health)).not.toContain('Unheard');
    } finally {
      await lost.stop();
    }
  }, 120_000);
});

describe('a disabled practice', () => {
  it('stops its Hint sync (a change in Hint is not taken in) and resumes when the practice is enabled', async () => {
    const own = await startHintWorld();
    try {
      const id = await own.connect();
      await waitFor(
        async () =>
          (
            await own.hub.database.db.query(
              `SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier LIKE 'hint:%' AND task_identifier <> 'hint:reconcile'`,
            )
          ).rows[0].n === 0,
        'the initial sync done',
        60_000,
      );
      const {
        rows: [{ practice_id: practiceId }],
      } = await own.hub.database.db.query('SELECT practice_id FROM connections WHERE id = $1', [id]);
      expect(await setPracticeDisabled(own.hub.database.db, practiceId, true)).toBe(true);
      const created = await own.harness('POST', `/practices/${own.hintPracticeId}/patients`, {
        first_name: 'Paused',
        last_name: 'Practice',
        dob: '1971-03-04',
      });
      await sleep(5000);
      const count = async () =>
        (
          await own.hub.database.db.query(
            `SELECT count(*)::int AS n FROM links WHERE connection_id = $1 AND remote_id = $2`,
            [id, created.id],
          )
        ).rows[0].n as number;
      expect(await count()).toBe(0);
      await setPracticeDisabled(own.hub.database.db, practiceId, false);
      // The webhook waited in the inbox; the minute sweep wakes its drainer once the practice is enabled.
      await waitFor(async () => (await count()) === 1, 'the change taken in after enable', 90_000);
    } finally {
      await own.stop();
    }
  }, 150_000);
});
