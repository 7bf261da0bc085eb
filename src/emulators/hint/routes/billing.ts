// Plans, companies (employers) and memberships: enough for realistic membership_status,
// plan, employer and balance on patients.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { practiceAuth, type PracticeAuth } from '../auth.ts';
import type { HintContext } from '../context.ts';
import { HintError, notFound, parseWith } from '../errors.ts';
import { companyEvent } from '../events.ts';
import { listOf, parseListOptions } from '../lists.ts';
import type { Company, Membership } from '../model.ts';
import { formatDate } from '../time.ts';
import { membershipView } from '../views/billing.ts';
import { companyView, planView } from '../views/common.ts';

type IdParams = { Params: { id: string } };
const str = z.string().nullable().optional();

const companyShape = {
  name: z.string().trim().min(1),
  address: z.object({ line1: str, line2: str, city: str, state: str, zip: str, country: str }).optional(),
  default_plan: z.object({ id: z.string() }).nullable().optional(),
  phones: z
    .array(z.object({ number: z.union([z.string(), z.number()]).transform(String), type: z.string() }))
    .optional(),
};
const createCompanySchema = z.object(companyShape);
const updateCompanySchema = z.object(companyShape).partial();

export function billingRoutes(app: FastifyInstance, ctx: HintContext): void {
  const { state } = ctx;
  const ofPractice = <T extends { practiceId: string }>(items: Iterable<T>, auth: PracticeAuth) =>
    [...items].filter((x) => x.practiceId === auth.practiceId);

  app.get<{ Querystring: { plan_type?: string } }>('/api/provider/plans', async (request, reply) => {
    const auth = practiceAuth(request);
    const options = parseListOptions(request, state.config);
    return listOf(reply, ofPractice(state.data.plans.values(), auth), options, planView);
  });

  const findCompany = (auth: PracticeAuth, id: string): Company => {
    const company = state.data.companies.get(id);
    if (!company || company.practiceId !== auth.practiceId) throw notFound('Company');
    return company;
  };
  const planRef = (auth: PracticeAuth, ref: { id: string } | null | undefined) => {
    if (!ref) return ref === null ? null : undefined;
    const plan = state.data.plans.get(ref.id);
    if (!plan || plan.practiceId !== auth.practiceId)
      throw new HintError(422, `Validation failed: Default plan ${ref.id} not found`);
    return plan.id;
  };

  app.get('/api/provider/companies', async (request, reply) => {
    const auth = practiceAuth(request);
    return listOf(
      reply,
      ofPractice(state.data.companies.values(), auth),
      parseListOptions(request, state.config),
      (c) => companyView(state, c),
    );
  });

  app.get<IdParams>('/api/provider/companies/:id', async (request) =>
    companyView(state, findCompany(practiceAuth(request), request.params.id)),
  );

  app.post('/api/provider/companies', async (request) => {
    const auth = practiceAuth(request);
    const input = parseWith(createCompanySchema, request.body);
    const defaultPlanId = planRef(auth, input.default_plan) ?? null;
    const now = state.now();
    const blank = { line1: null, line2: null, city: null, state: null, zip: null, country: null };
    const company: Company = {
      id: state.id('com'),
      practiceId: auth.practiceId,
      createdAt: now,
      updatedAt: now,
      version: 1,
      name: input.name,
      status: 'active',
      addressId: state.id('add'),
      address: { ...blank, ...input.address },
      defaultPlanId,
      phones: [],
    };
    company.phones = (input.phones ?? []).map((p) => ({ ...p, us_formattable: true }));
    state.data.companies.set(company.id, company);
    companyEvent(ctx, 'created', auth.practiceId, () => companyView(state, company), auth.partnerId);
    return companyView(state, company);
  });

  const updateCompany = async (request: FastifyRequest<IdParams>) => {
    const auth = practiceAuth(request);
    const company = findCompany(auth, request.params.id);
    const input = parseWith(updateCompanySchema, request.body);
    const defaultPlanId = planRef(auth, input.default_plan);
    if (input.name !== undefined) company.name = input.name;
    if (input.address !== undefined) company.address = { ...company.address, ...input.address };
    if (defaultPlanId !== undefined) company.defaultPlanId = defaultPlanId;
    if (input.phones !== undefined) company.phones = input.phones.map((p) => ({ ...p, us_formattable: true }));
    state.touch(company);
    companyEvent(ctx, 'updated', auth.practiceId, () => companyView(state, company), auth.partnerId);
    return companyView(state, company);
  };
  app.patch<IdParams>('/api/provider/companies/:id', updateCompany);
  app.put<IdParams>('/api/provider/companies/:id', updateCompany);

  app.post<IdParams>('/api/provider/companies/:id/deactivate', async (request) => {
    const auth = practiceAuth(request);
    const company = findCompany(auth, request.params.id);
    company.status = 'inactive';
    state.touch(company);
    companyEvent(ctx, 'updated', auth.practiceId, () => companyView(state, company), auth.partnerId);
    return companyView(state, company);
  });

  app.get('/api/provider/memberships', async (request, reply) => {
    const auth = practiceAuth(request);
    const own = ofPractice(state.data.memberships.values(), auth);
    return listOf(reply, own, parseListOptions(request, state.config), (m) => membershipView(state, auth.partnerId, m));
  });

  // A template for a membership not yet created (unsaved, so its id is null).
  app.get<{ Querystring: { owner?: string } }>('/api/provider/memberships/new', async (request) => {
    const auth = practiceAuth(request);
    const ownerId = request.query.owner;
    if (!ownerId) throw new HintError(422, "Validation failed: Owner can't be blank");
    const owner = state.data.patients.get(ownerId);
    if (!owner || owner.practiceId !== auth.practiceId)
      throw new HintError(422, `Validation failed: Owner ${ownerId} not found`);
    const plan = [...state.data.plans.values()].find(
      (p) => p.practiceId === auth.practiceId && p.plan_type === 'retail',
    );
    const today = formatDate(state.now(), state.offsetOf(auth.practiceId));
    const template: Membership = {
      id: '',
      practiceId: auth.practiceId,
      createdAt: state.now(),
      updatedAt: state.now(),
      version: 0,
      planId: plan?.id ?? '',
      ownerId: owner.id,
      companyId: null,
      status: 'pending',
      enrollment_status: 'pending',
      start_date: today,
      end_date: null,
      period_in_months: 1,
      members: [{ id: '', patientId: owner.id, member_type: 'employee', start_date: today, end_date: null }],
    };
    const view = membershipView(state, auth.partnerId, template);
    return { ...view, id: null, membership_patients: view.membership_patients.map((m) => ({ ...m, id: null })) };
  });

  app.get<IdParams>('/api/provider/memberships/:id', async (request) => {
    const auth = practiceAuth(request);
    const membership = state.data.memberships.get(request.params.id);
    if (!membership || membership.practiceId !== auth.practiceId) throw notFound('Membership');
    return membershipView(state, auth.partnerId, membership);
  });
}
