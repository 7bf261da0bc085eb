// /api/provider/practice, /api/provider/locations and /api/provider/practitioners.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { practiceAuth, type PracticeAuth } from '../auth.ts';
import type { HintContext } from '../context.ts';
import { HintError, notFound, parseWith } from '../errors.ts';
import { locationEvent, practiceEvent, practitionerEvent } from '../events.ts';
import { assertRecordIdFree, forgetIntegrationData, recordPartnerWrite, resolveAlias } from '../integration-data.ts';
import { listOf, parseListOptions } from '../lists.ts';
import type { Location, Practitioner } from '../model.ts';
import { locationView, practiceView, practitionerView } from '../views/common.ts';
import { strictPractitioner } from '../strict.ts';

type IdParams = { Params: { id: string } };
const str = z.string().nullable().optional();
const phone = z.object({
  number: z.union([z.string(), z.number()]).transform(String),
  type: z.string(),
  us_formattable: z.boolean().optional(),
});

const practiceSchema = z.object({
  name: z.string().trim().min(1).optional(),
  email: str,
  url: str,
  logo_url: str,
  address_line1: str,
  address_line2: str,
  address_city: str,
  address_state: str,
  address_zip: str,
  address_country: str,
  phones: z.array(phone).optional(),
  integration_record_id: str,
});

const locationShape = {
  name: z.string().trim().min(1),
  address_line1: str,
  address_line2: str,
  address_city: str,
  address_state: str,
  address_zip: str,
  address_country: str,
  phone_number: str,
  virtual: z.boolean().optional(),
  location_group: z.object({ id: z.string() }).nullable().optional(),
};
const createLocationSchema = z.object(locationShape);
const updateLocationSchema = z.object(locationShape).partial();

const practitionerShape = {
  name: z.string().trim().min(1),
  email: str,
  bio: str,
  gender: z.enum(['male', 'female', 'other']).nullable().optional(),
  gender_other: str,
  photo: str,
  education: z.array(z.string()).optional(),
  integration_record_id: str,
  npi: z
    .object({ number: z.union([z.string(), z.number()]).transform(String) })
    .nullable()
    .optional(),
  practitioner_group: z.object({ id: z.string() }).nullable().optional(),
};
const createPractitionerSchema = z.object(practitionerShape);
const updatePractitionerSchema = z.object(practitionerShape).partial();

function assign<T extends object>(
  target: T,
  values: Record<string, unknown>,
  keys: readonly (keyof T & string)[],
): void {
  for (const key of keys) if (values[key] !== undefined) (target as Record<string, unknown>)[key] = values[key];
}

const ADDRESS = [
  'address_line1',
  'address_line2',
  'address_city',
  'address_state',
  'address_zip',
  'address_country',
] as const;

export function practiceRoutes(app: FastifyInstance, ctx: HintContext): void {
  const { state } = ctx;

  app.get('/api/provider/practice', async (request) => {
    const auth = practiceAuth(request);
    return practiceView(state, auth.partnerId, state.practice(auth.practiceId));
  });

  const updatePractice = async (request: FastifyRequest) => {
    const auth = practiceAuth(request);
    const input = parseWith(practiceSchema, request.body);
    const practice = state.practice(auth.practiceId);
    const obj = { id: practice.id, practiceId: practice.id, version: practice.version };
    assertRecordIdFree(state, auth.partnerId, practice.id, 'practice', input.integration_record_id, practice.id);
    const { integration_record_id, ...rest } = input;
    if (Object.values(rest).some((v) => v !== undefined)) {
      assign(practice, rest, ['name', 'email', 'url', 'logo_url', ...ADDRESS, 'phones']);
      state.touch(practice);
      obj.version = practice.version;
      practiceEvent(ctx, practice, auth.partnerId);
    }
    recordPartnerWrite(state, auth.partnerId, 'practice', obj, { integration_record_id });
    return practiceView(state, auth.partnerId, practice);
  };
  app.patch('/api/provider/practice', updatePractice);
  app.put('/api/provider/practice', updatePractice);

  // Staff logins (not practitioners): the emulated practice has its admin.
  app.get('/api/provider/users', async (request, reply) => {
    const practice = state.practice(practiceAuth(request).practiceId);
    const [first, ...rest] = practice.admin.name.split(' ');
    const users = [
      {
        id: practice.admin.id,
        email: practice.admin.email,
        first_name: first ?? null,
        last_name: rest.join(' ') || null,
        name: practice.admin.name,
        phones: [],
        product_users: [],
      },
    ];
    reply.header('x-count', String(users.length)).header('x-total-count', String(users.length));
    return users;
  });

  locationRoutes(app, ctx);
  practitionerRoutes(app, ctx);
}

