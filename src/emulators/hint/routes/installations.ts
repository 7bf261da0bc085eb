// The newer marketplace surface (SPEC2): /partner/installations. An installation is the
// same practice connection as the legacy Integration, under an inst-… id.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { partnerAuth } from '../auth.ts';
import type { HintContext } from '../context.ts';
import { HintError, parseWith } from '../errors.ts';
import { connect, redeemCode } from '../instanton.ts';
import { listOf, parseListOptions } from '../lists.ts';
import type { Integration } from '../model.ts';
import { installationView } from '../views/partner.ts';
import { setIntegrationStatus } from '../integration-status.ts';

type IdParams = { Params: { id: string } };
const STATUSES = ['onboarding', 'pending', 'active', 'deactivated'];
const connectSchema = z.object({ code: z.string().min(1), activate: z.boolean().optional() });

export function installationRoutes(
  app: FastifyInstance,
  ctx: HintContext,
  find: (partnerId: string, id: string) => Integration,
): void {
  const { state } = ctx;

  app.post('/api/partner/installations/connect', async (request) => {
    const { partnerId } = partnerAuth(request);
    const input = parseWith(connectSchema, request.body);
    const practiceId = redeemCode(ctx, partnerId, input.code);
    const { integration, token } = connect(ctx, partnerId, practiceId, input.activate ?? true);
    return installationView(state, integration, token);
  });

  app.get('/api/partner/installations', async (request, reply) => {
    const { partnerId } = partnerAuth(request);
    const status = (request.query as { status?: unknown }).status;
    if (status !== undefined && !(typeof status === 'string' && STATUSES.includes(status))) {
      throw new HintError(400, `status must be one of ${STATUSES.join(', ')}`);
    }
    const options = parseListOptions(request, state.config, ['status', 'partner_product']);
    const own = [...state.data.integrations.values()].filter(
      (i) => i.partnerId === partnerId && (status === undefined || installationView(state, i).status === status),
    );
    return listOf(reply, own, options, (i) => installationView(state, i));
  });

  app.get<IdParams>('/api/partner/installations/:id', async (request) =>
    installationView(state, find(partnerAuth(request).partnerId, request.params.id)),
  );

  for (const [action, status] of [
    ['activate', 'active'],
    ['deactivate', 'inactive'],
  ] as const) {
    app.post<IdParams>(`/api/partner/installations/:id/${action}`, async (request) => {
      const integration = find(partnerAuth(request).partnerId, request.params.id);
      setIntegrationStatus(ctx, integration, status);
      return installationView(state, integration);
    });
  }
}
