// /api/provider/patients: CRUD, matching, integration records, account access tokens.
// {id} may be the Hint id or the caller's own integration_record_id.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { practiceAuth, type PracticeAuth } from '../auth.ts';
import type { HintContext } from '../context.ts';
import { notFound, parseWith } from '../errors.ts';
import { partnersWithRecords, resolveAlias } from '../integration-data.ts';
import { listOf, parseListOptions, SortedIndex } from '../lists.ts';
import type { Patient } from '../model.ts';
import { createPatient, destroyPatient, updatePatient } from '../patient-service.ts';
import { strictPatientCreate, strictPatientUpdate } from '../strict.ts';
import { patientView } from '../views/patient.ts';

type IdParams = { Params: { id: string } };

export function findPatient(ctx: HintContext, auth: PracticeAuth, id: string): Patient {
  const patientId = resolveAlias(ctx.state, auth.partnerId, auth.practiceId, 'patient', id);
  const patient = ctx.state.data.patients.get(patientId);
  if (!patient || patient.practiceId !== auth.practiceId) throw notFound('Patient');
  if (patient.archivedAt !== null && ctx.state.config.archivedPatientsById === 'hidden') throw notFound('Patient');
  return patient;
}

const matchingSchema = z.object({
  first_name: z.string().trim().min(1),
  last_name: z.string().trim().min(1),
  middle_name: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  dob: z.string().nullable().optional(),
  phones: z.array(z.object({ number: z.union([z.string(), z.number()]).transform(String) }).loose()).optional(),
});

const same = (a: unknown, b: string | null | undefined) =>
  typeof a === 'string' && typeof b === 'string' && a.trim().toLowerCase() === b.trim().toLowerCase();
const digits = (s: string) => s.replace(/\D/g, '').slice(-10);

/** Candidates share both names, or one name plus dob, email or a phone number. */
function matches(patient: Patient, q: z.infer<typeof matchingSchema>): boolean {
  const first = same(patient.fields.first_name, q.first_name);
  const last = same(patient.fields.last_name, q.last_name);
  if (first && last) return true;
  if (!first && !last) return false;
  const phones = new Set(patient.phones.map((p) => digits(p.number)));
  return (
    same(patient.fields.dob, q.dob) ||
    same(patient.fields.email, q.email) ||
    (q.phones ?? []).some((p) => digits(p.number).length > 0 && phones.has(digits(p.number)))
  );
}

export function patientRoutes(app: FastifyInstance, ctx: HintContext): void {
  const { state } = ctx;
  const view = (request: FastifyRequest, patient: Patient) => {
    const { partnerId } = practiceAuth(request);
    return state.cachedView(`patient|${partnerId}|${patient.id}`, () => patientView(state, partnerId, patient));
  };

  const byCreation = new SortedIndex<Patient>();
  app.get('/api/provider/patients', async (request, reply) => {
    const auth = practiceAuth(request);
    const options = parseListOptions(request, state.config);
    const own = () => [...state.data.patients.values()].filter((p) => p.practiceId === auth.practiceId);
    const render = (p: Patient) =>
      state.cachedView(`patient|${auth.partnerId}|${p.id}`, () => patientView(state, auth.partnerId, p));
    // Paging a large practice by creation: the sorted order is kept until a patient comes or goes.
    const sorted =
      options.sort && options.matches.size === 0
        ? byCreation.get(auth.practiceId, options.sort, [state.data, state.data.patientSetVersion], own)
        : undefined;
    return sorted ? listOf(reply, sorted, options, render, true) : listOf(reply, own(), options, render);
  });

  app.post('/api/provider/patients', async (request) => {
    const auth = practiceAuth(request);
    strictPatientCreate(state, request.body);
    return view(request, createPatient(ctx, auth.practiceId, request.body, auth.partnerId));
  });

  app.post('/api/provider/patients/matching', async (request) => {
    const auth = practiceAuth(request);
    const query = parseWith(matchingSchema, request.body);
    const candidates = [...state.data.patients.values()].filter(
      (p) => p.practiceId === auth.practiceId && p.archivedAt === null && matches(p, query),
    );
    return candidates.map((p) => view(request, p));
  });

  // The hottest route: the serialized body itself is cached until the next write.
  app.get<IdParams>('/api/provider/patients/:id', async (request, reply) => {
    const auth = practiceAuth(request);
    const patient = findPatient(ctx, auth, request.params.id);
    const body = state.cachedView(`patient-json|${auth.partnerId}|${patient.id}`, () =>
      JSON.stringify(view(request, patient)),
    );
    return reply.type('application/json; charset=utf-8').send(body);
  });

  const update = async (request: FastifyRequest<IdParams>) => {
    const auth = practiceAuth(request);
    const patient = findPatient(ctx, auth, request.params.id);
    strictPatientUpdate(state, request.body);
    return view(request, updatePatient(ctx, patient, request.body, auth.partnerId));
  };
  app.patch<IdParams>('/api/provider/patients/:id', update);
  app.put<IdParams>('/api/provider/patients/:id', update);

  app.delete<IdParams>('/api/provider/patients/:id', async (request, reply) => {
    const auth = practiceAuth(request);
    destroyPatient(ctx, findPatient(ctx, auth, request.params.id), auth.partnerId);
    return reply.code(204).send();
  });

  app.get<{ Params: { patientId: string } }>(
    '/api/provider/patients/:patientId/integration_records',
    async (request) => {
      const auth = practiceAuth(request);
      const patient = findPatient(ctx, auth, request.params.patientId);
      return partnersWithRecords(state, patient.id)
        .filter((r) => state.config.integrationRecordsVisibility === 'all' || r.partnerId === auth.partnerId)
        .map((r) => {
          const partner = state.data.partners.get(r.partnerId);
          return { integration_record_id: r.recordId, partner: { id: r.partnerId, name: partner?.name ?? null } };
        });
    },
  );

  app.post<{ Params: { patientId: string } }>(
    '/api/provider/patients/:patientId/account_access_tokens',
    async (request) => {
      const patient = findPatient(ctx, practiceAuth(request), request.params.patientId);
      const token = state.token();
      const slug = state
        .practice(patient.practiceId)
        .name.toLowerCase()
        .replace(/[^a-z0-9]+/g, '-');
      return { token, url: `https://${slug}.hint.com/account?exchange_token=${token}` };
    },
  );
}
