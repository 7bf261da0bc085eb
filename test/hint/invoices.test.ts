// Canonical invoices through the REST API, and, when the practice's system bills (billing:
// 'practice'), as Hint customer invoices: created with integration_record_id and charges,
// issued, paid in Hint and flowing back, with no echo writes.
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
    firstName: 'Cora',
    lastName: 'Lind',
    dob: '1975-05-05',
  }));
});
afterAll(async () => {
  await w?.stop();
});

const db = () => w.hub.database.db;
const invoiceCount = async () => (await db().query('SELECT count(*)::int AS n FROM invoices')).rows[0].n;
const getInvoice = async (id: string) => (await w.hub.api('GET', `/api/v1/invoices/${id}`)).body;
const lines = [
  { description: 'Office visit', quantityInt: 1, unitPriceCents: 15000, date: '2030-03-01' },
  { description: 'Lab draw', quantityInt: 2, unitPriceCents: 2500 },
];
const settings = (patch: object) => w.hub.api('PATCH', `/api/v1/hint/connections/${connectionId}/settings`, patch);
/** Every webhook handled and no Hint job waiting: the system is at rest. */
const settled = () =>
  waitFor(async () => {
    const inbox = (await db().query(`SELECT count(*)::int AS n FROM inbox WHERE status = 'pending'`)).rows[0].n;
    const jobs = (
      await db().query(
        `SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier LIKE 'hint:%' AND task_identifier <> 'hint:reconcile' AND attempts < max_attempts`,
      )
    ).rows[0].n;
    const outbox = (await db().query('SELECT count(*)::int AS n FROM domain_events WHERE dispatched_at IS NULL'))
      .rows[0].n;
    return inbox === 0 && jobs === 0 && outbox === 0;
  }, 'the system at rest');

describe('canonical invoices over the REST API', () => {
  it('creates an invoice with totals derived from its lines, and filters by patient, status and updatedSince', async () => {
    const before = new Date(Date.now() - 60_000).toISOString();
    const res = await w.hub.api('POST', '/api/v1/invoices', { patientId, number: 'A-1', currency: 'USD', lines });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      patientId,
      number: 'A-1',
      status: 'draft',
      currency: 'USD',
      totalCents: 20000,
      paidCents: 0,
      dueCents: 20000,
      paidAt: null,
      version: 1,
      links: [],
    });
    const patched = await w.hub.api('PATCH', `/api/v1/invoices/${res.body.id}`, {
      lines: [lines[0]],
      issuedOn: '2030-03-02',
    });
    expect(patched.body).toMatchObject({ totalCents: 15000, dueCents: 15000, issuedOn: '2030-03-02', version: 2 });
    const list = await w.hub.api(
      'GET',
      `/api/v1/invoices?patientId=${patientId}&status=draft&updatedSince=${encodeURIComponent(before)}`,
    );
    expect(list.body.data.map((i: any) => i.id)).toContain(res.body.id);
    expect((await w.hub.api('GET', `/api/v1/invoices?status=paid`)).body.data.map((i: any) => i.id)).not.toContain(
      res.body.id,
    );
    expect((await w.hub.api('GET', '/api/v1/invoices?status=owing')).status).toBe(422);
  });

  it('refuses bad input naming each field, and writes nothing', async () => {
    const n = await invoiceCount();
    const bad = await w.hub.api('POST', '/api/v1/invoices', {
      patientId,
      currency: 'usd',
      status: 'sent',
      lines: [{ description: 'x', quantityInt: 1.5, unitPriceCents: 100 }],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.details.map((d: any) => d.field).sort()).toEqual(['currency', 'lines.0.quantityInt', 'status']);
    const emptyIssued = await w.hub.api('POST', '/api/v1/invoices', { patientId, status: 'issued', lines: [] });
    expect(emptyIssued.status).toBe(422);
    expect(emptyIssued.body.details).toEqual([
      { field: 'lines', message: 'must not be empty when the invoice is issued' },
    ]);
    const missing = await w.hub.api('POST', '/api/v1/invoices', { lines });
    expect(missing.body.details).toEqual([expect.objectContaining({ field: 'patientId' })]);
    const refs = await w.hub.api('POST', '/api/v1/invoices', {
      patientId: '00000000-0000-4000-8000-000000000000',
      lines: [lines[1], { ...lines[0], practitionerId: '00000000-0000-4000-8000-000000000001' }],
    });
    expect(refs.status).toBe(422);
    expect(refs.body.details.map((d: any) => d.field).sort()).toEqual(['lines.1.practitionerId', 'patientId']);
    const overpaid = await w.hub.api('POST', '/api/v1/invoices', { patientId, lines, paidCents: 20001 });
    expect(overpaid.body.details).toEqual([expect.objectContaining({ field: 'paidCents' })]);
    const malformed = await w.hub.api('POST', '/api/v1/invoices', '{"patientId": ', {
      'content-type': 'application/json',
    });
    expect(malformed.status).toBe(400);
    const duplicate = await w.hub.api('POST', '/api/v1/invoices', { patientId, number: 'A-1', lines });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.details).toEqual([{ field: 'number', message: 'must be unique in this practice' }]);
    expect(await invoiceCount()).toBe(n);
  });

  it("keeps another practice's invoices invisible", async () => {
    const other = await w.hub.newPractice('Other');
    const id = (await w.hub.api('GET', `/api/v1/invoices?patientId=${patientId}`)).body.data[0].id;
    expect((await w.hub.api('GET', `/api/v1/invoices/${id}`, undefined, {}, other.token)).status).toBe(404);
    expect((await w.hub.api('GET', '/api/v1/invoices', undefined, {}, other.token)).body.data).toEqual([]);
  });
});