function locationRoutes(app: FastifyInstance, ctx: HintContext): void {
  const { state } = ctx;
  const find = (auth: PracticeAuth, id: string): Location => {
    const location = state.data.locations.get(id);
    if (!location || location.practiceId !== auth.practiceId) throw notFound('Location');
    return location;
  };
  const groupOf = (auth: PracticeAuth, ref: { id: string } | null | undefined) => {
    if (!ref) return ref === null ? null : undefined;
    const group = state.data.locationGroups.get(ref.id);
    if (!group || group.practiceId !== auth.practiceId)
      throw new HintError(422, `Validation failed: Location group ${ref.id} not found`);
    return group.id;
  };

  app.get('/api/provider/locations', async (request, reply) => {
    const auth = practiceAuth(request);
    const own = [...state.data.locations.values()].filter((l) => l.practiceId === auth.practiceId);
    return listOf(reply, own, parseListOptions(request, state.config, ['near_zip', 'distance']), (l) =>
      locationView(state, auth.partnerId, l),
    );
  });

  app.get<IdParams>('/api/provider/locations/:id', async (request) => {
    const auth = practiceAuth(request);
    return locationView(state, auth.partnerId, find(auth, request.params.id));
  });

  app.post('/api/provider/locations', async (request) => {
    const auth = practiceAuth(request);
    const input = parseWith(createLocationSchema, request.body);
    const groupId = groupOf(auth, input.location_group) ?? null;
    const now = state.now();
    const location: Location = {
      id: state.id('loc'),
      practiceId: auth.practiceId,
      createdAt: now,
      updatedAt: now,
      version: 1,
      name: input.name,
      address_line1: null,
      address_line2: null,
      address_city: null,
      address_state: null,
      address_zip: null,
      address_country: null,
      address_latitude: null,
      address_longitude: null,
      phone_number: null,
      virtual: false,
      groupId,
    };
    assign(location, input, [...ADDRESS, 'phone_number', 'virtual']);
    state.data.locations.set(location.id, location);
    locationEvent(ctx, 'created', location, auth.partnerId);
    return locationView(state, auth.partnerId, location);
  });

  const updateLocation = async (request: FastifyRequest<IdParams>) => {
    const auth = practiceAuth(request);
    const location = find(auth, request.params.id);
    const input = parseWith(updateLocationSchema, request.body);
    const groupId = groupOf(auth, input.location_group);
    assign(location, input, ['name', ...ADDRESS, 'phone_number', 'virtual']);
    if (groupId !== undefined) location.groupId = groupId;
    state.touch(location);
    locationEvent(ctx, 'updated', location, auth.partnerId);
    return locationView(state, auth.partnerId, location);
  };
  app.patch<IdParams>('/api/provider/locations/:id', updateLocation);
  app.put<IdParams>('/api/provider/locations/:id', updateLocation);

  app.delete<IdParams>('/api/provider/locations/:id', async (request, reply) => {
    const auth = practiceAuth(request);
    const location = find(auth, request.params.id);
    locationEvent(ctx, 'destroyed', location, auth.partnerId);
    state.data.locations.delete(location.id);
    return reply.code(204).send();
  });
}

