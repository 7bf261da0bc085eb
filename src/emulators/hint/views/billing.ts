// Customer invoices, charges, payments and memberships in Hint's GET shapes.
import { recordIdOf } from '../integration-data.ts';
import type { Charge, CustomerInvoice, Membership, Payment } from '../model.ts';
import type { HintState } from '../state.ts';
import { formatDate } from '../time.ts';
import { planView, ts, WEB_APP } from './common.ts';
import { chargeTotal, dueInCents, paidInCents, totalInCents } from './invoice-math.ts';
import { patientView } from './patient.ts';

function patientOrNull(state: HintState, partnerId: string, patientId: string | null) {
  const patient = patientId ? state.data.patients.get(patientId) : undefined;
  return patient ? patientView(state, partnerId, patient) : null;
}

export function chargeView(state: HintState, partnerId: string, invoice: CustomerInvoice, charge: Charge) {
  const amount = chargeTotal(charge);
  return {
    id: charge.id,
    amount_in_cents: amount,
    created_at: ts(state, invoice.practiceId, charge.createdAt),
    description: charge.description,
    is_persisted: true,
    name: charge.name,
    price_in_cents: charge.price_in_cents,
    quantity: charge.quantity,
    service_date: charge.service_date,
    status: invoice.status === 'draft' ? 'draft' : 'issued',
    subtotal_in_cents: amount,
    tax_in_cents: 0,
    total_in_cents: amount,
    updated_at: ts(state, invoice.practiceId, charge.updatedAt),
    category: null,
    charge_item: null,
    location: null,
    patient: patientOrNull(state, partnerId, charge.patientId),
    practitioner: null,
  };
}

export function paymentView(state: HintState, invoice: CustomerInvoice, payment: Payment) {
  return {
    id: payment.id,
    amount_in_cents: payment.amount_in_cents,
    date: ts(state, invoice.practiceId, payment.paidAt),
    error_message: null,
    memo: payment.memo,
    status: payment.status,
    source: payment.sourceId ? { id: payment.sourceId, type: payment.sourceType } : null,
  };
}

function paymentStatus(invoice: CustomerInvoice): string | null {
  if (invoice.status === 'paid') return 'paid';
  return paidInCents(invoice) > 0 ? 'partially_paid' : null;
}

export function invoiceView(state: HintState, partnerId: string, invoice: CustomerInvoice, expandCharges = false) {
  const total = totalInCents(invoice);
  const paid = paidInCents(invoice);
  const linkPatient = invoice.patientId ?? invoice.ownerId;
  const view = {
    id: invoice.id,
    amount_in_cents: total,
    charges_count: invoice.charges.length,
    created_at: ts(state, invoice.practiceId, invoice.createdAt),
    date: invoice.date,
    due_in_cents: dueInCents(invoice),
    human_status: invoice.status,
    integration_record_id: recordIdOf(state, partnerId, invoice.id),
    invoice_number: invoice.invoice_number,
    last_sent_at: invoice.lastSentAt === null ? null : ts(state, invoice.practiceId, invoice.lastSentAt),
    last_viewed_at: null,
    paid_at: invoice.paidAt === null ? null : ts(state, invoice.practiceId, invoice.paidAt),
    paid_in_cents: paid,
    payment_status: paymentStatus(invoice),
    payments_count: invoice.payments.length,
    provider_web_link: `${WEB_APP}/patients/${linkPatient}/charges/${invoice.id}`,
    received_in_cents: paid,
    status: invoice.status,
    subtotal_in_cents: total,
    tax_in_cents: 0,
    total_in_cents: total,
    updated_at: ts(state, invoice.practiceId, invoice.updatedAt),
    owner: patientOrNull(state, partnerId, invoice.ownerId),
  };
  if (!expandCharges) return view;
  return { ...view, charges: invoice.charges.map((c) => chargeView(state, partnerId, invoice, c)) };
}

function addMonths(date: string, months: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

function upcomingBill(date: string, rate: number, months: number) {
  return {
    amount_in_cents: rate * months,
    charges_amount_in_cents: 0,
    coupon_discount_in_cents: 0,
    coupon_discount_months: null,
    coupon_percent_off: null,
    date,
    end_date: addMonths(date, months),
    list_price_in_cents: rate,
    membership_amount_in_cents: rate * months,
    period_in_months: months,
    rate_in_cents: rate,
    registration_fee_in_cents: null,
    start_date: date,
    customer_invoice: null,
  };
}

export function membershipView(state: HintState, partnerId: string, m: Membership) {
  const plan = state.data.plans.get(m.planId);
  const rate = plan?.rateInCents ?? 0;
  const today = formatDate(state.now(), state.offsetOf(m.practiceId));
  let nextBill = m.start_date;
  while (nextBill <= today) nextBill = addMonths(nextBill, m.period_in_months);
  return {
    id: m.id,
    bill_date: nextBill,
    billed_through_date: nextBill,
    billing_start_date: m.start_date,
    bills_at_end_of_period: false,
    contract_expiration_action: null,
    contract_expires: false,
    contract_period_in_months: null,
    created_at: ts(state, m.practiceId, m.createdAt),
    end_date: m.end_date,
    enrollment_status: m.enrollment_status,
    fixed_period_rate_in_cents: null,
    fixed_registration_fee_in_cents: null,
    group_code: null,
    is_confirmed: m.status !== 'unconfirmed',
    is_current: m.status !== 'ended',
    is_processing: false,
    is_restartable: m.status === 'ended',
    last_bill_amount_in_cents: null,
    last_bill_date: null,
    list_price_in_cents: rate,
    never_been_billed: false,
    next_bill_date: nextBill,
    period_in_months: m.period_in_months,
    period_rate_in_cents: rate * m.period_in_months,
    rate_in_cents: rate,
    source_status: null,
    start_date: m.start_date,
    status: m.status,
    updated_at: ts(state, m.practiceId, m.updatedAt),
    coupon: null,
    membership_patients: m.members.map((member) => ({
      id: member.id,
      enrollment_requested_on: member.start_date,
      enrollment_status: m.enrollment_status,
      status: m.status,
      member_type: member.member_type,
      fixed_period_rate_in_cents: null,
      list_price_in_cents: rate,
      period_rate_in_cents: rate * m.period_in_months,
      revenue_in_cents: rate,
      start_date: member.start_date,
      uses_tobacco: false,
      end_date: member.end_date,
      patient: patientOrNull(state, partnerId, member.patientId),
    })),
    owner: patientOrNull(state, partnerId, m.ownerId),
    plan: plan ? planView(plan) : null,
    sponsorship: null,
    upcoming_bills: m.status === 'ended' ? [] : [upcomingBill(nextBill, rate, m.period_in_months)],
  };
}
