// What staff see about a Hint patient (membership status, plan, employer, balance) follows
// what a practice user does in Hint, through membership.* and customer_invoice.* webhooks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHintWorld, tandemPatientOf, waitFor, type HintWorld } from './support.ts';

let w: HintWorld;
let hintPatientId: string;
let membershipId: string;
let connectionId: string;
beforeAll(async () => {
  w = await startHintWorld();
  connectionId = await w.connect();
  const created = await w.harness('POST', `/practices/${w.hintPracticeId}/patients`, {
    first_name: 'Rosa',
    last_name: 'Vance',
    dob: '1982-04-09',
  });
  hintPatientId = created.id;
  await waitFor(() => tandemPatientOf(w, hintPatientId), 'the patient in Tandem');
});
afterAll(async () => {
  await w?.stop();
});

const facts = async () => (await tandemPatientOf(w, hintPatientId))?.hint;
const inboxStatus = async (type: string) =>
  (
    await w.hub.database.db.query(
      `SELECT status FROM inbox WHERE event_type = $1 AND payload->'object' @> $2::jsonb ORDER BY id DESC LIMIT 1`,
      [type, JSON.stringify({ owner: { id: hintPatientId } })],
    )
  ).rows[0]?.status;

describe('staff facts from Hint', () => {
  it('starts with no membership', async () => {
    expect(await facts()).toMatchObject({
      membershipStatus: 'inactive',
      planName: null,
      balanceCents: 0,
      employerName: null,
    });
  });

  it('shows a membership created in Hint: status and plan', async () => {
    const membership = await w.harness('POST', `/practices/${w.hintPracticeId}/memberships`, {
      patient: { id: hintPatientId },
    });
    membershipId = membership.id;
    expect(membership.plan.name).toBeTruthy();
    const seen = await waitFor(async () => {
      const f = await facts();
      return f?.membershipStatus === 'active' ? f : undefined;
    }, 'membership active');
    expect(seen.planName).toBe(membership.plan.name);
    // The membership event itself re-read the patient (not only the patient.updated beside it).
    expect(
      await waitFor(
        async () => (await inboxStatus('membership.created')) === 'processed',
        'membership.created processed',
      ),
    ).toBe(true);
  });

  it('shows a plan change and an employer set on the membership', async () => {
    const plans = (await w.hint('GET', '/provider/plans')).body as { id: string; name: string }[];
    const current = (await facts()).planName;
    const other = plans.find((p) => p.name !== current)!;
    const [company] = (await w.hint('GET', '/provider/companies')).body as { id: string; name: string }[];
    await w.harness('PATCH', `/practices/${w.hintPracticeId}/memberships/${membershipId}`, {
      plan: { id: other.id },
      company: { id: company!.id },
    });
    const seen = await waitFor(async () => {
      const f = await facts();
      return f?.planName === other.name && f.employerName === company!.name ? f : undefined;
    }, 'plan and employer');
    expect(seen).toMatchObject({ planName: other.name, employerName: company!.name, membershipStatus: 'active' });
  });

  it('shows a balance past due when a fee goes unpaid, and clears it when a payment is taken in Hint', async () => {
    await w.harness('PATCH', `/practices/${w.hintPracticeId}/memberships/${membershipId}`, { status: 'unpaid' });
    const owed = await waitFor(async () => {
      const f = await facts();
      return f?.balanceCents > 0 ? f : undefined;
    }, 'a balance');
    expect(owed.membershipStatus).toBe('unpaid');
    const inHint = (await w.hint('GET', `/provider/patients/${hintPatientId}`)).body;
    expect(owed.balanceCents).toBe(inHint.account.past_due_in_cents);
    const invoices = (await w.hint('GET', '/provider/customer_invoices?limit=100')).body as any[];
    const open = invoices.find((i) => i.owner?.id === hintPatientId && i.status === 'issued');
    expect(open.due_in_cents).toBe(owed.balanceCents);
    // A payment fires only customer_invoice.paid (no patient event): that event must refresh the balance.
    const paid = await w.harness('POST', `/practices/${w.hintPracticeId}/customer_invoices/${open.id}/payments`, {});
    expect(paid.invoice.status).toBe('paid');
    await waitFor(async () => (await facts())?.balanceCents === 0, 'balance cleared');
    // (The event is marked processed just after its refresh commits.)
    expect(
      await waitFor(
        async () => (await inboxStatus('customer_invoice.paid')) === 'processed',
        'customer_invoice.paid processed',
      ),
    ).toBe(true);
  });

  it('catches by reconciliation a payment whose webhook never came', async () => {
    const reconcileNow = async () => {
      const last = async () =>
        (await w.hub.api('GET', `/api/v1/hint/connections/${connectionId}`)).body.health?.reconcile?.lastRunAt;
      const before = await last();
      expect((await w.hub.api('POST', `/api/v1/hint/connections/${connectionId}/reconcile`)).status).toBe(202);
      await waitFor(async () => (await last()) !== before, 'a reconciliation run');
    };
    // Another fee goes unpaid (active, then unpaid again), seen through webhooks as before.
    await w.harness('PATCH', `/practices/${w.hintPracticeId}/memberships/${membershipId}`, { status: 'active' });
    await w.harness('PATCH', `/practices/${w.hintPracticeId}/memberships/${membershipId}`, { status: 'unpaid' });
    await waitFor(async () => (await facts())?.balanceCents > 0, 'a balance again');
    // Move the patients' reconciliation cursor well past this patient: a later patient, 10 s on.
    await reconcileNow();
    await w.harness('POST', '/clock', { advanceMs: 10_000 });
    const later = await w.harness('POST', `/practices/${w.hintPracticeId}/patients`, {
      first_name: 'Later',
      last_name: 'Comer',
      dob: '1990-01-01',
    });
    await waitFor(() => tandemPatientOf(w, later.id), 'the later patient');
    await reconcileNow();

    const invoices = (await w.hint('GET', '/provider/customer_invoices?limit=100')).body as any[];
    const open = invoices.find((i) => i.owner?.id === hintPatientId && i.status === 'issued');
    const integration = ((await w.hint('GET', '/integrations', undefined, w.creds.partnerApiKey)).body as any[]).find(
      (i) => i.practice.id === w.hintPracticeId,
    );
    const hooks = (
      await w.hint('GET', `/integrations/${integration.id}/webhook_endpoints`, undefined, w.creds.partnerApiKey)
    ).body as any[];
    for (const h of hooks)
      await w.hint(
        'DELETE',
        `/integrations/${integration.id}/webhook_endpoints/${h.id}`,
        undefined,
        w.creds.partnerApiKey,
      );
    try {
      const before = (await w.hint('GET', `/provider/patients/${hintPatientId}`)).body.updated_at;
      await w.harness('POST', `/practices/${w.hintPracticeId}/customer_invoices/${open.id}/payments`, {});
      // Hint's patient record itself did not change: only the invoice (or membership) walk can find this.
      expect((await w.hint('GET', `/provider/patients/${hintPatientId}`)).body.updated_at).toBe(before);
      await reconcileNow();
      expect((await facts())?.balanceCents).toBe(0);
      const paidEvents = await w.hub.database.db.query(
        `SELECT count(*)::int AS n FROM inbox WHERE event_type = 'customer_invoice.paid' AND payload->'object'->>'id' = $1`,
        [open.id],
      );
      expect(paidEvents.rows[0].n).toBe(0); // no webhook brought it
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
