// Tandem → Hint for one canonical invoice, when the practice's system bills (billing:
// 'practice'): a Hint customer invoice for the patient's Hint twin, integration_record_id =
// Tandem's invoice id, its lines as charges, issued when issued, voided when void. Payments
// stay Hint's: after writing, Hint's payment facts are read back onto the canonical invoice.
// The hash of what was written is kept on the link, so an unchanged invoice costs no call.
import { NotFoundError } from '../../core/errors.ts';
import type { InvoiceLine, InvoiceStatus } from '../../core/records/invoice.ts';
import { findLink, markLinkErrored, upsertLink, type Link } from '../../db/links.ts';
import { writeLog } from '../../db/logs.ts';
import { invoices } from '../../db/records/kinds.ts';
import { getRecord, type Json } from '../../db/records/repository.ts';
import { inTransaction } from '../../db/pool.ts';
import { HintApiError } from './client.ts';
import { absorbInvoice, invoiceKey } from './inbound-invoice.ts';
import { addCharge, createInvoice, deleteCharge, deleteInvoice, getInvoice, invoiceAction } from './client-invoices.ts';
import { chargesOf, sameCharges, statusFromHint, wanted, type ChargeBody } from './mapping-invoice.ts';
import { reasonFromHint } from './outbound-errors.ts';
import { hashValues } from './mapping-merge.ts';
import { practitionerResolver } from './mapping-resolver.ts';
import type { LoadedConnection, HintDeps } from './connection.ts';
import type { HintInvoice } from './schemas.ts';

export type InvoicePushResult = 'created' | 'updated' | 'unchanged' | 'errored' | 'skipped';

/** A write Hint cannot take in the invoice's present state; the reason names no patient detail. */
class InvoiceRefused extends Error {}

export async function pushInvoice(
  deps: HintDeps,
  loaded: LoadedConnection,
  invoiceId: string,
): Promise<InvoicePushResult> {
  if (loaded.settings.billing !== 'practice') return 'skipped';
  const { db } = deps;
  const link = await findLink(db, loaded.connection.practiceId, loaded.connection.id, 'invoice', {
    localId: invoiceId,
  });
  const canonical = await getRecord(db, loaded.connection.practiceId, invoices, invoiceId).catch((error: unknown) => {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  });
  if (!canonical) return link?.remoteId ? withdraw(deps, loaded, link) : 'skipped';
  if (link?.remoteState === 'destroyed') return 'skipped';
  const patientLink = await findLink(db, loaded.connection.practiceId, loaded.connection.id, 'patient', {
    localId: String(canonical.patientId),
  });
  if (!patientLink || patientLink.remoteState === 'destroyed') {
    await markInvoiceErrored(deps, loaded, invoiceId, "the invoice's patient is not linked to Hint");
    return 'errored';
  }
  const lines = canonical.lines as InvoiceLine[];
  const resolver = await practitionerResolver(
    db,
    loaded,
    lines.map((l) => l.practitionerId),
    [],
  );
  const charges = chargesOf(lines, resolver.hintIdOf, (canonical.issuedOn as string | null) ?? null);
  const hash = hashValues({
    invoice: JSON.stringify(wanted(canonical.status as InvoiceStatus, canonical.issuedOn as string | null, charges)),
  });
  if (link?.remoteId && link.writtenHash === hash && link.status === 'synced') return 'unchanged';
  try {
    const found = link?.remoteId
      ? await getInvoice(deps, loaded, link.remoteId)
      : await getInvoice(deps, loaded, invoiceId);
    if (link?.remoteId && !found) throw new InvoiceRefused('the invoice no longer exists in Hint');
    const remote =
      found ??
      (await createInvoice(deps, loaded, {
        integration_record_id: invoiceId,
        patient: { id: patientLink.remoteId },
      }));
    await upsertLink(db, invoiceKey(loaded, invoiceId, remote.id), {});
    await writeInvoice(deps, loaded, remote, canonical, charges);
    const after = await getInvoice(deps, loaded, remote.id);
    if (!after) throw new InvoiceRefused('the invoice no longer exists in Hint');
    await upsertLink(db, invoiceKey(loaded, invoiceId, remote.id), {
      status: 'synced',
      errorMessage: null,
      writtenHash: hash,
      synced: true,
    });
    await absorbInvoice(deps, loaded, after);
    return found ? 'updated' : 'created';
  } catch (error) {
    if (error instanceof InvoiceRefused) {
      await markInvoiceErrored(deps, loaded, invoiceId, error.message);
      return 'errored';
    }
    if (error instanceof HintApiError && !error.retryable) {
      await markInvoiceErrored(deps, loaded, invoiceId, reasonFromHint(error));
      return 'errored';
    }
    throw error;
  }
}

