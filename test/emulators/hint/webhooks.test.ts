import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Receiver, startHint, waitFor, type Harness, request } from './support.ts';

const HOUR = 3_600_000;

describe('Hint emulator: webhooks', () => {
  let h: Harness;
  let rx: Receiver;
  let practiceId: string;
  let endpointId: string;

  const harness = (method: string, path: string, body?: unknown) =>
    request(`${h.url}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const addPatientInHint = async (first = 'Web', last = 'Hook') =>
    (await harness('POST', `/practices/${practiceId}/patients`, { first_name: first, last_name: last })).json();
  const requests = async (query = '') =>
    (await h.call('GET', `/api/partner/webhook_requests?limit=100${query}`, h.creds.partnerApiKey)).json();

  beforeAll(async () => {
    h = await startHint({ seed: 3 });
    practiceId = h.creds.practices[0]?.id ?? '';
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(async () => {
    rx = await new Receiver(h.creds.webhookSecret).start();
    const res = await h.call('POST', '/api/global_webhook_endpoints', h.creds.partnerApiKey, { webhook_url: rx.url });
    endpointId = (await res.json()).id;
  });
  afterEach(async () => {
    await h.call('DELETE', `/api/global_webhook_endpoints/${endpointId}`, h.creds.partnerApiKey);
    await harness('PATCH', '/config', {
      retryScheduleMs: Array.from({ length: 72 }, () => HOUR),
      deliveryTimeoutMs: 10_000,
      selfWebhooks: true,
    });
    await rx.close();
  });

  it('delivers a signed envelope whose object is the GET shape', async () => {
    const patient = await addPatientInHint();
    const [event] = await waitFor(
      () => rx.ofType('patient.created').length > 0 && rx.ofType('patient.created'),
      'patient.created',
    );
    expect(event?.verified).toBe(true);
    expect(event?.headers['x-hint-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(event?.headers['content-type']).toMatch(/application\/json/);
    expect(Object.keys(event?.body).sort()).toEqual(['created_at', 'id', 'object', 'practice_id', 'type']);
    expect(event?.body.id).toMatch(/^evt-[0-9A-Za-z]{12}$/);
    expect(event?.body.practice_id).toBe(practiceId);
    expect(event?.body.created_at).toMatch(/[+-]\d\d:\d\d$/);
    const asGet = await (await h.call('GET', `/api/provider/patients/${patient.id}`)).json();
    expect(event?.body.object).toEqual(asGet);
  });

  it('fires updated, inactive and destroyed for practice-user edits; every attempt is recorded', async () => {
    const patient = await addPatientInHint();
    await harness('PATCH', `/practices/${practiceId}/patients/${patient.id}`, { last_name: 'Edited' });
    await harness('PATCH', `/practices/${practiceId}/patients/${patient.id}`, { archived: true });
    await harness('DELETE', `/practices/${practiceId}/patients/${patient.id}`);
    await waitFor(() => rx.received.filter((r) => r.body.object.id === patient.id).length === 5, 'five events');
    // Deliveries run concurrently (Hint promises no order), so compare as a multiset.
    const types = rx.received
      .filter((r) => r.body.object.id === patient.id)
      .map((r) => r.body.type)
      .sort();
    expect(types).toEqual([
      'patient.created',
      'patient.destroyed',
      'patient.inactive',
      'patient.updated',
      'patient.updated',
    ]);
    expect(rx.received.every((r) => r.verified)).toBe(true);
    const deliveries = await (await harness('GET', `/deliveries?endpoint=${endpointId}`)).json();
    expect(deliveries).toHaveLength(rx.received.length);
    expect(
      deliveries.every(
        (d: { statusCode: number; outcome: string }) => d.statusCode === 200 && d.outcome === 'delivered',
      ),
    ).toBe(true);
    const rows = await requests(`&webhook_endpoint=${endpointId}`);
    expect(rows.every((r: { status: string; attempts: number }) => r.status === 'delivered' && r.attempts === 1)).toBe(
      true,
    );
  });

  it('fires events for API writes too, unless self-webhooks are muted by config', async () => {
    await h.call('POST', '/api/provider/patients', h.token, { first_name: 'Api', last_name: 'Write' });
    await waitFor(() => rx.ofType('patient.created').length === 1, 'API patient.created');
    await harness('PATCH', '/config', { selfWebhooks: false });
    await h.call('POST', '/api/provider/patients', h.token, { first_name: 'Api', last_name: 'Silent' });
    await addPatientInHint('Ui', 'Loud');
    await waitFor(() => rx.ofType('patient.created').length === 2, 'UI patient.created');
    await new Promise((r) => setTimeout(r, 50));
    expect(
      rx
        .ofType('patient.created')
        .map((r) => r.body.object.last_name)
        .sort(),
    ).toEqual(['Loud', 'Write']);
  });

  it('retries non-2xx on the configured schedule (emulated time), then gives up', async () => {
    await harness('PATCH', '/config', { retryScheduleMs: [60_000, 120_000] });
    rx.status = 500;
    await addPatientInHint();
    await waitFor(() => rx.received.length === 1, 'first attempt');
    const [row] = await waitFor(async () => {
      const rows = await requests(`&webhook_endpoint=${endpointId}`);
      return rows[0]?.status === 'retrying' && rows;
    }, 'retrying status');
    expect(row).toMatchObject({ attempts: 1, last_status_code: 500, event_type: 'patient.created' });
    h.clock.advance(59_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(rx.received).toHaveLength(1);
    h.clock.advance(1_000);
    await waitFor(() => rx.received.length === 2, 'second attempt');
    // Advance only once the emulator has seen the failure and scheduled the next retry.
    await waitFor(async () => {
      const [r] = await requests(`&webhook_endpoint=${endpointId}`);
      return r?.status === 'retrying' && r.attempts === 2;
    }, 'second retry scheduled');
    h.clock.advance(120_000);
    await waitFor(() => rx.received.length === 3, 'third attempt');
    const [final] = await waitFor(async () => {
      const rows = await requests(`&webhook_endpoint=${endpointId}`);
      return rows[0]?.status === 'failed' && rows;
    }, 'failed status');
    expect(final.attempts).toBe(3);
    h.clock.advance(10 * HOUR);
    await new Promise((r) => setTimeout(r, 50));
    expect(rx.received).toHaveLength(3);
    // the same event id on every attempt, so receivers can dedupe
    expect(new Set(rx.received.map((r) => r.body.id)).size).toBe(1);
  });

  it('delivers on a later retry once the receiver recovers', async () => {
    rx.status = 503;
    await addPatientInHint();
    await waitFor(() => rx.received.length === 1, 'first attempt');
    rx.status = 200;
    await waitFor(
      async () => (await requests(`&webhook_endpoint=${endpointId}`))[0]?.status === 'retrying',
      'retrying',
    );
    h.clock.advance(HOUR);
    await waitFor(
      async () => (await requests(`&webhook_endpoint=${endpointId}`))[0]?.status === 'delivered',
      'delivered',
    );
  });

  it('treats a slow receiver as failed (timeout) and records the attempt', async () => {
    await harness('PATCH', '/config', { deliveryTimeoutMs: 150 });
    rx.delayMs = 1_000;
    await addPatientInHint();
    const [attempt] = await waitFor(async () => {
      const list = await (await harness('GET', `/deliveries?endpoint=${endpointId}`)).json();
      return list.length > 0 && list;
    }, 'timed-out attempt');
    expect(attempt).toMatchObject({ outcome: 'failed', statusCode: null });
    expect(attempt.error).toMatch(/timeout/);
  });

  it('cancels pending retries when the endpoint is deleted', async () => {
    rx.status = 500;
    await addPatientInHint();
    await waitFor(
      async () => (await requests(`&webhook_endpoint=${endpointId}`))[0]?.status === 'retrying',
      'retrying',
    );
    expect((await h.call('DELETE', `/api/global_webhook_endpoints/${endpointId}`, h.creds.partnerApiKey)).status).toBe(
      204,
    );
    h.clock.advance(5 * HOUR);
    await new Promise((r) => setTimeout(r, 100));
    expect(rx.received).toHaveLength(1);
    const [row] = await requests(`&webhook_endpoint=${endpointId}`);
    expect(row.status).toBe('failed');
  });

  it("sends a practice's events to its integration endpoint, not other practices'", async () => {
    const integrations = await (await h.call('GET', '/api/integrations', h.creds.partnerApiKey)).json();
    const [mine, theirs] = [
      integrations.find((i: any) => i.practice.id === practiceId),
      integrations.find((i: any) => i.practice.id !== practiceId),
    ];
    const scoped = await new Receiver(h.creds.webhookSecret).start();
    try {
      const res = await h.call('POST', `/api/integrations/${mine.id}/webhook_endpoints`, h.creds.partnerApiKey, {
        webhook_url: scoped.url,
      });
      expect(res.status).toBe(200);
      await addPatientInHint('Mine', 'Practice');
      await harness('POST', `/practices/${theirs.practice.id}/patients`, {
        first_name: 'Other',
        last_name: 'Practice',
      });
      await waitFor(() => rx.ofType('patient.created').length === 2, 'global endpoint gets both');
      await waitFor(() => scoped.received.length === 1, 'scoped endpoint gets one');
      await new Promise((r) => setTimeout(r, 50));
      expect(scoped.received.map((r) => r.body.object.first_name)).toEqual(['Mine']);
      expect(scoped.received[0]?.verified).toBe(true);
    } finally {
      await scoped.close();
    }
  });

  it('renders the object per partner: each sees its own integration fields, signed with its own secret', async () => {
    const other = h.creds.partners[1];
    const otherRx = await new Receiver(other?.webhookSecret ?? '').start();
    const created = await (
      await h.call('POST', '/api/global_webhook_endpoints', other?.apiKey, { webhook_url: otherRx.url })
    ).json();
    try {
      const p = await (
        await h.call('POST', '/api/provider/patients', h.token, {
          first_name: 'Per',
          last_name: 'Partner',
          integration_record_id: 'emr-pp',
        })
      ).json();
      await waitFor(
        () => rx.ofType('patient.created').length === 1 && otherRx.ofType('patient.created').length === 1,
        'both partners',
      );
      expect(rx.ofType('patient.created')[0]?.body.object.integration_record_id).toBe('emr-pp');
      expect(otherRx.ofType('patient.created')[0]?.body.object).toMatchObject({
        id: p.id,
        integration_record_id: null,
        integration_sync_status: 'enabled',
      });
      expect(otherRx.received.every((r) => r.verified)).toBe(true);
    } finally {
      await h.call('DELETE', `/api/global_webhook_endpoints/${created.id}`, other?.apiKey);
      await otherRx.close();
    }
  });

  it("fires customer_invoice events through an invoice's life", async () => {
    const patient = await addPatientInHint('Bill', 'Payer');
    const inv = await (
      await h.call('POST', '/api/provider/customer_invoices', h.token, { patient: { id: patient.id } })
    ).json();
    await h.call('POST', `/api/provider/customer_invoices/${inv.id}/charges`, h.token, {
      name: 'Visit',
      quantity: 1,
      price_in_cents: 5000,
    });
    await h.call('POST', `/api/provider/customer_invoices/${inv.id}/issue`, h.token);
    await h.call('POST', `/api/provider/customer_invoices/${inv.id}/payments`, h.token, {
      amount_in_cents: 5000,
      external: true,
    });
    await waitFor(
      () => rx.received.filter((r) => r.body.type.startsWith('customer_invoice.')).length === 4,
      'four invoice events',
    );
    const types = rx.received
      .filter((r) => r.body.type.startsWith('customer_invoice.'))
      .map((r) => r.body.type)
      .sort();
    expect(types).toEqual([
      'customer_invoice.created',
      'customer_invoice.issued',
      'customer_invoice.paid',
      'customer_invoice.updated',
    ]);
    expect(rx.ofType('customer_invoice.paid')[0]?.body.object).toMatchObject({
      id: inv.id,
      status: 'paid',
      due_in_cents: 0,
      paid_in_cents: 5000,
    });
  });

  it('fires membership.* and patient.updated when a practice user enrols or ends a membership', async () => {
    const patient = await addPatientInHint('Member', 'Ship');
    const companies = await (await h.call('GET', '/api/provider/companies')).json();
    const created = await (
      await harness('POST', `/practices/${practiceId}/memberships`, {
        patient: { id: patient.id },
        company: { id: companies[0].id },
      })
    ).json();
    expect(created).toMatchObject({ status: 'active', plan: { plan_type: 'company' }, owner: { id: patient.id } });
    const seen = await (await h.call('GET', `/api/provider/patients/${patient.id}`)).json();
    expect(seen).toMatchObject({ membership_status: 'active', company: { id: companies[0].id } });
    expect(seen.memberships[0].plan.plan_type).toBe('company');
    await harness('PATCH', `/practices/${practiceId}/memberships/${created.id}`, { status: 'ended' });
    await waitFor(() => rx.ofType('membership.updated').length === 1, 'membership.updated');
    await waitFor(
      () => rx.ofType('patient.updated').filter((r) => r.body.object.id === patient.id).length === 2,
      'two patient.updated',
    );
    expect(rx.ofType('membership.created')[0]?.body.object.id).toBe(created.id);
    expect(rx.ofType('membership.updated')[0]?.body.object).toMatchObject({
      status: 'ended',
      enrollment_status: 'inactive',
    });
    expect(
      await (await h.call('GET', `/api/provider/patients/${patient.id}`)).json().then((p: any) => p.membership_status),
    ).toBe('inactive');
    expect(
      (await harness('POST', `/practices/${practiceId}/memberships`, { patient: { id: 'pat-nope' } })).status,
    ).toBe(422);
  });

  it('lists the event registry', async () => {
    const events = await (await h.call('GET', '/api/partner/webhook_events', h.creds.partnerApiKey)).json();
    expect(events).toContain('patient.created');
    expect(events).toContain('integration.deactivated');
    expect(events.indexOf('company.created')).toBe(0);
  });
});

describe('Hint emulator: muting failing endpoints', () => {
  let h: Harness;
  let rx: Receiver;
  let practiceId: string;
  const harness = (method: string, path: string, body?: unknown) =>
    request(`${h.url}/_emulator${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });

  beforeAll(async () => {
    h = await startHint({ config: { retryScheduleMs: [] } });
    practiceId = h.creds.practices[0]?.id ?? '';
    rx = await new Receiver(h.creds.webhookSecret).start();
    await h.call('POST', '/api/global_webhook_endpoints', h.creds.partnerApiKey, { webhook_url: rx.url });
  });
  afterAll(async () => {
    await rx.close();
    await h.close();
  });

  it('mutes an endpoint for an hour once all of its last 100 attempts failed', async () => {
    rx.status = 500;
    const patient = await (
      await harness('POST', `/practices/${practiceId}/patients`, { first_name: 'Mute', last_name: 'Me' })
    ).json();
    for (let i = 0; i < 99; i++)
      await harness('PATCH', `/practices/${practiceId}/patients/${patient.id}`, { middle_name: `m${i}` });
    await waitFor(() => rx.received.length === 100, '100 failed attempts', 15_000);
    const endpoints = await waitFor(async () => {
      const list = await (await request(`${h.url}/_emulator/endpoints`)).json();
      return list[0]?.mutedUntil && list;
    }, 'muted');
    expect(endpoints[0].failing).toBe(true);
    rx.status = 200;
    await harness('PATCH', `/practices/${practiceId}/patients/${patient.id}`, { middle_name: 'while-muted' });
    const muted = await waitFor(async () => {
      const list = await (await request(`${h.url}/_emulator/deliveries`)).json();
      return list.find((d: any) => d.outcome === 'muted');
    }, 'muted skip');
    expect(muted.statusCode).toBeNull();
    expect(rx.received).toHaveLength(100);
    // After the hour the next webhook is attempted; success re-enables the endpoint.
    h.clock.advance(3_600_000);
    await harness('PATCH', `/practices/${practiceId}/patients/${patient.id}`, { middle_name: 'after-hour' });
    await waitFor(() => rx.received.length === 101, 'attempt after the hour');
    const after = await (await request(`${h.url}/_emulator/endpoints`)).json();
    expect(after[0]).toMatchObject({ failing: false, mutedUntil: null });
  });

  it('re-mutes at once when the first attempt after the hour fails', async () => {
    rx.status = 500;
    const patient = await (
      await harness('POST', `/practices/${practiceId}/patients`, { first_name: 'Again', last_name: 'Muted' })
    ).json();
    for (let i = 0; i < 99; i++)
      await harness('PATCH', `/practices/${practiceId}/patients/${patient.id}`, { middle_name: `n${i}` });
    await waitFor(
      async () => (await (await request(`${h.url}/_emulator/endpoints`)).json())[0]?.mutedUntil,
      'muted again',
      15_000,
    );
    h.clock.advance(3_600_000);
    const count = rx.received.length;
    await harness('PATCH', `/practices/${practiceId}/patients/${patient.id}`, { middle_name: 'still-failing' });
    await waitFor(() => rx.received.length === count + 1, 'one attempt after the hour');
    const list = await waitFor(async () => {
      const l = await (await request(`${h.url}/_emulator/endpoints`)).json();
      return l[0]?.mutedUntil && l;
    }, 're-muted');
    expect(Date.parse(list[0].mutedUntil)).toBe(h.clock.now() + 3_600_000);
  });
});
