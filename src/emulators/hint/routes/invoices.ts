// /api/provider/customer_invoices with charges and payments. {id} may be the caller's
// integration_record_id. Status moves draft → issued → paid, or → cancelled (void).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { practiceAuth, type PracticeAuth } from '../auth.ts';
import type { HintContext } from '../context.ts';
import { HintError, notFound, parseWith } from '../errors.ts';
import { invoiceEvent, type InvoiceEventType } from '../events.ts';
import { assertRecordIdFree, forgetIntegrationData, recordPartnerWrite, resolveAlias } from '../integration-data.ts';
import { listOf, parseListOptions } from '../lists.ts';
import type { CustomerInvoice } from '../model.ts';
import { addToIndex } from '../state.ts';
import { formatDate } from '../time.ts';
import { chargeView, invoiceView, paymentView } from '../views/billing.ts';
import { invoiceDocumentRoutes } from './invoice-documents.ts';
import { recordPayment } from '../invoice-service.ts';
import { strictInvoiceBody } from '../strict.ts';
import { membershipsOf } from '../views/patient.ts';

type IdParams = { Params: { id: string } };
type ChargeParams = { Params: { id: string; chargeId: string } };
const ref = z.object({ id: z.string().min(1) });
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

const createSchema = z
  .object({
    integration_record_id: z.string().nullable().optional(),
    owner: ref.optional(),
    patient: ref.optional(),
    date: date.optional(),
  })
  .refine((b) => b.owner || b.patient, { message: "can't be blank", path: ['owner'] });
