// The initial sync's invoice phase, through the API as a practice runs it:
// Hint customer invoices carrying our invoice id are linked and take Hint's payment facts;
// canonical invoices still unlinked are created in Hint; a dry run writes nothing; re-running
// links nothing twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkedTandemPatient, startHintWorld, waitFor, type HintWorld } from './support.ts';

let w: HintWorld;
let connectionId: string;
let patientId: string;
let hintPatientId: string;
beforeAll(async () => {
  w = await startHintWorld();
  connectionId = await w.connect();
  ({ patientId, hintPatientId } = await linkedTandemPatient(w, {
    firstName: 'Ines',
    lastName: 'Moss',
    dob: '1969-09-19',
  }));
});
afterAll(async () => {
  await w?.stop();
});

const db = () => w.hub.database.db;
const lines = [{ description: 'Consult', quantityInt: 1, unitPriceCents: 12000 }];
const getInvoice = async (id: string) => (await w.hub.api('GET', `/api/v1/invoices/${id}`)).body;
const idle = () =>
  waitFor(
    async () =>
      (await db().query(`SELECT count(*)::int AS n FROM inbox WHERE status = 'pending'`)).rows[0].n === 0 &&
      (await db().query('SELECT count(*)::int AS n FROM domain_events WHERE dispatched_at IS NULL')).rows[0].n === 0,
    'webhooks handled',
  );

/** The initial sync as a practice runs it (the API, a batch job); the invoice lines of its report. */
async function run(
  dryRun: boolean,
): Promise<{ aborted: boolean; items: { action: string; local_id: string | null; remote_id: string | null }[] }> {
  const started = await w.hub.api('POST', `/api/v1/hint/connections/${connectionId}/sync`, { dryRun });
  expect(started.status).toBe(202);
  const batch = await waitFor(
    async () => {
      const b = (await w.hub.api('GET', `/api/v1/batches/${started.body.id}`)).body;
      return b.status === 'queued' || b.status === 'running' ? undefined : b;
    },
    'the initial sync',
    60_000,
  );
  const { rows } = await db().query(
    `SELECT action, local_id, remote_id FROM batch_items WHERE batch_id = $1 AND action LIKE 'invoice_%' ORDER BY id`,
    [batch.id],
  );
  return { aborted: batch.status === 'aborted', items: rows };
}

describe('initial sync: invoices', () => {
  let inHintAlready: string;
  let onlyInTandem: string;
  let remoteId: string;

  beforeAll(async () => {
    // While Hint bills, the practice's invoices stay in Tandem; one was also keyed into Hint by hand with our id, and paid there.
    inHintAlready = (await w.hub.api('POST', '/api/v1/invoices', { patientId, status: 'issued', lines })).body.id;
    onlyInTandem = (await w.hub.api('POST', '/api/v1/invoices', { patientId, lines })).body.id;
    const created = await w.hint('POST', '/provider/customer_invoices', {
      integration_record_id: inHintAlready,
      patient: { id: hintPatientId },
    });
    remoteId = created.body.id;
    await w.hint('POST', `/provider/customer_invoices/${remoteId}/charges`, {
      name: 'Consult',
      quantity: 1,
      price_in_cents: 12000,
    });
    await w.hint('POST', `/provider/customer_invoices/${remoteId}/issue`);
    await w.harness('POST', `/practices/${w.hintPracticeId}/customer_invoices/${remoteId}/payments`, {});
    await idle();
    // The connection's first reconciliation runs at the first cron tick; once billing is the
    // practice's it would link the invoice itself. Run it now, so the next is minutes away.
    expect((await w.hub.api('POST', `/api/v1/hint/connections/${connectionId}/reconcile`)).status).toBe(202);
    await waitFor(
      async () =>
        (await w.hub.api('GET', `/api/v1/hint/connections/${connectionId}`)).body.health?.reconcile?.lastRunAt,
      'the first reconciliation',
    );
    expect((await getInvoice(inHintAlready)).links).toEqual([]);
  });

  it('does nothing while Hint bills', async () => {
    expect(await run(false)).toEqual({ aborted: false, items: [] });
  });

  it('reports in a dry run what it would link and create, writing nothing', async () => {
    await w.hub.api('PATCH', `/api/v1/hint/connections/${connectionId}/settings`, { billing: 'practice' });
    const { items } = await run(true);
    expect(items).toEqual(
      expect.arrayContaining([
        { action: 'invoice_link', local_id: inHintAlready, remote_id: remoteId },
        { action: 'invoice_create_remote', local_id: onlyInTandem, remote_id: null },
      ]),
    );
    expect((await db().query(`SELECT count(*)::int AS n FROM links WHERE entity_kind = 'invoice'`)).rows[0].n).toBe(0);
  });

  it("links by integration_record_id, takes Hint's payment, creates the rest in Hint; re-running links nothing twice", async () => {
    const first = await run(false);
    expect(first.items).toEqual(
      expect.arrayContaining([
        { action: 'invoice_link', local_id: inHintAlready, remote_id: remoteId },
        expect.objectContaining({ action: 'invoice_create_remote', local_id: onlyInTandem }),
      ]),
    );
    expect(await getInvoice(inHintAlready)).toMatchObject({
      status: 'paid',
      paidCents: 12000,
      dueCents: 0,
      links: [expect.objectContaining({ remoteId })],
    });
    const created = (await getInvoice(onlyInTandem)).links[0];
    const remote = (await w.hint('GET', `/provider/customer_invoices/${created.remoteId}?expand=charges`)).body;
    expect(remote).toMatchObject({
      integration_record_id: onlyInTandem,
      status: 'draft',
      charges: [expect.objectContaining({ name: 'Consult', price_in_cents: 12000 })],
    });
    const again = await run(false);
    expect(again.items.map((i) => i.action).sort()).toEqual(['invoice_already_linked', 'invoice_already_linked']);
    const ours = ((await w.hint('GET', '/provider/customer_invoices?limit=100')).body as any[]).filter(
      (i) => i.integration_record_id === onlyInTandem,
    );
    expect(ours).toHaveLength(1);
  });
});
