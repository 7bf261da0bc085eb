// Partner interactions on a patient's chart, and the practice-wide interactions list.
// Hint has no interaction.* webhooks: clients poll with updated_at.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { practiceAuth } from '../auth.ts';
import type { HintContext } from '../context.ts';
import { HintError, notFound, parseWith } from '../errors.ts';
import { assertRecordIdFree, recordPartnerWrite, resolveAlias } from '../integration-data.ts';
import { filterRecords, matchAndSort, parseListOptions, sendPage } from '../lists.ts';
import type { Interaction } from '../model.ts';
import { interactionView } from '../views/partner.ts';
import { findPatient } from './patients.ts';

type PatientParams = { Params: { patientId: string } };
type InteractionParams = { Params: { patientId: string; id: string } };
const STATUSES = ['draft', 'signed', 'addended', 'deleted', 'failed'] as const;
const str = z.string().nullable().optional();
const shape = {
  status: z.enum(STATUSES),
  title: str,
  body: str,
  integration_record_id: str,
  integration_error_message: str,
  integration_web_link: str,
};
const createSchema = z.object(shape);
const updateSchema = z.object(shape).partial();
const guideCreateSchema = z.object({
  type: z.literal('partner', { error: 'must be "partner": a partner creates partner interactions only' }),
  ...shape,
});

/** `status[]=a&status[]=b`, `status=a` or `status=a,b` → ['a','b']. */
function listParam(query: Record<string, unknown>, name: string): string[] | undefined {
  const raw = query[`${name}[]`] ?? query[name];
  if (raw === undefined) return undefined;
  const values = Array.isArray(raw) ? raw : [raw];
  return values.flatMap((v) => String(v).split(',')).filter(Boolean);
}

export function interactionRoutes(app: FastifyInstance, ctx: HintContext): void {
  const { state } = ctx;
  const find = (request: FastifyRequest<InteractionParams>): Interaction => {
    const auth = practiceAuth(request);
    const patient = findPatient(ctx, auth, request.params.patientId);
    const id = resolveAlias(state, auth.partnerId, auth.practiceId, 'interaction', request.params.id);
    const interaction = state.data.interactions.get(id);
    if (!interaction || interaction.patientId !== patient.id) throw notFound('Interaction');
    return interaction;
  };

  const create = async (request: FastifyRequest<PatientParams>, input: z.infer<typeof createSchema>) => {
    const auth = practiceAuth(request);
    const patient = findPatient(ctx, auth, request.params.patientId);
    assertRecordIdFree(state, auth.partnerId, auth.practiceId, 'interaction', input.integration_record_id);
    const now = state.now();
    const interaction: Interaction = {
      id: state.id('inter'),
      practiceId: auth.practiceId,
      createdAt: now,
      updatedAt: now,
      version: 1,
      patientId: patient.id,
      type: 'partner',
      status: input.status,
      title: input.title ?? null,
      body: input.body ?? null,
    };
    state.data.interactions.set(interaction.id, interaction);
    recordPartnerWrite(state, auth.partnerId, 'interaction', interaction, input);
    return interactionView(state, auth.partnerId, interaction);
  };
  app.post<PatientParams>('/api/provider/patients/:patientId/interactions/partner', async (request) =>
    create(request, parseWith(createSchema, request.body)),
  );
  // The form in Hint's app-integration guide: the generic interactions route with type "partner".
  // Only partner interactions may be written this way by a partner.
  app.post<PatientParams>('/api/provider/patients/:patientId/interactions', async (request) => {
    const input = parseWith(guideCreateSchema, request.body);
    const { type: _type, ...rest } = input;
    return create(request, rest);
  });

  app.get<InteractionParams>('/api/provider/patients/:patientId/interactions/partner/:id', async (request) =>
    interactionView(state, practiceAuth(request).partnerId, find(request)),
  );

  const update = async (request: FastifyRequest<InteractionParams>) => {
    const auth = practiceAuth(request);
    const interaction = find(request);
    const input = parseWith(updateSchema, request.body);
    assertRecordIdFree(
      state,
      auth.partnerId,
      auth.practiceId,
      'interaction',
      input.integration_record_id,
      interaction.id,
    );
    if (input.status === 'draft' && interaction.status !== 'draft') {
      throw new HintError(422, `Validation failed: Status cannot go back to draft from ${interaction.status}`);
    }
    const changes = input.status !== undefined || input.title !== undefined || input.body !== undefined;
    if (input.status !== undefined) interaction.status = input.status;
    if (input.title !== undefined) interaction.title = input.title;
    if (input.body !== undefined) interaction.body = input.body;
    if (changes) state.touch(interaction);
    recordPartnerWrite(state, auth.partnerId, 'interaction', interaction, input);
    return interactionView(state, auth.partnerId, interaction);
  };
  app.patch<InteractionParams>('/api/provider/patients/:patientId/interactions/partner/:id', update);
  app.put<InteractionParams>('/api/provider/patients/:patientId/interactions/partner/:id', update);
  app.patch<InteractionParams>('/api/provider/patients/:patientId/interactions/:id', async (request) => {
    const interaction = find(request);
    if (interaction.type !== 'partner')
      throw new HintError(403, 'Only partner interactions can be changed by a partner');
    return update(request);
  });

  app.get('/api/provider/interactions', async (request, reply) => {
    const auth = practiceAuth(request);
    const query = (request.query ?? {}) as Record<string, unknown>;
    const patientIds = listParam(query, 'patient_id');
    const statuses = listParam(query, 'status');
    const types = listParam(query, 'type');
    const options = parseListOptions(request, state.config, ['patient_id', 'status', 'type']);
    options.archived = 'all';
    const own = [...state.data.interactions.values()].filter(
      (i) =>
        i.practiceId === auth.practiceId &&
        (!patientIds || patientIds.includes(i.patientId)) &&
        (!statuses || statuses.includes(i.status)) &&
        (!types || types.includes(i.type)),
    );
    const views = filterRecords(own, options).map((i) => interactionView(state, auth.partnerId, i));
    return sendPage(reply, matchAndSort(views, options), options);
  });

  app.post<{ Params: { id: string } }>('/api/provider/interactions/:id/notifications', async (request) => {
    const auth = practiceAuth(request);
    const interaction = state.data.interactions.get(request.params.id);
    if (!interaction || interaction.practiceId !== auth.practiceId) throw notFound('Interaction');
    const input = parseWith(z.object({ title: z.string().trim().min(1) }), request.body);
    return { id: state.id('intn'), title: input.title };
  });
}
