// Payments on a customer invoice, shared by the API (a partner writing) and the harness (a
// practice user taking a payment in Hint's UI). A payment that settles the invoice makes it
// paid (customer_invoice.paid); a part payment is customer_invoice.updated.
import { z } from 'zod';
import type { HintContext } from './context.ts';
import { HintError, parseWith } from './errors.ts';
import { invoiceEvent } from './events.ts';
import { recordPartnerWrite } from './integration-data.ts';
import type { CustomerInvoice, Payment } from './model.ts';
import { dueInCents } from './views/invoice-math.ts';

export const paymentSchema = z.object({
  amount_in_cents: z.number().int().min(1).optional(),
  external: z.boolean().optional(),
  process: z.boolean().optional(),
  memo: z.string().nullable().optional(),
  paid_at: z.string().optional(),
  source: z
    .object({ id: z.string(), type: z.enum(['Card', 'BankAccount']).optional() })
    .nullable()
    .optional(),
});

/** partnerId: the calling partner, or undefined when a practice user acts through the harness. */
export function recordPayment(ctx: HintContext, invoice: CustomerInvoice, body: unknown, partnerId?: string): Payment {
  const { state } = ctx;
  const input = parseWith(paymentSchema, body);
  if (invoice.status !== 'issued' && invoice.status !== 'sent')
    throw new HintError(422, `Cannot pay a ${invoice.status} invoice`);
  const due = dueInCents(invoice);
  const amount = input.amount_in_cents ?? due;
  if (amount > due) throw new HintError(422, `Validation failed: Amount in cents must be at most ${due}`);
  const paidAt = input.paid_at ? Date.parse(input.paid_at) : state.now();
  if (Number.isNaN(paidAt)) throw new HintError(422, 'Validation failed: Paid at is invalid');
  const payment: Payment = {
    id: state.id('pmt'),
    amount_in_cents: amount,
    status: 'paid',
    memo: input.memo ?? null,
    paidAt,
    sourceType: input.source ? (input.source.type ?? 'Card') : null,
    sourceId: input.source?.id ?? null,
  };
  invoice.payments.push(payment);
  const paidInFull = dueInCents(invoice) === 0;
  if (paidInFull) {
    invoice.status = 'paid';
    invoice.paidAt = paidAt;
  }
  state.touch(invoice);
  if (partnerId) recordPartnerWrite(state, partnerId, 'customer_invoice', invoice, {});
  invoiceEvent(ctx, paidInFull ? 'paid' : 'updated', invoice, partnerId);
  return payment;
}