const updateSchema = z.object({ integration_record_id: z.string().nullable().optional(), date: date.optional() });
const chargeShape = {
  quantity: z.number().int().min(1),
  price_in_cents: z.number().int(),
  name: z.string().trim().min(1),
  description: z.string().nullable().optional(),
  date: date.optional(),
  patient: ref.optional(),
  practitioner: ref.optional(),
  category: ref.optional(),
  charge_item: ref.optional(),
  location: ref.optional(),
};
const chargeSchema = z.object(chargeShape);
const chargeUpdateSchema = z.object(chargeShape).partial();
export function invoiceRoutes(app: FastifyInstance, ctx: HintContext): void {
  const { state } = ctx;
  const find = (auth: PracticeAuth, id: string): CustomerInvoice => {
    const invoice = state.data.invoices.get(
      resolveAlias(state, auth.partnerId, auth.practiceId, 'customer_invoice', id),
    );
    if (!invoice || invoice.practiceId !== auth.practiceId) throw notFound('Customer invoice');
    return invoice;
  };
  const patientIn = (auth: PracticeAuth, id: string, field: string) => {
    const patient = state.data.patients.get(resolveAlias(state, auth.partnerId, auth.practiceId, 'patient', id));
    if (!patient || patient.practiceId !== auth.practiceId)
      throw new HintError(422, `Validation failed: ${field} ${id} not found`);
    return patient.id;
  };
  const payerOf = (patientId: string) => {
    const current = membershipsOf(state, patientId).find((m) => m.status !== 'ended');
    return current?.ownerId ?? patientId;
  };
  const expand = (request: FastifyRequest) =>
    String((request.query as Record<string, unknown>).expand ?? '')
      .split(',')
      .includes('charges');
  const respond = (request: FastifyRequest, invoice: CustomerInvoice) =>
    invoiceView(state, practiceAuth(request).partnerId, invoice, expand(request));
  const changed = (invoice: CustomerInvoice, auth: PracticeAuth, ...types: InvoiceEventType[]) => {
    state.touch(invoice);
    recordPartnerWrite(state, auth.partnerId, 'customer_invoice', invoice, {});
    for (const type of types) invoiceEvent(ctx, type, invoice, auth.partnerId);
  };
  const requireStatus = (invoice: CustomerInvoice, allowed: CustomerInvoice['status'][], action: string) => {
    if (!allowed.includes(invoice.status)) throw new HintError(422, `Cannot ${action} a ${invoice.status} invoice`);
  };

  app.get('/api/provider/customer_invoices', async (request, reply) => {
    const auth = practiceAuth(request);
    const own = [...state.data.invoices.values()].filter((i) => i.practiceId === auth.practiceId);
    const withCharges = expand(request);
    return listOf(reply, own, parseListOptions(request, state.config), (i) =>
      invoiceView(state, auth.partnerId, i, withCharges),
    );
  });

  app.post('/api/provider/customer_invoices', async (request) => {
    const auth = practiceAuth(request);
    strictInvoiceBody(state, request.body);
    const input = parseWith(createSchema, request.body);
    const patientId = input.patient ? patientIn(auth, input.patient.id, 'Patient') : null;
    // Without an owner Hint bills the patient's payer (the owner of their membership), else the patient.
    const ownerId = input.owner ? patientIn(auth, input.owner.id, 'Owner') : payerOf(patientId ?? '');
    assertRecordIdFree(state, auth.partnerId, auth.practiceId, 'customer_invoice', input.integration_record_id);
    const now = state.now();
    const invoice: CustomerInvoice = {
      id: state.id('inv'),
      practiceId: auth.practiceId,
      createdAt: now,
      updatedAt: now,
      version: 1,
      invoice_number: state.nextInvoiceNumber(auth.practiceId),
      status: 'draft',
      ownerId,
      patientId,
      date: input.date ?? formatDate(now, state.offsetOf(auth.practiceId)),
      charges: [],
      payments: [],
      paidAt: null,
      lastSentAt: null,
    };
    state.data.invoices.set(invoice.id, invoice);
    addToIndex(state.data.invoicesByOwner, ownerId, invoice.id);
    recordPartnerWrite(state, auth.partnerId, 'customer_invoice', invoice, input);
    invoiceEvent(ctx, 'created', invoice, auth.partnerId);
    return respond(request, invoice);
  });

  app.get<IdParams>('/api/provider/customer_invoices/:id', async (request) =>
    respond(request, find(practiceAuth(request), request.params.id)),
  );

  const update = async (request: FastifyRequest<IdParams>) => {
    const auth = practiceAuth(request);
    const invoice = find(auth, request.params.id);
    strictInvoiceBody(state, request.body);
    const input = parseWith(updateSchema, request.body);
    assertRecordIdFree(
      state,
      auth.partnerId,
      auth.practiceId,
      'customer_invoice',
      input.integration_record_id,
      invoice.id,
    );
    if (input.date !== undefined) {
      invoice.date = input.date;
      changed(invoice, auth, 'updated');
    }
    recordPartnerWrite(state, auth.partnerId, 'customer_invoice', invoice, input);
    return respond(request, invoice);
  };
  app.patch<IdParams>('/api/provider/customer_invoices/:id', update);
  app.put<IdParams>('/api/provider/customer_invoices/:id', update);

  app.delete<IdParams>('/api/provider/customer_invoices/:id', async (request, reply) => {
    const auth = practiceAuth(request);
    const invoice = find(auth, request.params.id);
    requireStatus(invoice, ['draft'], 'delete');
    invoiceEvent(ctx, 'destroyed', invoice, auth.partnerId);
    state.data.invoices.delete(invoice.id);
    state.data.invoicesByOwner.get(invoice.ownerId)?.delete(invoice.id);
    forgetIntegrationData(state, 'customer_invoice', invoice);
    return reply.code(204).send();
  });

  app.post<IdParams>('/api/provider/customer_invoices/:id/issue', async (request) => {
    const auth = practiceAuth(request);
    const invoice = find(auth, request.params.id);
    requireStatus(invoice, ['draft'], 'issue');
    if (invoice.charges.length === 0) throw new HintError(422, "Validation failed: Charges can't be blank");
    invoice.status = 'issued';
    changed(invoice, auth, 'issued');
    return respond(request, invoice);
  });

  app.post<IdParams>('/api/provider/customer_invoices/:id/void', async (request) => {
    const auth = practiceAuth(request);
    const invoice = find(auth, request.params.id);
    requireStatus(invoice, ['draft', 'issued', 'sent'], 'void');
    invoice.status = 'cancelled';
    changed(invoice, auth, 'cancelled');
    return respond(request, invoice);
  });

  app.post<IdParams>('/api/provider/customer_invoices/:id/return_to_draft', async (request) => {
    const auth = practiceAuth(request);
    const invoice = find(auth, request.params.id);
    requireStatus(invoice, ['issued', 'sent'], 'return to draft');
    if (invoice.payments.length > 0) throw new HintError(422, 'Cannot return an invoice with payments to draft');
    invoice.status = 'draft';
    changed(invoice, auth, 'draft');
    return respond(request, invoice);
  });

  chargeRoutes(app, ctx, find, patientIn, changed);
  invoiceDocumentRoutes(app, ctx, find);

  app.get<IdParams>('/api/provider/customer_invoices/:id/payments', async (request, reply) => {
    const invoice = find(practiceAuth(request), request.params.id);
    const options = parseListOptions(request, state.config);
    const page = invoice.payments.slice(options.offset, options.offset + options.limit);
    reply.header('x-count', String(page.length)).header('x-total-count', String(invoice.payments.length));
    return page.map((p) => paymentView(state, invoice, p));
  });

  app.get<ChargeParams>('/api/provider/customer_invoices/:id/payments/:chargeId', async (request) => {
    const invoice = find(practiceAuth(request), request.params.id);
    const payment = invoice.payments.find((p) => p.id === request.params.chargeId);
    if (!payment) throw notFound('Payment');
    return paymentView(state, invoice, payment);
  });

  app.post<IdParams>('/api/provider/customer_invoices/:id/payments', async (request) => {
    const auth = practiceAuth(request);
    const invoice = find(auth, request.params.id);
    return paymentView(state, invoice, recordPayment(ctx, invoice, request.body, auth.partnerId));
  });
}

