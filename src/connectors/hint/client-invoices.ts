// Hint's customer-invoice endpoints the connector calls (practice token, one client). {id}
// may be our integration_record_id: Hint resolves it as an alias.
import { z } from 'zod';
import { HintApiError } from './client.ts';
import type { Page } from './client-endpoints.ts';
import type { HintConn, HintRuntime } from './connection.ts';
import { hintInvoiceSchema, type HintInvoice } from './schemas.ts';

const BASE = '/provider/customer_invoices';
const at = (id: string) => `${BASE}/${encodeURIComponent(id)}`;
const opts = (hc: HintConn) => ({ token: hc.token, ratePerSecond: hc.settings.rateLimitPerSecond });

/** The invoice with its charges; undefined when Hint has none by that id (or alias). */
export async function getInvoice(rt: HintRuntime, hc: HintConn, id: string): Promise<HintInvoice | undefined> {
  try {
    return (
      await rt.client.call('GET', at(id), { ...opts(hc), query: { expand: 'charges' }, schema: hintInvoiceSchema })
    ).data;
  } catch (error) {
    if (error instanceof HintApiError && error.status === 404) return undefined;
    throw error;
  }
}

export async function listInvoices(
  rt: HintRuntime,
  hc: HintConn,
  query: Record<string, string | number | undefined>,
): Promise<Page<HintInvoice>> {
  const res = await rt.client.call('GET', BASE, { ...opts(hc), query, schema: z.array(hintInvoiceSchema) });
  return { items: res.data, total: res.totalCount };
}

export async function createInvoice(
  rt: HintRuntime,
  hc: HintConn,
  body: Record<string, unknown>,
): Promise<HintInvoice> {
  return (await rt.client.call('POST', BASE, { ...opts(hc), body, schema: hintInvoiceSchema })).data;
}

export async function patchInvoice(
  rt: HintRuntime,
  hc: HintConn,
  id: string,
  body: Record<string, unknown>,
): Promise<void> {
  await rt.client.call('PATCH', at(id), { ...opts(hc), body });
}

export type InvoiceAction = 'issue' | 'void' | 'return_to_draft';

export async function invoiceAction(rt: HintRuntime, hc: HintConn, id: string, action: InvoiceAction): Promise<void> {
  await rt.client.call('POST', `${at(id)}/${action}`, opts(hc));
}

export async function deleteInvoice(rt: HintRuntime, hc: HintConn, id: string): Promise<void> {
  await rt.client.call('DELETE', at(id), opts(hc));
}

export async function addCharge(
  rt: HintRuntime,
  hc: HintConn,
  id: string,
  body: Record<string, unknown>,
): Promise<void> {
  await rt.client.call('POST', `${at(id)}/charges`, { ...opts(hc), body });
}

export async function deleteCharge(rt: HintRuntime, hc: HintConn, id: string, chargeId: string): Promise<void> {
  await rt.client.call('DELETE', `${at(id)}/charges/${encodeURIComponent(chargeId)}`, opts(hc));
}
