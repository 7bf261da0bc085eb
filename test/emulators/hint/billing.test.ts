import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHint, type Harness } from './support.ts';

describe('Hint emulator: customer invoices, charges and payments', () => {
  let h: Harness;
  let patientId: string;
  beforeAll(async () => {
    h = await startHint({ seed: 10 });
    patientId = (
      await (await h.call('POST', '/api/provider/patients', h.token, { first_name: 'Inv', last_name: 'Oice' })).json()
    ).id;
  });
  afterAll(async () => {
    await h.close();
  });

  const newInvoice = async (extra: Record<string, unknown> = {}) =>
    (await h.call('POST', '/api/provider/customer_invoices', h.token, { patient: { id: patientId }, ...extra })).json();

  it('creates a draft invoice (200) owned by the patient, with the chart deep link', async () => {
    const inv = await newInvoice({ integration_record_id: 'bill-1' });
    expect(inv).toMatchObject({
      status: 'draft',
      total_in_cents: 0,
      due_in_cents: 0,
      integration_record_id: 'bill-1',
      owner: { id: patientId },
      provider_web_link: `https://app.hint.com/patients/${patientId}/charges/${inv.id}`,
    });
    expect(inv.id).toMatch(/^inv-[0-9A-Za-z]{12}$/);
    expect((await h.call('POST', '/api/provider/customer_invoices', h.token, {})).status).toBe(422);
    expect(
      (await h.call('POST', '/api/provider/customer_invoices', h.token, { patient: { id: 'pat-nope' } })).status,
    ).toBe(422);
  });

  it("resolves the caller's integration_record_id; duplicates are 422", async () => {
    const inv = await newInvoice({ integration_record_id: 'bill-alias' });
    expect((await (await h.call('GET', '/api/provider/customer_invoices/bill-alias')).json()).id).toBe(inv.id);
    expect(
      (
        await h.call('POST', '/api/provider/customer_invoices', h.token, {
          patient: { id: patientId },
          integration_record_id: 'bill-alias',
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await h.call(
          'GET',
          '/api/provider/customer_invoices/bill-alias',
          h.creds.partners[1]?.practices[0]?.accessToken,
        )
      ).status,
    ).toBe(404);
  });

  it('adds charges (201), issues, takes payments until paid; balance shows on the patient', async () => {
    const inv = await newInvoice();
    const charge = await h.call('POST', `/api/provider/customer_invoices/${inv.id}/charges`, h.token, {
      name: 'Visit',
      quantity: 2,
      price_in_cents: 2500,
    });
    expect(charge.status).toBe(201);
    expect(await charge.json()).toMatchObject({
      amount_in_cents: 5000,
      quantity: 2,
      price_in_cents: 2500,
      status: 'draft',
    });
    expect(
      (await h.call('POST', `/api/provider/customer_invoices/${inv.id}/payments`, h.token, { amount_in_cents: 100 }))
        .status,
    ).toBe(422);
    const issued = await (await h.call('POST', `/api/provider/customer_invoices/${inv.id}/issue`)).json();
    expect(issued).toMatchObject({ status: 'issued', total_in_cents: 5000, due_in_cents: 5000 });
    expect((await (await h.call('GET', `/api/provider/patients/${patientId}`)).json()).account.past_due_in_cents).toBe(
      5000,
    );
    expect(
      (
        await h.call('POST', `/api/provider/customer_invoices/${inv.id}/charges`, h.token, {
          name: 'X',
          quantity: 1,
          price_in_cents: 1,
        })
      ).status,
    ).toBe(422);
    const part = await h.call('POST', `/api/provider/customer_invoices/${inv.id}/payments`, h.token, {
      amount_in_cents: 2000,
      memo: 'cash',
    });
    expect(part.status).toBe(200);
    expect(await part.json()).toMatchObject({
      amount_in_cents: 2000,
      status: 'paid',
      memo: 'cash',
      id: expect.stringMatching(/^pmt-/),
    });
    expect(
      (
        await h.call('POST', `/api/provider/customer_invoices/${inv.id}/payments`, h.token, {
          amount_in_cents: 999_999,
        })
      ).status,
    ).toBe(422);
    await h.call('POST', `/api/provider/customer_invoices/${inv.id}/payments`, h.token, {});
    const paid = await (await h.call('GET', `/api/provider/customer_invoices/${inv.id}`)).json();
    expect(paid).toMatchObject({ status: 'paid', paid_in_cents: 5000, due_in_cents: 0, payments_count: 2 });
    expect(paid.paid_at).not.toBeNull();
    expect((await (await h.call('GET', `/api/provider/patients/${patientId}`)).json()).account.past_due_in_cents).toBe(
      0,
    );
    const payments = await h.call('GET', `/api/provider/customer_invoices/${inv.id}/payments`);
    expect(payments.headers.get('x-total-count')).toBe('2');
    expect((await h.call('POST', `/api/provider/customer_invoices/${inv.id}/void`)).status).toBe(422);
  });

  it('voids and returns to draft per the status rules; deletes only drafts', async () => {
    const inv = await newInvoice();
    await h.call('POST', `/api/provider/customer_invoices/${inv.id}/charges`, h.token, {
      name: 'Lab',
      quantity: 1,
      price_in_cents: 1500,
    });
    expect((await h.call('POST', `/api/provider/customer_invoices/${inv.id}/return_to_draft`)).status).toBe(422);
    await h.call('POST', `/api/provider/customer_invoices/${inv.id}/issue`);
    expect(
      (await (await h.call('POST', `/api/provider/customer_invoices/${inv.id}/return_to_draft`)).json()).status,
    ).toBe('draft');
    expect((await h.call('POST', `/api/provider/customer_invoices/${inv.id}/issue`)).status).toBe(200);
    expect((await h.call('DELETE', `/api/provider/customer_invoices/${inv.id}`)).status).toBe(422);
    const voided = await (await h.call('POST', `/api/provider/customer_invoices/${inv.id}/void`)).json();
    expect(voided).toMatchObject({ status: 'cancelled', due_in_cents: 0 });
    const draft = await newInvoice();
    expect((await h.call('DELETE', `/api/provider/customer_invoices/${draft.id}`)).status).toBe(204);
    expect((await h.call('GET', `/api/provider/customer_invoices/${draft.id}`)).status).toBe(404);
  });

  it('gives a PDF link valid for 15 minutes, and emails only owners with an address', async () => {
    const inv = await newInvoice();
    await h.call('POST', `/api/provider/customer_invoices/${inv.id}/charges`, h.token, {
      name: 'Visit',
      quantity: 1,
      price_in_cents: 1234,
    });
    const { url } = await (await h.call('POST', `/api/provider/customer_invoices/${inv.id}/pdf`)).json();
    expect(url).toMatch(/\/api\/files\/[0-9A-Za-z]+\?account_token=[0-9A-Za-z]{36}$/);
    const pdf = await fetch(url);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    expect((await fetch(url.replace(/account_token=.*/, 'account_token=wrong'))).status).toBe(404);
    h.clock.advance(16 * 60_000);
    expect((await fetch(url)).status).toBe(404);

    expect((await h.call('POST', `/api/provider/customer_invoices/${inv.id}/send_email`)).status).toBe(422); // still a draft
    await h.call('POST', `/api/provider/customer_invoices/${inv.id}/issue`);
    const noEmail = await h.call('POST', `/api/provider/customer_invoices/${inv.id}/send_email`);
    expect(noEmail.status).toBe(422);
    expect((await noEmail.json()).message).toMatch(/email/);
    await h.call('PATCH', `/api/provider/patients/${patientId}`, h.token, {
      first_name: 'Inv',
      last_name: 'Oice',
      email: 'inv@example.com',
    });
    const sent = await (await h.call('POST', `/api/provider/customer_invoices/${inv.id}/send_email`)).json();
    expect(sent.status).toBe('sent');
    expect(sent.last_sent_at).not.toBeNull();
    expect(sent.due_in_cents).toBe(1234);
  });

  it('lists invoices with count headers, date filters and expand=charges', async () => {
    const res = await h.call('GET', '/api/provider/customer_invoices?limit=100&expand=charges');
    const list = await res.json();
    expect(Number(res.headers.get('x-total-count'))).toBeGreaterThan(0);
    expect(list.every((i: { charges: unknown }) => Array.isArray(i.charges))).toBe(true);
    const plain = await (await h.call('GET', '/api/provider/customer_invoices')).json();
    expect(plain[0].charges).toBeUndefined();
    const future = await h.call('GET', '/api/provider/customer_invoices?updated_at[gt]=2100-01-01');
    expect(future.headers.get('x-total-count')).toBe('0');
  });
});

describe('Hint emulator: plans, companies, memberships, locations, interactions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHint({ seed: 30 });
  });
  afterAll(async () => {
    await h.close();
  });

  it('lists plans and filters them by plan_type', async () => {
    const all = await (await h.call('GET', '/api/provider/plans')).json();
    expect(all.length).toBeGreaterThan(1);
    const company = await (await h.call('GET', '/api/provider/plans?plan_type=company')).json();
    expect(company.length).toBeGreaterThan(0);
    expect(company.every((p: { plan_type: string }) => p.plan_type === 'company')).toBe(true);
  });

  it('links patients to employers through company memberships', async () => {
    const memberships = await (await h.call('GET', '/api/provider/memberships?limit=100')).json();
    const employer = memberships.find((m: any) => m.plan.plan_type === 'company');
    expect(employer).toBeDefined();
    const everyone = await (await h.call('GET', '/api/provider/patients?filter=all&limit=100')).json();
    const patient = everyone.find((p: { id: string }) => p.id === employer.owner.id);
    if (patient.membership_status !== 'inactive' && patient.membership_status !== 'archived') {
      expect(patient.company?.id).toMatch(/^com-/);
      expect(patient.memberships[0].company.id).toBe(patient.company.id);
    }
    expect((await h.call('GET', '/api/provider/memberships/mem-nope')).status).toBe(404);
    const template = await (await h.call('GET', `/api/provider/memberships/new?owner=${employer.owner.id}`)).json();
    expect(template).toMatchObject({
      id: null,
      status: 'pending',
      owner: { id: employer.owner.id },
      plan: { plan_type: 'retail' },
    });
    expect((await h.call('GET', '/api/provider/memberships/new')).status).toBe(422);
  });

  it('bills through membership status set in Hint: unpaid owes the fee, active again settles it', async () => {
    const practiceId = h.creds.practices[0]?.id;
    const harness = (method: string, path: string, body: unknown) =>
      fetch(`${h.url}/_emulator/practices/${practiceId}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<any>);
    const patient = await harness('POST', '/patients', { first_name: 'Late', last_name: 'Payer' });
    const membership = await harness('POST', '/memberships', { patient: { id: patient.id } });
    const balance = async () =>
      (await (await h.call('GET', `/api/provider/patients/${patient.id}`)).json()).account.past_due_in_cents;
    expect(await balance()).toBe(0);
    await harness('PATCH', `/memberships/${membership.id}`, { status: 'unpaid' });
    const owed = await balance();
    expect(owed).toBe(membership.rate_in_cents);
    expect(
      await (await h.call('GET', `/api/provider/patients/${patient.id}`)).json().then((p: any) => p.membership_status),
    ).toBe('unpaid');
    const invoices = await (await h.call('GET', '/api/provider/customer_invoices?limit=100')).json();
    expect(invoices.filter((i: any) => i.owner.id === patient.id && i.status === 'issued')).toHaveLength(1);
    await harness('PATCH', `/memberships/${membership.id}`, { status: 'active' });
    expect(await balance()).toBe(0);
  });

  it('creates, updates and deactivates companies, validating references', async () => {
    const company = await (await h.call('POST', '/api/provider/companies', h.token, { name: 'Acme Corp' })).json();
    expect(company).toMatchObject({ name: 'Acme Corp', status: 'active', id: expect.stringMatching(/^com-/) });
    expect((await h.call('POST', '/api/provider/companies', h.token, { name: '' })).status).toBe(422);
    expect(
      (await h.call('PATCH', `/api/provider/companies/${company.id}`, h.token, { default_plan: { id: 'pln-nope' } }))
        .status,
    ).toBe(422);
    const deactivated = await (await h.call('POST', `/api/provider/companies/${company.id}/deactivate`)).json();
    expect(deactivated.status).toBe('inactive');
  });

  it('creates partner interactions draft → signed, and lists them with filters', async () => {
    const patients = await (await h.call('GET', '/api/provider/patients?limit=2')).json();
    const [a, b] = patients;
    const created = await (
      await h.call('POST', `/api/provider/patients/${a.id}/interactions/partner`, h.token, {
        status: 'draft',
        title: 'Visit note',
        body: 'Hello',
        integration_record_id: 'note-1',
      })
    ).json();
    expect(created).toMatchObject({
      type: 'partner',
      status: 'draft',
      patient_id: a.id,
      integration_sync_status: 'synced',
      integration_record_id: 'note-1',
    });
    expect(created.id).toMatch(/^inter-/);
    const signed = await (
      await h.call('PATCH', `/api/provider/patients/${a.id}/interactions/partner/${created.id}`, h.token, {
        status: 'signed',
      })
    ).json();
    expect(signed.status).toBe('signed');
    expect(
      (
        await h.call('PATCH', `/api/provider/patients/${a.id}/interactions/partner/${created.id}`, h.token, {
          status: 'draft',
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await h.call('PATCH', `/api/provider/patients/${a.id}/interactions/partner/${created.id}`, h.token, {
          status: 'bogus',
        })
      ).status,
    ).toBe(422);
    expect((await h.call('GET', `/api/provider/patients/${b.id}/interactions/partner/${created.id}`)).status).toBe(404);
    expect(
      (await h.call('POST', `/api/provider/patients/${a.id}/interactions/partner`, h.token, { title: 'no status' }))
        .status,
    ).toBe(422);
    await h.call('POST', `/api/provider/patients/${b.id}/interactions/partner`, h.token, {
      status: 'draft',
      title: 'Other',
    });
    const forA = await (await h.call('GET', `/api/provider/interactions?patient_id[]=${a.id}`)).json();
    expect(forA.map((i: { id: string }) => i.id)).toEqual([created.id]);
    const drafts = await (await h.call('GET', '/api/provider/interactions?status[]=draft')).json();
    expect(drafts.every((i: { status: string }) => i.status === 'draft')).toBe(true);
    expect(drafts).toHaveLength(1);
  });

  it('creates, updates and deletes locations', async () => {
    const loc = await (
      await h.call('POST', '/api/provider/locations', h.token, { name: 'Annex', address_city: 'Oakland' })
    ).json();
    expect(loc).toMatchObject({
      name: 'Annex',
      address_city: 'Oakland',
      virtual: false,
      id: expect.stringMatching(/^loc-/),
    });
    expect(
      (await (await h.call('PATCH', `/api/provider/locations/${loc.id}`, h.token, { virtual: true })).json()).virtual,
    ).toBe(true);
    expect((await h.call('POST', '/api/provider/locations', h.token, {})).status).toBe(422);
    expect((await h.call('DELETE', `/api/provider/locations/${loc.id}`)).status).toBe(204);
  });
});
