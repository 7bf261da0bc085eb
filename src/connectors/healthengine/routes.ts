// /api/v1/healthengine/connections: link a Healthengine practice (id + key) to one or more
// Tandem locations, change it, resync on demand, disable / re-enable, read its health.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ConflictError, ConnectionGone, NotFoundError, ValidationError } from '../../core/errors.ts';
import { locationZones } from '../../db/availability.ts';
import { createConnection, listConnections, updateConnection } from '../../db/connections.ts';
import { parseOrThrow } from '../../core/validation.ts';
import type { ConnectorDeps } from '../types.ts';
import type { SandboxApi } from './sandbox.ts';
import { loadConnection, type LoadedConnection } from './connection.ts';
import { settingsSchema } from './settings.ts';
import { getState } from './store.ts';
import {
  changeCredentials,
  disableConnection,
  enableConnection,
  newWebhookSecret,
  requestLink,
  requestResync,
} from './activation.ts';

const practiceIdField = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(40)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be the practice ID Healthengine showed (letters, digits, - or _)');
const practiceKeyField = z.string().trim().min(8, 'must be the practice key Healthengine showed').max(200);
const settingsInput = settingsSchema.omit({ locationIds: true }).partial().strict();

const createBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    practiceId: practiceIdField,
    practiceKey: practiceKeyField,
    locationIds: settingsSchema.shape.locationIds,
    settings: settingsInput.optional(),
  })
  .strict();
const patchBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    practiceId: practiceIdField.optional(),
    practiceKey: practiceKeyField.optional(),
    locationIds: settingsSchema.shape.locationIds.optional(),
    settings: settingsInput.optional(),
  })
  .strict()
  .refine((b) => (b.practiceId === undefined) === (b.practiceKey === undefined), {
    message: 'send practiceId and practiceKey together',
    path: ['practiceKey'],
  });
const resyncBody = z.object({ config: z.boolean().optional(), availability: z.boolean().optional() }).strict();

async function checkLocations(deps: ConnectorDeps, practiceId: string, locationIds: string[]): Promise<void> {
  const found = await locationZones(deps.db, practiceId, locationIds);
  const missing = locationIds.findIndex((id) => !found.has(id));
  if (missing >= 0)
    throw new ValidationError([{ field: `locationIds.${missing}`, message: 'is not a location of this practice' }]);
}

async function checkPracticeUnused(
  deps: ConnectorDeps,
  practiceId: string,
  heId: string,
  except?: string,
): Promise<void> {
  const clash = (await listConnections(deps.db, practiceId, 'healthengine')).find(
    (c) => c.remoteAccountId === heId && c.id !== except && c.status !== 'deactivated',
  );
  if (clash)
    throw new ConflictError(`Healthengine practice ${heId} is already linked by connection ${clash.id}`, [
      { field: 'practiceId', message: 'is already linked' },
    ]);
}

async function view(deps: ConnectorDeps, loaded: LoadedConnection) {
  const state = await getState(deps.db, loaded.connection.id);
  return {
    ...loaded.connection,
    healthenginePracticeId: loaded.credentials.practiceId,
    settings: loaded.settings,
    subscription: { id: state.subscriptionId, expiresAt: state.subscriptionExpiresAt },
    lastFullPublishAt: state.lastFullPublishAt,
    lastPollAt: state.lastPollAt,
  };
}