type Changed = (invoice: CustomerInvoice, auth: PracticeAuth, ...types: InvoiceEventType[]) => void;

function chargeRoutes(
  app: FastifyInstance,
  ctx: HintContext,
  find: (auth: PracticeAuth, id: string) => CustomerInvoice,
  patientIn: (auth: PracticeAuth, id: string, field: string) => string,
  changed: Changed,
): void {
  const { state } = ctx;
  const draftOnly = (invoice: CustomerInvoice) => {
    if (invoice.status !== 'draft') throw new HintError(422, `Cannot change charges on a ${invoice.status} invoice`);
  };
  const findCharge = (invoice: CustomerInvoice, id: string) => {
    const charge = invoice.charges.find((c) => c.id === id);
    if (!charge) throw notFound('Charge');
    return charge;
  };

  app.post<IdParams>('/api/provider/customer_invoices/:id/charges', async (request, reply) => {
    const auth = practiceAuth(request);
    const invoice = find(auth, request.params.id);
    const input = parseWith(chargeSchema, request.body);
    const patientId = input.patient ? patientIn(auth, input.patient.id, 'Patient') : invoice.patientId;
    draftOnly(invoice);
    const now = state.now();
    const charge = {
      id: state.id('cha'),
      name: input.name,
      description: input.description ?? '',
      quantity: input.quantity,
      price_in_cents: input.price_in_cents,
      service_date: input.date ?? invoice.date,
      patientId,
      createdAt: now,
      updatedAt: now,
    };
    invoice.charges.push(charge);
    changed(invoice, auth, 'updated');
    return reply.code(201).send(chargeView(state, auth.partnerId, invoice, charge));
  });

  app.patch<ChargeParams>('/api/provider/customer_invoices/:id/charges/:chargeId', async (request) => {
    const auth = practiceAuth(request);
    const invoice = find(auth, request.params.id);
    const charge = findCharge(invoice, request.params.chargeId);
    const input = parseWith(chargeUpdateSchema, request.body);
    const patientId = input.patient ? patientIn(auth, input.patient.id, 'Patient') : undefined;
    draftOnly(invoice);
    if (input.name !== undefined) charge.name = input.name;
    if (input.description !== undefined) charge.description = input.description ?? '';
    if (input.quantity !== undefined) charge.quantity = input.quantity;
    if (input.price_in_cents !== undefined) charge.price_in_cents = input.price_in_cents;
    if (input.date !== undefined) charge.service_date = input.date;
    if (patientId !== undefined) charge.patientId = patientId;
    charge.updatedAt = state.now();
    changed(invoice, auth, 'updated');
    return chargeView(state, auth.partnerId, invoice, charge);
  });

  app.delete<ChargeParams>('/api/provider/customer_invoices/:id/charges/:chargeId', async (request, reply) => {
    const auth = practiceAuth(request);
    const invoice = find(auth, request.params.id);
    const charge = findCharge(invoice, request.params.chargeId);
    draftOnly(invoice);
    invoice.charges = invoice.charges.filter((c) => c !== charge);
    changed(invoice, auth, 'updated');
    return reply.code(204).send();
  });
}
