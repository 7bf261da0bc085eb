// Invoice money, always integer cents and derived from charges and payments (no tax here).
import type { Charge, CustomerInvoice } from '../model.ts';

export const chargeTotal = (c: Charge): number => c.quantity * c.price_in_cents;

export function totalInCents(invoice: CustomerInvoice): number {
  return invoice.charges.reduce((sum, c) => sum + chargeTotal(c), 0);
}

export function paidInCents(invoice: CustomerInvoice): number {
  return invoice.payments.filter((p) => p.status === 'paid').reduce((sum, p) => sum + p.amount_in_cents, 0);
}

export function dueInCents(invoice: CustomerInvoice): number {
  if (invoice.status === 'cancelled') return 0;
  return Math.max(0, totalInCents(invoice) - paidInCents(invoice));
}
