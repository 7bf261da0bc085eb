// Hint's customer-invoice endpoints the connector calls (practice token, one client). {id}
// may be our integration_record_id: Hint resolves it as an alias.
import { z } from 'zod';
import { HintApiError } from './client.ts';
import type { Page } from './client-endpoints.ts';
import type { LoadedConnection, HintDeps } from './connection.ts';
import { hintInvoiceSchema, type HintInvoice } from './schemas.ts';

const BASE = '/provider/customer_invoices';
const at = (id: string) => `${BASE}/${encodeURIComponent(id)}`;
const opts = (loaded: LoadedConnection) => ({
  token: loaded.credentials.accessToken,
  ratePerSecond: loaded.settings.rateLimitPerSecond,
});

/** The invoice with its charges; undefined when Hint has none by that id (or alias). */
export async function getInvoice(
  deps: HintDeps,
  loaded: LoadedConnection,
  id: string,
): Promise<HintInvoice | undefined> {
  try {
    return (
      await deps.client.call('GET', at(id), {
        ...opts(loaded),
        query: { expand: 'charges' },
        schema: hintInvoiceSchema,
      })
    ).data;
  } catch (error) {
    if (error instanceof HintApiError && error.status === 404) return undefined;
    throw error;
  }
}

export async function listInvoices(
  deps: HintDeps,
  loaded: LoadedConnection,
  query: Record<string, string | number | undefined>,
): Promise<Page<HintInvoice>> {
  const res = await deps.client.call('GET', BASE, { ...opts(loaded), query, schema: z.array(hintInvoiceSchema) });
  return { items: res.data, total: res.totalCount };
}

export async function createInvoice(
  deps: HintDeps,
  loaded: LoadedConnection,
  body: Record<string, unknown>,
): Promise<HintInvoice> {
  return (await deps.client.call('POST', BASE, { ...opts(loaded), body, schema: hintInvoiceSchema })).data;
}

export async function patchInvoice(
  deps: HintDeps,
  loaded: LoadedConnection,
  id: string,
  body: Record<string, unknown>,
): Promise<void> {
  await deps.client.call('PATCH', at(id), { ...opts(loaded), body });
}

export type InvoiceAction = 'issue' | 'void' | 'return_to_draft';

export async function invoiceAction(
  deps: HintDeps,
  loaded: LoadedConnection,
  id: string,
  action: InvoiceAction,
): Promise<void> {
  await deps.client.call('POST', `${at(id)}/${action}`, opts(loaded));
}

export async function deleteInvoice(deps: HintDeps, loaded: LoadedConnection, id: string): Promise<void> {
  await deps.client.call('DELETE', at(id), opts(loaded));
}

export async function addCharge(
  deps: HintDeps,
  loaded: LoadedConnection,
  id: string,
  body: Record<string, unknown>,
): Promise<void> {
  await deps.client.call('POST', `${at(id)}/charges`, { ...opts(loaded), body });
}

export async function deleteCharge(
  deps: HintDeps,
  loaded: LoadedConnection,
  id: string,
  chargeId: string,
): Promise<void> {
  await deps.client.call('DELETE', `${at(id)}/charges/${encodeURIComponent(chargeId)}`, opts(loaded));
}