describe('invoices billed through Tandem as Hint customer invoices', () => {
  it('leaves invoices out of Hint while Hint bills (the default)', async () => {
    const res = await w.hub.api('POST', '/api/v1/invoices', { patientId, lines });
    await settled();
    expect((await getInvoice(res.body.id)).links).toEqual([]);
    const inHint = (await w.hint('GET', `/provider/customer_invoices/${res.body.id}`)).status;
    expect(inHint).toBe(404);
  });

  it('validates the billing setting', async () => {
    expect((await w.hub.api('GET', `/api/v1/hint/connections/${connectionId}/settings`)).body.billing).toBe('hint');
    const bad = await settings({ billing: 'clinic' });
    expect(bad.status).toBe(422);
    expect(bad.body.details[0].field).toBe('billing');
    expect((await settings({ billing: 'practice' })).body.billing).toBe('practice');
  });

  it('creates the invoice in Hint with our id and its lines as charges, issues it, and takes a payment made in Hint', async () => {
    const res = await w.hub.api('POST', '/api/v1/invoices', {
      patientId,
      number: 'P-7',
      status: 'issued',
      issuedOn: '2030-03-01',
      lines,
    });
    const id = res.body.id;
    const link = await waitFor(async () => {
      const l = (await getInvoice(id)).links[0];
      return l?.status === 'synced' ? l : undefined;
    }, 'invoice synced');
    expect(link).toMatchObject({ system: 'hint', connectionId, errorMessage: null });
    const remote = (await w.hint('GET', `/provider/customer_invoices/${link.remoteId}?expand=charges`)).body;
    expect(remote).toMatchObject({
      integration_record_id: id,
      status: 'issued',
      total_in_cents: 20000,
      owner: { id: hintPatientId },
    });
    expect(remote.charges.map((c: any) => [c.name, c.quantity, c.price_in_cents])).toEqual([
      ['Office visit', 1, 15000],
      ['Lab draw', 2, 2500],
    ]);
    // Hint's invoice bodies have no date: the issue date travels on every charge without its own.
    expect(remote.charges.map((c: any) => c.service_date)).toEqual(['2030-03-01', '2030-03-01']);
    await settled();
    expect(await getInvoice(id)).toMatchObject({ status: 'issued', version: 1 });

    await w.harness('POST', `/practices/${w.hintPracticeId}/customer_invoices/${link.remoteId}/payments`, {
      amount_in_cents: 5000,
    });
    await waitFor(async () => (await getInvoice(id)).paidCents === 5000, 'part payment in Tandem');
    expect(await getInvoice(id)).toMatchObject({ status: 'issued', dueCents: 15000 });
    await w.harness('POST', `/practices/${w.hintPracticeId}/customer_invoices/${link.remoteId}/payments`, {});
    const paid = await waitFor(async () => {
      const i = await getInvoice(id);
      return i.status === 'paid' ? i : undefined;
    }, 'paid in Tandem');
    expect(paid).toMatchObject({ paidCents: 20000, dueCents: 0 });
    expect(paid.paidAt).toBeTruthy();

    // No echo: two writes came from Hint, none went back (Hint holds the invoice as it was paid).
    await settled();
    const events = (
      await db().query(`SELECT origin FROM domain_events WHERE entity_id = $1 ORDER BY id`, [id])
    ).rows.map((r) => r.origin);
    expect(events).toEqual(['api', `connection:${connectionId}`, `connection:${connectionId}`]);
    const after = (await w.hint('GET', `/provider/customer_invoices/${link.remoteId}?expand=charges`)).body;
    expect(after).toMatchObject({ status: 'paid', paid_in_cents: 20000, updated_at: expect.any(String) });
    expect(after.charges).toHaveLength(2);
  });

  it('replaces the charges of a draft edited in Tandem, and voids it in Hint when voided', async () => {
    const res = await w.hub.api('POST', '/api/v1/invoices', { patientId, lines: [lines[1]] });
    const id = res.body.id;
    const link = await waitFor(async () => {
      const l = (await getInvoice(id)).links[0];
      return l?.status === 'synced' ? l : undefined;
    }, 'invoice synced');
    await w.hub.api('PATCH', `/api/v1/invoices/${id}`, {
      lines: [{ description: 'Annual physical', quantityInt: 1, unitPriceCents: 30000 }],
    });
    const remote = await waitFor(async () => {
      const r = (await w.hint('GET', `/provider/customer_invoices/${link.remoteId}?expand=charges`)).body;
      return r.charges.length === 1 && r.charges[0].name === 'Annual physical' ? r : undefined;
    }, 'charges replaced');
    expect(remote).toMatchObject({ status: 'draft', total_in_cents: 30000 });
    await w.hub.api('PATCH', `/api/v1/invoices/${id}`, { status: 'void' });
    await waitFor(
      async () => (await w.hint('GET', `/provider/customer_invoices/${link.remoteId}`)).body.status === 'cancelled',
      'voided in Hint',
    );
    await settled();
    expect(await getInvoice(id)).toMatchObject({ status: 'void', dueCents: 0 });
  });

  it('shows an errored link, with a reason and no patient detail, for an invoice whose patient is not in Hint', async () => {
    await settings({ createInHint: false });
    const patient = await w.hub.api('POST', '/api/v1/patients', { firstName: 'Olga', lastName: 'Nemo' });
    const res = await w.hub.api('POST', '/api/v1/invoices', { patientId: patient.body.id, lines });
    const link = await waitFor(async () => (await getInvoice(res.body.id)).links[0], 'an errored link');
    expect(link).toMatchObject({
      status: 'errored',
      remoteId: null,
      errorMessage: "the invoice's patient is not linked to Hint",
    });
    const logs = (await db().query(`SELECT message FROM log_entries WHERE entity_id = $1`, [res.body.id])).rows
      .map((r) => r.message)
      .join(' ');
    expect(logs).toContain('not linked to Hint');
    expect(logs).not.toMatch(/Olga|Nemo/);
    await settings({ createInHint: true });
  });
});
