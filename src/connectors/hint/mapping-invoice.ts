// Pure conversions between a canonical invoice and a Hint customer invoice: its lines as
// Hint charges, Hint's status vocabulary as Tandem's, and the payment facts Hint owns.
import type { InvoiceLine, InvoiceStatus } from '../../core/records/invoice.ts';
import type { HintInvoice } from './schemas.ts';

/** Hint's customer-invoice statuses (§4.3), as the four Tandem knows. */
const FROM_HINT: Record<string, InvoiceStatus> = {
  draft: 'draft',
  issued: 'issued',
  sent: 'issued',
  retrying: 'issued',
  disputed: 'issued',
  bad_debt: 'issued',
  paid: 'paid',
  cancelled: 'void',
};

/** An unknown status (Hint adds them without notice) is read as still owed: issued. */
export function statusFromHint(status: string | null | undefined): InvoiceStatus {
  return FROM_HINT[status ?? ''] ?? 'issued';
}

export interface ChargeBody {
  name: string;
  quantity: number;
  price_in_cents: number;
  date?: string;
  practitioner?: { id: string };
}

/**
 * Hint requires a charge name: the line's description is it. Practitioners through their links.
 * Hint's invoice create and update bodies have no date; a charge's `date` is the one date the
 * spec lets a partner set, so a line without its own date carries the invoice's issue date.
 */
export function chargesOf(
  lines: readonly InvoiceLine[],
  hintPractitionerOf: (localId: string) => string | undefined,
  issuedOn: string | null = null,
): ChargeBody[] {
  return lines.map((l) => {
    const practitioner = l.practitionerId ? hintPractitionerOf(l.practitionerId) : undefined;
    const date = l.date ?? issuedOn;
    return {
      name: l.description,
      quantity: l.quantityInt,
      price_in_cents: l.unitPriceCents,
      ...(date ? { date } : {}),
      ...(practitioner ? { practitioner: { id: practitioner } } : {}),
    };
  });
}

/** Whether Hint's charges already are these, in order (the practitioner is not shown back by Hint). */
export function sameCharges(remote: HintInvoice['charges'], wanted: ChargeBody[]): boolean {
  const have = remote ?? [];
  return (
    have.length === wanted.length &&
    have.every((c, i) => {
      const w = wanted[i]!;
      return (
        c.name === w.name &&
        c.quantity === w.quantity &&
        c.price_in_cents === w.price_in_cents &&
        (w.date === undefined || c.service_date === w.date)
      );
    })
  );
}

export interface PaymentFacts {
  status: InvoiceStatus;
  paidCents: number;
  paidAt: string | null;
}

export function paymentFactsOf(remote: HintInvoice): PaymentFacts {
  return {
    status: statusFromHint(remote.status),
    paidCents: remote.paid_in_cents ?? 0,
    paidAt: remote.paid_at ?? null,
  };
}

/**
 * The status Tandem should take from Hint, or undefined to keep its own. Hint owns whether an
 * invoice is paid; any other status Hint changed since both sides last agreed (`base`) is a
 * practice user's act in Hint and is taken too; otherwise Tandem's change is still to be pushed.
 */
export function statusToTake(
  tandem: InvoiceStatus,
  hint: InvoiceStatus,
  base: InvoiceStatus | undefined,
): InvoiceStatus | undefined {
  if (hint === tandem) return undefined;
  if (hint === 'paid' || tandem === 'paid') return hint;
  // Without a base (a link just made), Tandem's status stands until it is pushed.
  return base === undefined || hint === base ? undefined : hint;
}

/** What Tandem wants Hint to hold, hashed to recognise "already written" (echo suppression). */
export function wanted(status: InvoiceStatus, issuedOn: string | null, charges: ChargeBody[]) {
  return { status, issuedOn, charges };
}