/**
 * Charges (each dated: the line's date or the invoice's issue date, the one date Hint's spec lets
 * a partner set), then status, each only when Hint holds something else.
 */
async function writeInvoice(
  deps: HintDeps,
  loaded: LoadedConnection,
  remote: HintInvoice,
  canonical: Json,
  charges: ChargeBody[],
): Promise<void> {
  let status = statusFromHint(remote.status);
  const hasPayments = (remote.payments_count ?? 0) > 0;
  if (!sameCharges(remote.charges, charges)) {
    if (status === 'void' || status === 'paid' || hasPayments)
      throw new InvoiceRefused(
        `lines cannot change on an invoice Hint holds as ${hasPayments ? 'paid in part' : status}`,
      );
    // Hint changes charges on drafts only: an issued invoice goes back to draft, and is issued again below.
    if (status === 'issued') {
      await invoiceAction(deps, loaded, remote.id, 'return_to_draft');
      status = 'draft';
    }
    for (const charge of remote.charges ?? []) await deleteCharge(deps, loaded, remote.id, charge.id);
    for (const charge of charges) await addCharge(deps, loaded, remote.id, { ...charge });
  }
  const target = canonical.status as InvoiceStatus;
  const action = statusAction(target, status, hasPayments);
  if (action) await invoiceAction(deps, loaded, remote.id, action);
}

/** The Hint action that brings Hint's status to Tandem's; payments (and so 'paid') stay Hint's. */
function statusAction(
  target: InvoiceStatus,
  hint: InvoiceStatus,
  hasPayments: boolean,
): 'issue' | 'void' | 'return_to_draft' | undefined {
  switch (target) {
    case 'draft':
      return hint === 'issued' && !hasPayments ? 'return_to_draft' : undefined;
    case 'issued':
    case 'paid':
      return hint === 'draft' ? 'issue' : undefined;
    case 'void':
      return hint === 'draft' || hint === 'issued' ? 'void' : undefined;
    default: {
      const _never: never = target;
      return _never;
    }
  }
}

/** An invoice deleted in Tandem: a draft is deleted in Hint, an issued one voided, a paid one kept. */
async function withdraw(deps: HintDeps, loaded: LoadedConnection, link: Link): Promise<InvoicePushResult> {
  if (link.remoteState === 'destroyed') return 'skipped';
  try {
    const remote = await getInvoice(deps, loaded, link.remoteId);
    const status = remote ? statusFromHint(remote.status) : undefined;
    if (status === 'draft') await deleteInvoice(deps, loaded, link.remoteId);
    else if (status === 'issued' && !remote?.payments_count) await invoiceAction(deps, loaded, link.remoteId, 'void');
    await upsertLink(deps.db, invoiceKey(loaded, link.localId, link.remoteId), {
      remoteState: status === 'draft' || !remote ? 'destroyed' : (remote.status ?? null),
    });
    return 'updated';
  } catch (error) {
    if (error instanceof HintApiError && !error.retryable) {
      await markInvoiceErrored(deps, loaded, link.localId, reasonFromHint(error));
      return 'errored';
    }
    throw error;
  }
}

/** The link shows the reason (with no remote id when nothing exists in Hint yet); so does the log. */
export async function markInvoiceErrored(
  deps: HintDeps,
  loaded: LoadedConnection,
  invoiceId: string,
  reason: string,
): Promise<void> {
  const key = { practiceId: loaded.connection.practiceId, connectionId: loaded.connection.id };
  // The link's reason and its log line together: staff never see one without the other.
  await inTransaction(deps.db, async (tx) => {
    await markLinkErrored(tx, { ...key, entityKind: 'invoice', localId: invoiceId }, reason);
    await writeLog(tx, loaded.connection.practiceId, {
      level: 'error',
      message: `invoice cannot sync with Hint: ${reason}`,
      connectionId: loaded.connection.id,
      entityKind: 'invoice',
      entityId: invoiceId,
    });
  });
}
