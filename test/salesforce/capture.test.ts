// Change capture (go-live scenario 19 and the polling fallback): a restart of Tandem resumes
// CDC from the stored replay id — the changes made while it was down arrive, none twice — and
// an org without CDC for Contact is polled with Get Updated / Get Deleted.
import { afterAll, describe, expect, it } from 'vitest';
import { startTandem, type RunningTandem } from '../../src/main.ts';
import { startSfWorld, waitFor, type SfWorld } from './support.ts';

const worlds: SfWorld[] = [];
const extra: RunningTandem[] = [];
afterAll(async () => {
  for (const t of extra) await t.stop().catch(() => {});
  for (const w of worlds) await w.stop().catch(() => {});
});

async function linkedPair(w: SfWorld, email: string) {
  const p = await w.hub.api('POST', '/api/v1/patients', {
    firstName: 'Rua',
    lastName: 'Tane',
    dob: '1970-05-05',
    email,
  });
  const c = await w.harness('POST', '/ui/Contact', {
    fields: { FirstName: 'Rua', LastName: 'Tane', Birthdate: '1970-05-05' },
  });
  const linked = await w.hub.api('POST', `/api/v1/salesforce/contacts/${c.body.Id}/link`, { patientId: p.body.id });
  expect(linked.status).toBe(200);
  return { patientId: p.body.id as string, contactId: c.body.Id as string };
}
const row = async (w: SfWorld, id: string) =>
  (await w.hub.database.db.query('SELECT email, phones, version FROM patients WHERE id = $1', [id])).rows[0];

describe('change capture', () => {
  it('sf scenario 19: a restart resumes CDC from the stored replay id — nothing missed, nothing applied twice', async () => {
    const w = await startSfWorld();
    worlds.push(w);
    const connectionId = await w.connectJwt();
    const { patientId, contactId } = await linkedPair(w, 'rua@one.example.com');
    await w.harness('PATCH', `/ui/Contact/${contactId}`, { fields: { Email: 'rua@two.example.com' } });
    await waitFor(async () => (await row(w, patientId)).email === 'rua@two.example.com', 'the first edit');
    const before = await row(w, patientId);

    // Tandem stops; two edits happen in Salesforce meanwhile.
    await w.hub.tandem.stop();
    await w.harness('PATCH', `/ui/Contact/${contactId}`, { fields: { Email: 'rua@three.example.com' } });
    await w.harness('PATCH', `/ui/Contact/${contactId}`, { fields: { HomePhone: '+61 2 9999 0000' } });
    const events = (await w.harness('GET', '/events?channel=/data/ContactChangeEvent')).body;
    const lastReplay = Math.max(...(events.events ?? events).map((e: any) => e.event?.replayId ?? e.replayId));

    const restarted = await startTandem(w.hub.tandem.config);
    extra.push(restarted);
    await waitFor(async () => {
      const r = await row(w, patientId);
      return r.email === 'rua@three.example.com' && JSON.stringify(r.phones).includes('+61299990000');
    }, 'the edits made while Tandem was down');
    const { rows } = await w.hub.database.db.query(
      'SELECT replay_id FROM salesforce_sync_state WHERE connection_id = $1',
      [connectionId],
    );
    await waitFor(async () => {
      const r = await w.hub.database.db.query('SELECT replay_id FROM salesforce_sync_state WHERE connection_id = $1', [
        connectionId,
      ]);
      return Number(r.rows[0].replay_id) === lastReplay;
    }, 'the replay id of the last event stored');
    expect(Number(rows[0].replay_id)).toBeLessThanOrEqual(lastReplay);
    // Two changes, read as one or two writes: never more (no event applied twice).
    await new Promise((r) => setTimeout(r, 1500));
    const after = await row(w, patientId);
    expect(after.version - before.version).toBeGreaterThanOrEqual(1);
    expect(after.version - before.version).toBeLessThanOrEqual(2);
    await restarted.stop();
    extra.pop();
    // The first composition is stopped already; the world only has its database and emulator left.
    (w.hub as { stop(): Promise<void> }).stop = () => w.hub.database.drop();
  }, 60_000);

  it('an org without CDC for Contact is polled (Get Updated / Get Deleted)', async () => {
    const w = await startSfWorld();
    worlds.push(w);
    await w.harness('PATCH', '/config', { cdc: { Contact: false } });
    const connectionId = await w.connectJwt({ pollEverySeconds: 5 });
    const view = await w.hub.api('GET', `/api/v1/salesforce/connections/${connectionId}`);
    expect(view.body.capture.mode).toBe('polling');
    const { patientId, contactId } = await linkedPair(w, 'rua@poll.example.com');
    await w.harness('PATCH', `/ui/Contact/${contactId}`, { fields: { Email: 'rua@polled.example.com' } });
    // Salesforce covers whole minutes: let the org's clock move past the edit's minute.
    await w.harness('POST', '/clock', { advanceMs: 120_000 });
    await waitFor(async () => (await row(w, patientId)).email === 'rua@polled.example.com', 'the polled edit', 20_000);
    await w.harness('DELETE', `/ui/Contact/${contactId}`);
    await w.harness('POST', '/clock', { advanceMs: 120_000 });
    await waitFor(
      async () => {
        const p = await w.hub.api('GET', `/api/v1/patients/${patientId}`);
        return p.body.links.find((l: any) => l.system === 'salesforce')?.errorMessage?.includes('deleted');
      },
      'the deletion seen by polling',
      20_000,
    );
  }, 60_000);
});
