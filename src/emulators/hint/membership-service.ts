// Membership changes made by a practice user in Hint (through the harness): they change
// the members' membership_status, plan and employer, and fire membership.* plus
// patient.updated for every member, as Hint would.
import { z } from 'zod';
import type { HintContext } from './context.ts';
import { HintError, notFound, parseWith } from './errors.ts';
import { invoiceEvent, patientEvent } from './events.ts';
import type { Membership } from './model.ts';
import { addInvoice } from './seed-billing.ts';
import { addToIndex } from './state.ts';
import { formatDate } from './time.ts';
import { membershipView } from './views/billing.ts';
import { dueInCents } from './views/invoice-math.ts';

const STATUS = z.enum(['pending', 'unconfirmed', 'active', 'unpaid', 'ended']);
const DATE = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

const createSchema = z.object({
  patient: z.object({ id: z.string() }),
  plan: z.object({ id: z.string() }).optional(),
  company: z.object({ id: z.string() }).nullable().optional(),
  status: STATUS.optional(),
  start_date: DATE.optional(),
  period_in_months: z.union([z.literal(1), z.literal(3), z.literal(6), z.literal(12)]).optional(),
});

const updateSchema = z.object({
  status: STATUS.optional(),
  plan: z.object({ id: z.string() }).optional(),
  /** The employer sponsoring it (null: none), shown on members as their company. */
  company: z.object({ id: z.string() }).nullable().optional(),
  end_date: DATE.nullable().optional(),
});

const enrollmentFor = (status: Membership['status']): Membership['enrollment_status'] =>
  status === 'ended' ? 'inactive' : status === 'unpaid' ? 'active' : status;

function announce(ctx: HintContext, membership: Membership, type: 'created' | 'updated'): void {
  ctx.webhooks.publish({
    type: `membership.${type}`,
    practiceId: membership.practiceId,
    render: (partnerId) => membershipView(ctx.state, partnerId, membership),
  });
  for (const member of membership.members) {
    const patient = ctx.state.data.patients.get(member.patientId);
    if (!patient) continue;
    ctx.state.touch(patient);
    patientEvent(ctx, 'updated', patient);
  }
}

/**
 * Billing follows the status a practice user sets: becoming unpaid means a membership fee
 * went unpaid (an issued invoice, so account.past_due_in_cents grows); becoming active
 * again settles the owner's open invoices.
 */
function settleBilling(ctx: HintContext, membership: Membership, before: Membership['status']): void {
  const { state } = ctx;
  const owner = state.data.patients.get(membership.ownerId);
  const plan = state.data.plans.get(membership.planId);
  if (!owner || !plan || before === membership.status) return;
  if (membership.status === 'unpaid') {
    const invoice = addInvoice(state.data, state.random, owner, plan, 'issued', state.now());
    invoiceEvent(ctx, 'created', invoice);
    invoiceEvent(ctx, 'issued', invoice);
  } else if (before === 'unpaid' && membership.status === 'active') {
    for (const id of state.data.invoicesByOwner.get(owner.id) ?? []) {
      const invoice = state.data.invoices.get(id);
      if (!invoice || (invoice.status !== 'issued' && invoice.status !== 'sent')) continue;
      const now = state.now();
      invoice.payments.push({
        id: state.id('pmt'),
        amount_in_cents: dueInCents(invoice),
        status: 'paid',
        memo: null,
        paidAt: now,
        sourceType: 'Card',
        sourceId: state.id('card'),
      });
      invoice.status = 'paid';
      invoice.paidAt = now;
      state.touch(invoice);
      invoiceEvent(ctx, 'paid', invoice);
    }
  }
}

function planIn(ctx: HintContext, practiceId: string, planId: string) {
  const plan = ctx.state.data.plans.get(planId);
  if (!plan || plan.practiceId !== practiceId) throw new HintError(422, `Validation failed: Plan ${planId} not found`);
  return plan;
}

function companyIn(ctx: HintContext, practiceId: string, companyId: string) {
  const company = ctx.state.data.companies.get(companyId);
  if (!company || company.practiceId !== practiceId)
    throw new HintError(422, `Validation failed: Company ${companyId} not found`);
  return company;
}

export function createMembership(ctx: HintContext, practiceId: string, body: unknown): Membership {
  const { state } = ctx;
  const input = parseWith(createSchema, body);
  const patient = state.data.patients.get(input.patient.id);
  if (!patient || patient.practiceId !== practiceId)
    throw new HintError(422, `Validation failed: Patient ${input.patient.id} not found`);
  const company = input.company ? companyIn(ctx, practiceId, input.company.id) : undefined;
  const defaultPlan = [...state.data.plans.values()].find(
    (p) => p.practiceId === practiceId && p.plan_type === (company ? 'company' : 'retail'),
  );
  const plan = input.plan ? planIn(ctx, practiceId, input.plan.id) : defaultPlan;
  if (!plan) throw new HintError(422, "Validation failed: Plan can't be blank");
  const now = state.now();
  const status = input.status ?? 'active';
  const startDate = input.start_date ?? formatDate(now, state.offsetOf(practiceId));
  const membership: Membership = {
    id: state.id('mem'),
    practiceId,
    createdAt: now,
    updatedAt: now,
    version: 1,
    planId: plan.id,
    ownerId: patient.id,
    companyId: company?.id ?? null,
    status,
    enrollment_status: enrollmentFor(status),
    start_date: startDate,
    end_date: null,
    period_in_months: input.period_in_months ?? 1,
    members: [
      { id: state.id('mp'), patientId: patient.id, member_type: 'employee', start_date: startDate, end_date: null },
    ],
  };
  state.data.memberships.set(membership.id, membership);
  addToIndex(state.data.membershipsByPatient, patient.id, membership.id);
  settleBilling(ctx, membership, 'pending');
  announce(ctx, membership, 'created');
  return membership;
}

export function updateMembership(ctx: HintContext, practiceId: string, id: string, body: unknown): Membership {
  const { state } = ctx;
  const membership = state.data.memberships.get(id);
  if (!membership || membership.practiceId !== practiceId) throw notFound('Membership');
  const input = parseWith(updateSchema, body);
  const plan = input.plan ? planIn(ctx, practiceId, input.plan.id) : undefined;
  const company = input.company ? companyIn(ctx, practiceId, input.company.id) : input.company;
  const before = membership.status;
  if (plan) membership.planId = plan.id;
  if (company !== undefined) membership.companyId = company?.id ?? null;
  if (input.status !== undefined) {
    membership.status = input.status;
    membership.enrollment_status = enrollmentFor(input.status);
    if (input.status === 'ended' && input.end_date === undefined)
      membership.end_date = formatDate(state.now(), state.offsetOf(practiceId));
  }
  if (input.end_date !== undefined) membership.end_date = input.end_date;
  state.touch(membership);
  settleBilling(ctx, membership, before);
  announce(ctx, membership, 'updated');
  return membership;
}
