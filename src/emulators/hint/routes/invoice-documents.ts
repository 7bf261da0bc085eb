// Invoice documents: POST …/{id}/pdf answers a download link valid for 15 minutes (Hint's
// link carries an account_token, no Bearer); POST …/{id}/send_email marks it sent, or 422
// when the owner has no email address.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { practiceAuth, type PracticeAuth } from '../auth.ts';
import type { HintContext } from '../context.ts';
import { HintError, notFound } from '../errors.ts';
import { invoiceEvent } from '../events.ts';
import type { CustomerInvoice } from '../model.ts';
import { invoiceView } from '../views/billing.ts';
import { totalInCents } from '../views/invoice-math.ts';

type IdParams = { Params: { id: string } };
const LINK_TTL_MS = 15 * 60_000;

interface IssuedFile {
  invoiceId: string;
  token: string;
  expiresAt: number;
}

/** A one-page PDF naming the invoice: enough for a client to store and show it. */
function pdfFor(invoice: CustomerInvoice): Buffer {
  const text =
    `Invoice ${invoice.invoice_number} - ${invoice.id} - total ${(totalInCents(invoice) / 100).toFixed(2)} USD`.replace(
      /[()\\]/g,
      '',
    );
  const stream = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((obj, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${obj}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

export function invoiceDocumentRoutes(
  app: FastifyInstance,
  ctx: HintContext,
  find: (auth: PracticeAuth, id: string) => CustomerInvoice,
): void {
  const { state } = ctx;
  const files = new Map<string, IssuedFile>();
  const baseUrl = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

  app.post<IdParams>('/api/provider/customer_invoices/:id/pdf', async (request) => {
    const invoice = find(practiceAuth(request), request.params.id);
    const fileId = state.id('file').slice(5);
    const token = state.token();
    files.set(fileId, { invoiceId: invoice.id, token, expiresAt: state.now() + LINK_TTL_MS });
    return { url: `${baseUrl(request)}/api/files/${fileId}?account_token=${token}` };
  });

  app.get<{ Params: { fileId: string }; Querystring: { account_token?: string } }>(
    '/api/files/:fileId',
    async (request, reply) => {
      const file = files.get(request.params.fileId);
      const invoice = file ? state.data.invoices.get(file.invoiceId) : undefined;
      if (!file || !invoice || file.token !== request.query.account_token || file.expiresAt < state.now())
        throw notFound('File');
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="invoice-${invoice.invoice_number}.pdf"`)
        .send(pdfFor(invoice));
    },
  );

  app.post<IdParams>('/api/provider/customer_invoices/:id/send_email', async (request) => {
    const auth = practiceAuth(request);
    const invoice = find(auth, request.params.id);
    if (invoice.status === 'draft' || invoice.status === 'cancelled')
      throw new HintError(422, `Cannot email a ${invoice.status} invoice`);
    const email = state.data.patients.get(invoice.ownerId)?.fields.email;
    if (typeof email !== 'string' || !email.includes('@'))
      throw new HintError(422, 'Validation failed: Owner has no valid email address');
    invoice.lastSentAt = state.now();
    if (invoice.status === 'issued') invoice.status = 'sent';
    state.touch(invoice);
    invoiceEvent(ctx, 'updated', invoice, auth.partnerId);
    return invoiceView(state, auth.partnerId, invoice);
  });
}