export async function healthengineApiRoutes(
  api: FastifyInstance,
  deps: ConnectorDeps,
  sandboxApi: () => SandboxApi | undefined = () => undefined,
): Promise<void> {
  const load = async (practiceId: string, id: string) =>
    loadConnection(deps, practiceId, id, { anyStatus: true }).catch((error: unknown) => {
      // Only a missing connection (or one without credentials) is a 404; a database failure is not.
      if (error instanceof ConnectionGone) throw new NotFoundError('healthengine connection');
      throw error;
    });

  api.get('/healthengine/connections', async (request) => {
    const all = await listConnections(deps.db, request.auth.practiceId, 'healthengine');
    return { data: await Promise.all(all.map(async (c) => view(deps, await load(c.practiceId, c.id)))) };
  });

  api.post('/healthengine/connections', async (request, reply) => {
    const body = parseOrThrow(createBody, request.body);
    const practiceId = request.auth.practiceId;
    await checkLocations(deps, practiceId, body.locationIds);
    await checkPracticeUnused(deps, practiceId, body.practiceId);
    const settings = settingsSchema.parse({ ...body.settings, locationIds: body.locationIds });
    const connection = await createConnection(deps.db, deps.secrets, {
      practiceId,
      system: 'healthengine',
      name: body.name ?? `Healthengine practice ${body.practiceId}`,
      status: 'pending',
      statusMessage: 'Linking: sending configuration and availability',
      remoteAccountId: body.practiceId,
      settings,
      credentials: {
        practiceId: body.practiceId,
        practiceKey: body.practiceKey,
        webhookSecret: newWebhookSecret(),
        ...sandboxApi(),
      },
    });
    await requestLink(deps.db, practiceId, connection.id);
    return reply.code(201).send(await view(deps, await load(practiceId, connection.id)));
  });

  api.get<{ Params: { id: string } }>('/healthengine/connections/:id', async (request) =>
    view(deps, await load(request.auth.practiceId, request.params.id)),
  );

  api.patch<{ Params: { id: string } }>('/healthengine/connections/:id', async (request) => {
    const body = parseOrThrow(patchBody, request.body);
    const loaded = await load(request.auth.practiceId, request.params.id);
    if (body.locationIds) await checkLocations(deps, loaded.connection.practiceId, body.locationIds);
    if (body.practiceId)
      await checkPracticeUnused(deps, loaded.connection.practiceId, body.practiceId, loaded.connection.id);
    const settings = settingsSchema.parse({
      ...loaded.settings,
      ...body.settings,
      ...(body.locationIds ? { locationIds: body.locationIds } : {}),
    });
    await updateConnection(deps.db, loaded.connection.practiceId, loaded.connection.id, {
      settings,
      ...(body.name ? { name: body.name } : {}),
    });
    const reloaded = await load(loaded.connection.practiceId, loaded.connection.id);
    const credentialsChanged =
      body.practiceId !== undefined &&
      body.practiceKey !== undefined &&
      (body.practiceId !== loaded.credentials.practiceId ||
        body.practiceKey !== loaded.credentials.practiceKey ||
        loaded.connection.status === 'consent_needed');
    if (credentialsChanged)
      await changeCredentials(deps, reloaded, { practiceId: body.practiceId!, practiceKey: body.practiceKey! });
    else if (reloaded.connection.status === 'active' && (body.settings || body.locationIds))
      await requestResync(deps.db, loaded.connection.practiceId, loaded.connection.id, {
        config: true,
        availability: true,
      });
    return view(deps, await load(loaded.connection.practiceId, loaded.connection.id));
  });

  api.post<{ Params: { id: string } }>('/healthengine/connections/:id/resync', async (request, reply) => {
    const body = parseOrThrow(resyncBody, request.body ?? {});
    const loaded = await load(request.auth.practiceId, request.params.id);
    if (loaded.connection.status !== 'active')
      throw new ConflictError(`the connection is ${loaded.connection.status}; enable it (or fix consent) first`, [
        { field: 'status', message: `is ${loaded.connection.status}` },
      ]);
    const both = body.config === undefined && body.availability === undefined;
    const queued = await requestResync(deps.db, loaded.connection.practiceId, loaded.connection.id, {
      config: both || body.config === true,
      availability: both || body.availability === true,
    });
    return reply.code(202).send({ queued });
  });

  api.post<{ Params: { id: string } }>('/healthengine/connections/:id/disable', async (request) => {
    const loaded = await load(request.auth.practiceId, request.params.id);
    await disableConnection(deps, loaded);
    return view(deps, await load(loaded.connection.practiceId, loaded.connection.id));
  });

  api.post<{ Params: { id: string } }>('/healthengine/connections/:id/enable', async (request, reply) => {
    const loaded = await load(request.auth.practiceId, request.params.id);
    await enableConnection(deps, loaded);
    return reply.code(202).send(await view(deps, await load(loaded.connection.practiceId, loaded.connection.id)));
  });
}
