// Authenticated routes under /api/v1/hint: connect (pasted token, typed-in code, or an
// InstantOn session), parked activations (approve / reject), status with the link to the practice's Hint integration page,
// deactivate, field mapping and other settings, initial sync and reconciliation on demand.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { NotFoundError, unlessGone } from '../../core/errors.ts';
import { getConnection, updateConnection, type Connection } from '../../db/connections.ts';
import { getPractice } from '../../db/practices.ts';
import { parseOrThrow } from '../../core/validation.ts';
import { enqueue } from '../../jobs/queue.ts';
import {
  activateWithCode,
  activateWithToken,
  approveActivation,
  deactivate,
  integrationPageUrl,
  marketplaceUrl,
  rejectActivation,
  WEBHOOK_PATH,
} from './activation.ts';
import { SESSION_COOKIE } from './activation-routes.ts';
import { forgetConnection, loadConnection, type HintDeps } from './connection.ts';
import { applySettingsPatch, readSettings, settingsPatchSchema } from './settings.ts';
import { createConnectSession, listPendingActivations } from './store.ts';
import { startInitialSync } from './initial-sync.ts';
import { jobKeys, queues } from './queues.ts';

const connectBody = z.union(
  [
    z.object({ accessToken: z.string().trim().min(8, 'must be a Hint practice access token').max(200) }).strict(),
    z
      .object({
        code: z
          .string()
          .trim()
          .regex(/^[0-9A-Za-z_-]{4,200}$/, 'must be the code Hint gave you'),
      })
      .strict(),
  ],
  { error: 'send {"accessToken": "..."} or {"code": "..."}' },
);

const syncBody = z.object({ dryRun: z.boolean().optional() }).strict();
type IdParams = { Params: { id: string } };

export function connectionView(deps: HintDeps, c: Connection) {
  const s = c.settings as { integrationId?: string; hintPracticeName?: string; webhookEndpointId?: string };
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    statusMessage: c.statusMessage,
    hintPracticeId: c.remoteAccountId,
    hintPracticeName: s.hintPracticeName ?? null,
    integrationId: s.integrationId ?? null,
    integrationPageUrl: integrationPageUrl(deps, c.remoteAccountId),
    webhook: { url: `${deps.publicUrl()}${WEBHOOK_PATH}`, registered: typeof s.webhookEndpointId === 'string' },
    health: c.health,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

export function apiRoutes(deps: HintDeps) {
  const hintConnection = async (request: FastifyRequest<IdParams>): Promise<Connection> => {
    const c = await getConnection(deps.db, request.auth.practiceId, request.params.id);
    if (!c || c.system !== 'hint') throw new NotFoundError('Hint connection');
    return c;
  };
  return async (api: FastifyInstance): Promise<void> => {
    api.post('/hint/connections', async (request, reply) => {
      const body = parseOrThrow(connectBody, request.body ?? {});
      const c =
        'accessToken' in body
          ? await activateWithToken(deps, request.auth.practiceId, body.accessToken)
          : await activateWithCode(deps, body.code, request.auth.practiceId);
      return reply.code(201).send(connectionView(deps, c));
    });

    // Starts InstantOn from Tandem: the cookie ties the code Hint will append to this practice.
    api.post('/hint/connect-sessions', async (request, reply) => {
      const session = await createConnectSession(deps.db, request.auth.practiceId);
      return reply
        .code(201)
        .header(
          'set-cookie',
          `${SESSION_COOKIE}=${session.id}; Max-Age=1800; Path=/connect/hint; HttpOnly; SameSite=Lax`,
        )
        .send({
          sessionId: session.id,
          expiresAt: session.expiresAt,
          callbackUrl: `${deps.publicUrl()}/connect/hint/callback?code=`,
          marketplaceUrl: marketplaceUrl(deps),
        });
    });

    // Parked activations (headless or unattended connects) belong to the default practice, the
    // deployment's own: only its admins see and decide them. Any other practice sees none.
    const ownsPending = async (request: FastifyRequest): Promise<boolean> =>
      (await getPractice(deps.db, request.auth.practiceId))?.isDefault === true;

    api.get('/hint/pending-activations', async (request) => ({
      data: (await ownsPending(request)) ? await listPendingActivations(deps.db) : [],
    }));

    api.post<IdParams>('/hint/pending-activations/:id/approve', async (request, reply) => {
      if (!(await ownsPending(request))) throw new NotFoundError('pending Hint activation');
      const c = await approveActivation(deps, request.params.id, request.auth);
      return reply.code(201).send(connectionView(deps, c));
    });

    api.post<IdParams>('/hint/pending-activations/:id/reject', async (request) => {
      if (!(await ownsPending(request))) throw new NotFoundError('pending Hint activation');
      return rejectActivation(deps, request.params.id, request.auth);
    });

    api.get<IdParams>('/hint/connections/:id', async (request) => connectionView(deps, await hintConnection(request)));

    api.post<IdParams>('/hint/connections/:id/deactivate', async (request) => {
      const c = await hintConnection(request);
      const loaded = await unlessGone(loadConnection(deps, c.practiceId, c.id, { anyStatus: true }));
      if (!loaded)
        return connectionView(
          deps,
          (await updateConnection(deps.db, c.practiceId, c.id, {
            status: 'deactivated',
            statusMessage: 'deactivated in Tandem',
          }))!,
        );
      return connectionView(deps, await deactivate(deps, loaded, 'deactivated in Tandem', true));
    });

    api.get<IdParams>('/hint/connections/:id/settings', async (request) =>
      readSettings((await hintConnection(request)).settings),
    );

    api.patch<IdParams>('/hint/connections/:id/settings', async (request) => {
      const c = await hintConnection(request);
      const patch = parseOrThrow(settingsPatchSchema, request.body ?? {});
      const next = applySettingsPatch(readSettings(c.settings), patch);
      await updateConnection(deps.db, c.practiceId, c.id, { settings: { ...c.settings, ...next } });
      forgetConnection(c.id);
      return next;
    });

    api.post<IdParams>('/hint/connections/:id/sync', async (request, reply) => {
      const c = await hintConnection(request);
      const { dryRun } = parseOrThrow(syncBody, request.body ?? {});
      const batch = await startInitialSync(deps, c, dryRun ?? false);
      return reply.code(202).header('location', `/api/v1/batches/${batch.id}`).send(batch);
    });

    api.post<IdParams>('/hint/connections/:id/reconcile', async (request, reply) => {
      const c = await hintConnection(request);
      await enqueue(
        deps.db,
        'hint:reconcile',
        { practiceId: c.practiceId, connectionId: c.id },
        { jobKey: jobKeys.reconcile(c.id), queue: queues.reconcile(c.id) },
      );
      return reply.code(202).send({ queued: true });
    });
  };
}
