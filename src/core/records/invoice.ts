// The canonical invoice: what the practice's own billing system bills a patient for, as the
// REST API speaks it. Totals are derived from the lines (by the database, see migration 010),
// so they can never disagree with them; paid facts may come from a billing platform (Hint).
import { z } from 'zod';
import { calendarDate, dateTime, optionalText, text, uuid } from './fields.ts';

export const invoiceStatuses = ['draft', 'issued', 'paid', 'void'] as const;
export type InvoiceStatus = (typeof invoiceStatuses)[number];

/** Large enough for any clinic bill, small enough that totals stay exact in a JS number. */
const MAX_CENTS = 100_000_000_00;

export const invoiceLine = z
  .object({
    description: text(500),
    quantityInt: z.number().int('must be a whole number').min(1).max(100_000),
    unitPriceCents: z.number().int('must be whole cents').min(-MAX_CENTS).max(MAX_CENTS),
    date: calendarDate.nullable().optional(),
    practitionerId: uuid.nullable().optional(),
  })
  .strict();
export type InvoiceLine = z.infer<typeof invoiceLine>;

export function invoiceShape() {
  return {
    patientId: uuid,
    number: optionalText(50),
    status: z.enum(invoiceStatuses).optional(),
    issuedOn: calendarDate.nullable().optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
      .optional(),
    lines: z.array(invoiceLine).max(500).optional(),
    paidCents: z.number().int('must be whole cents').min(0).max(MAX_CENTS).optional(),
    paidAt: dateTime().nullable().optional(),
  };
}

/** Σ quantity × unit price, as the database computes total_cents. */
export function linesTotal(lines: readonly Pick<InvoiceLine, 'quantityInt' | 'unitPriceCents'>[]): number {
  return lines.reduce((sum, l) => sum + l.quantityInt * l.unitPriceCents, 0);
}

/** Rules across fields of the whole (merged) invoice: [field, message] pairs. */
export function invoiceProblems(merged: Record<string, unknown>): [string, string][] {
  const problems: [string, string][] = [];
  const lines = Array.isArray(merged.lines) ? (merged.lines as InvoiceLine[]) : [];
  const status = merged.status as InvoiceStatus | undefined;
  // Billing platforms (Hint among them) refuse to issue an invoice with nothing on it.
  if ((status === 'issued' || status === 'paid') && lines.length === 0)
    problems.push(['lines', `must not be empty when the invoice is ${status}`]);
  if (Math.abs(linesTotal(lines)) > MAX_CENTS) problems.push(['lines', `add up to more than ${MAX_CENTS} cents`]);
  if (typeof merged.paidCents === 'number' && merged.paidCents > Math.max(0, linesTotal(lines)))
    problems.push(['paidCents', 'must not exceed the total of the lines']);
  return problems;
}
