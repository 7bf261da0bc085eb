// Hint → Tandem for one customer invoice billed through Tandem (billing: 'practice'): Hint owns
// the payment facts (paid, paid at, and whether it is paid), so they are copied onto the
// canonical invoice. The write is made as this connection, so the fan-out never sends it back.
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.ts';
import { isUuid } from '../../core/ids.ts';
import type { InvoiceStatus } from '../../core/records/invoice.ts';
import { findLink, upsertLink, type Link } from '../../db/links.ts';
import { writeLog } from '../../db/logs.ts';
import { invoices } from '../../db/records/kinds.ts';
import { getRecord, recordExists, updateRecord, type Json } from '../../db/records/repository.ts';
import { getInvoice } from './client-invoices.ts';
import { paymentFactsOf, statusToTake } from './mapping-invoice.ts';
import { writeContext, type LoadedConnection, type HintDeps } from './connection.ts';
import type { HintInvoice } from './schemas.ts';

export type InvoiceAbsorb = 'merged' | 'unchanged' | 'stale' | 'unlinked' | 'errored';

const time = (s: string | null | undefined) => (s ? Date.parse(s) : Number.NaN);

export const invoiceKey = (loaded: LoadedConnection, localId: string, remoteId: string) => ({
  practiceId: loaded.connection.practiceId,
  connectionId: loaded.connection.id,
  entityKind: 'invoice',
  localId,
  remoteId,
});

/** The link of a Hint invoice: known, or made now when it carries the id of one of our invoices. */
export async function linkInvoice(
  deps: HintDeps,
  loaded: LoadedConnection,
  remote: HintInvoice,
): Promise<Link | undefined> {
  const { db } = deps;
  const known = await findLink(db, loaded.connection.practiceId, loaded.connection.id, 'invoice', {
    remoteId: remote.id,
  });
  if (known) return known;
  const localId = remote.integration_record_id;
  if (!isUuid(localId)) return undefined;
  if (!(await recordExists(db, loaded.connection.practiceId, invoices, localId))) return undefined;
  return upsertLink(db, invoiceKey(loaded, localId, remote.id), { status: 'unsynced', errorMessage: null });
}

/** Copies Hint's payment facts onto the linked canonical invoice; a no-op when they agree (our own writes coming back). */
export async function absorbInvoice(
  deps: HintDeps,
  loaded: LoadedConnection,
  remote: HintInvoice,
  destroyed = false,
  reread = false,
): Promise<InvoiceAbsorb> {
  const { db } = deps;
  const link = await linkInvoice(deps, loaded, remote);
  if (!link) return 'unlinked';
  if (destroyed) {
    await upsertLink(db, invoiceKey(loaded, link.localId, remote.id), { remoteState: 'destroyed' });
    await writeLog(db, loaded.connection.practiceId, {
      level: 'debug',
      message: 'invoice deleted in Hint',
      connectionId: loaded.connection.id,
      entityKind: 'invoice',
      entityId: link.localId,
    });
    return 'merged';
  }
  if (time(remote.updated_at) < time(link.remoteVersion)) return 'stale';
  const sameVersion = time(remote.updated_at) === time(link.remoteVersion);
  if (sameVersion && !reread && paymentFactsOf(remote).status !== link.remoteData.hintStatus) {
    // Same version as last seen: if its facts differ, the event cannot be ordered; the invoice can.
    const fresh = await getInvoice(deps, loaded, remote.id);
    return fresh ? absorbInvoice(deps, loaded, fresh, false, true) : 'stale';
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await applyFacts(deps, loaded, link, remote);
    } catch (error) {
      // The invoice changed in Tandem between reading and writing: read it again.
      if (!(error instanceof ConflictError) || attempt >= 5) throw error;
    }
  }
}

async function applyFacts(
  deps: HintDeps,
  loaded: LoadedConnection,
  link: Link,
  remote: HintInvoice,
): Promise<InvoiceAbsorb> {
  const { db } = deps;
  let canonical: Json;
  try {
    canonical = await getRecord(db, loaded.connection.practiceId, invoices, link.localId);
  } catch (error) {
    if (error instanceof NotFoundError) return 'unchanged'; // deleted in Tandem
    throw error;
  }
  const facts = paymentFactsOf(remote);
  const base = link.remoteData.hintStatus as InvoiceStatus | undefined;
  const patch: Json = {};
  const status = statusToTake(canonical.status as InvoiceStatus, facts.status, base);
  if (status) patch.status = status;
  if (facts.paidCents !== canonical.paidCents) patch.paidCents = facts.paidCents;
  if (facts.paidAt !== null && time(facts.paidAt) !== time(canonical.paidAt as string | null))
    patch.paidAt = facts.paidAt;
  if (facts.paidAt === null && canonical.paidAt !== null && facts.status !== 'paid') patch.paidAt = null;
  let refused: string | null = null;
  if (Object.keys(patch).length > 0) {
    try {
      await updateRecord(db, writeContext(loaded.connection), invoices, link.localId, patch, Number(canonical.version));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      // e.g. Hint's charges (and so its paid amount) differ from Tandem's lines until the next push.
      refused = `Tandem refused ${error.details.map((d) => `${d.field} ${d.message}`).join('; ')}`;
    }
  }
  await upsertLink(db, invoiceKey(loaded, link.localId, remote.id), {
    ...(refused ? { status: 'errored' as const, errorMessage: refused } : {}),
    remoteVersion: remote.updated_at ?? link.remoteVersion,
    remoteState: remote.status ?? null,
    remoteData: {
      hintStatus: facts.status,
      invoiceNumber: remote.invoice_number ?? null,
      webLink: remote.provider_web_link ?? null,
    },
  });
  if (refused)
    await writeLog(db, loaded.connection.practiceId, {
      level: 'error',
      message: `invoice cannot sync with Hint: ${refused}`,
      connectionId: loaded.connection.id,
      entityKind: 'invoice',
      entityId: link.localId,
    });
  return refused ? 'errored' : Object.keys(patch).length > 0 ? 'merged' : 'unchanged';
}
