// Harness routes that act as people inside Hint: a practice user editing patients and
// memberships, an admin connecting or disconnecting an app, a user opening the app.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { HintContext } from './context.ts';
import { HintError, notFound, parseWith } from './errors.ts';
import { performHandshake } from './handshake.ts';
import { issueCode } from './instanton.ts';
import { createMembership, updateMembership } from './membership-service.ts';
import { createPatient, destroyPatient, updatePatient } from './patient-service.ts';
import { setIntegrationStatus } from './integration-status.ts';
import { createPractice } from './seed-practice.ts';
import { recordPayment } from './invoice-service.ts';
import { invoiceView, membershipView, paymentView } from './views/billing.ts';
import { patientView } from './views/patient.ts';

type PracticeParams = { Params: { practiceId: string } };
type PatientParams = { Params: { practiceId: string; id: string } };

/** Lookups shared by the harness routes; the first partner is the default. */
export function harnessLookups(ctx: HintContext) {
  const { state } = ctx;
  const partnerOf = (id: string | undefined) => {
    const partnerId = id ?? [...state.data.partners.keys()][0] ?? '';
    if (!state.data.partners.has(partnerId)) throw notFound('Partner');
    return partnerId;
  };
  const practiceOf = (practiceId: string) => {
    if (!state.data.practices.has(practiceId)) throw notFound('Practice');
    return practiceId;
  };
  const patientIn = (practiceId: string, id: string) => {
    const patient = state.data.patients.get(id);
    if (!patient || patient.practiceId !== practiceOf(practiceId)) throw notFound('Patient');
    return patient;
  };
  /** ?partner=<ptr-id> chooses whose integration fields a response shows. */
  const asSeenBy = (query: unknown) => partnerOf((query as { partner?: string }).partner);
  return { partnerOf, practiceOf, patientIn, asSeenBy };
}

export function practiceUserRoutes(app: FastifyInstance, ctx: HintContext): void {
  const { state } = ctx;
  const { partnerOf, practiceOf, patientIn, asSeenBy } = harnessLookups(ctx);

  app.post('/_emulator/practices', async (request) => {
    const input = parseWith(z.object({ name: z.string().trim().min(1) }), request.body);
    const practice = createPractice(state, input.name);
    return { id: practice.id, name: practice.name };
  });

  app.post<PracticeParams>('/_emulator/practices/:practiceId/patients', async (request) => {
    const patient = createPatient(ctx, practiceOf(request.params.practiceId), request.body);
    return patientView(state, asSeenBy(request.query), patient);
  });

  app.patch<PatientParams>('/_emulator/practices/:practiceId/patients/:id', async (request) => {
    const patient = updatePatient(ctx, patientIn(request.params.practiceId, request.params.id), request.body);
    return patientView(state, asSeenBy(request.query), patient);
  });

  app.delete<PatientParams>('/_emulator/practices/:practiceId/patients/:id', async (request, reply) => {
    destroyPatient(ctx, patientIn(request.params.practiceId, request.params.id));
    return reply.code(204).send();
  });

  app.post<PracticeParams>('/_emulator/practices/:practiceId/memberships', async (request) =>
    membershipView(
      state,
      asSeenBy(request.query),
      createMembership(ctx, practiceOf(request.params.practiceId), request.body),
    ),
  );

  app.patch<PatientParams>('/_emulator/practices/:practiceId/memberships/:id', async (request) =>
    membershipView(
      state,
      asSeenBy(request.query),
      updateMembership(ctx, practiceOf(request.params.practiceId), request.params.id, request.body),
    ),
  );

  // A practice user taking a payment in Hint (card on file, cash…): customer_invoice.paid or .updated to every partner.
  app.post<PatientParams>('/_emulator/practices/:practiceId/customer_invoices/:id/payments', async (request) => {
    const invoice = state.data.invoices.get(request.params.id);
    if (!invoice || invoice.practiceId !== practiceOf(request.params.practiceId)) throw notFound('Customer invoice');
    const payment = recordPayment(ctx, invoice, request.body ?? {});
    return {
      payment: paymentView(state, invoice, payment),
      invoice: invoiceView(state, asSeenBy(request.query), invoice, true),
    };
  });

  app.post<PracticeParams>('/_emulator/practices/:practiceId/instanton-code', async (request) => {
    const input = parseWith(z.object({ partnerId: z.string().optional() }), request.body);
    return issueCode(ctx, practiceOf(request.params.practiceId), partnerOf(input.partnerId));
  });

  app.post<PracticeParams>('/_emulator/practices/:practiceId/handshake', async (request) => {
    const partnerId = partnerOf((request.body as { partnerId?: string } | undefined)?.partnerId);
    return performHandshake(ctx, practiceOf(request.params.practiceId), partnerId, request.body);
  });

  app.post<PracticeParams>('/_emulator/practices/:practiceId/disconnect', async (request) => {
    const input = parseWith(z.object({ partnerId: z.string().optional() }), request.body);
    const integration = state.integrationFor(partnerOf(input.partnerId), practiceOf(request.params.practiceId));
    if (!integration) throw new HintError(404, 'Integration not found');
    setIntegrationStatus(ctx, integration, 'inactive');
    return { id: integration.id, status: integration.status };
  });
}
