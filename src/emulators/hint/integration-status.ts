// An integration's status change, with the webhooks Hint sends for it. Its own module because
// the partner routes, the installation routes and Instanton's connect flow all change status.
import type { HintContext } from './context.ts';
import { installationEvent, integrationEvent } from './events.ts';
import type { Integration, IntegrationStatus } from './model.ts';
import { installationView } from './views/partner.ts';

export function setIntegrationStatus(ctx: HintContext, integration: Integration, status: IntegrationStatus): void {
  const before = integration.status;
  integration.status = status;
  integration.updatedAt = ctx.state.now();
  if (before === status) return;
  const change = status === 'active' ? 'activated' : before === 'active' ? 'deactivated' : undefined;
  if (!change) return;
  integrationEvent(ctx, change, integration);
  installationEvent(ctx, change, integration, () => installationView(ctx.state, integration));
}