function practitionerRoutes(app: FastifyInstance, ctx: HintContext): void {
  const { state } = ctx;
  const find = (auth: PracticeAuth, id: string): Practitioner => {
    const practitioner = state.data.practitioners.get(
      resolveAlias(state, auth.partnerId, auth.practiceId, 'practitioner', id),
    );
    if (!practitioner || practitioner.practiceId !== auth.practiceId) throw notFound('Practitioner');
    return practitioner;
  };
  const view = (request: FastifyRequest, p: Practitioner) =>
    practitionerView(state, practiceAuth(request).partnerId, p);
  const apply = (p: Practitioner, input: z.infer<typeof updatePractitionerSchema>) => {
    assign(p, input, ['name', 'email', 'bio', 'gender', 'gender_other', 'education']);
    if (input.npi !== undefined) p.npiNumber = input.npi?.number ?? null;
  };

  app.get('/api/provider/practitioners', async (request, reply) => {
    const auth = practiceAuth(request);
    const own = [...state.data.practitioners.values()].filter((p) => p.practiceId === auth.practiceId);
    return listOf(reply, own, parseListOptions(request, state.config, ['near_zip', 'distance']), (p) =>
      practitionerView(state, auth.partnerId, p),
    );
  });

  app.get<IdParams>('/api/provider/practitioners/:id', async (request) =>
    view(request, find(practiceAuth(request), request.params.id)),
  );

  app.post('/api/provider/practitioners', async (request) => {
    const auth = practiceAuth(request);
    strictPractitioner(state, request.body);
    const input = parseWith(createPractitionerSchema, request.body);
    assertRecordIdFree(state, auth.partnerId, auth.practiceId, 'practitioner', input.integration_record_id);
    const now = state.now();
    const practitioner: Practitioner = {
      id: state.id('pct'),
      practiceId: auth.practiceId,
      createdAt: now,
      updatedAt: now,
      version: 1,
      name: input.name,
      email: null,
      bio: null,
      gender: null,
      gender_other: null,
      education: [],
      npiNumber: null,
      groupId: null,
      locationIds: [],
      specialty: 'Family Medicine',
    };
    apply(practitioner, input);
    state.data.practitioners.set(practitioner.id, practitioner);
    recordPartnerWrite(state, auth.partnerId, 'practitioner', practitioner, input);
    practitionerEvent(ctx, 'created', practitioner, auth.partnerId);
    return view(request, practitioner);
  });

  const update = async (request: FastifyRequest<IdParams>) => {
    const auth = practiceAuth(request);
    const practitioner = find(auth, request.params.id);
    strictPractitioner(state, request.body);
    const input = parseWith(updatePractitionerSchema, request.body);
    assertRecordIdFree(
      state,
      auth.partnerId,
      auth.practiceId,
      'practitioner',
      input.integration_record_id,
      practitioner.id,
    );
    const { integration_record_id, ...rest } = input;
    const changes = Object.values(rest).some((v) => v !== undefined);
    if (changes) {
      apply(practitioner, input);
      state.touch(practitioner);
    }
    recordPartnerWrite(state, auth.partnerId, 'practitioner', practitioner, { integration_record_id });
    if (changes) practitionerEvent(ctx, 'updated', practitioner, auth.partnerId);
    return view(request, practitioner);
  };
  app.patch<IdParams>('/api/provider/practitioners/:id', update);
  app.put<IdParams>('/api/provider/practitioners/:id', update);

  app.delete<IdParams>('/api/provider/practitioners/:id', async (request, reply) => {
    const auth = practiceAuth(request);
    const practitioner = find(auth, request.params.id);
    practitionerEvent(ctx, 'destroyed', practitioner, auth.partnerId);
    state.data.practitioners.delete(practitioner.id);
    forgetIntegrationData(state, 'practitioner', practitioner);
    return reply.code(204).send();
  });
}
