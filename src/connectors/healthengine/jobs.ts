// The connector's jobs. Every job loads its connection afresh (credentials may have changed),
// does nothing for a connection that is gone or not active, and turns 401/403 into "consent
// needed" instead of a retry loop. Other Healthengine failures throw: the job retries with backoff.
import type { TaskContext, TaskHandler, TaskHandlers } from '../../jobs/types.ts';
import type { ConnectorDeps } from '../types.ts';
import { HealthengineConsentError } from './client.ts';
import { clientFor, ConnectionGoneError, loadConnection, type LoadedConnection } from './connection.ts';
import { publishAvailability } from './availability-publish.ts';
import { pushAppointmentChange } from './booking-changes.ts';
import { publishConfiguration } from './config-publish.ts';
import { loadPublishedConfig } from './data.ts';
import { refreshHealth } from './health.ts';
import { ensureSubscription, linkConnection, markConsentNeeded } from './linking.ts';
import { processRequests, republish } from './requests.ts';
import { getState, setState } from './store.ts';

interface ConnectionJob { practiceId: string; connectionId: string }

declare module '../../jobs/types.ts' {
  interface JobPayloads {
    'healthengine:link': ConnectionJob;
    'healthengine:publish-config': ConnectionJob;
    'healthengine:publish-availability': ConnectionJob & { resourceIds?: string[]; dates?: string[]; force?: boolean; full?: boolean };
    'healthengine:process-requests': ConnectionJob;
    'healthengine:push-appointment': ConnectionJob & { appointmentId: string };
    'healthengine:maintain': { practiceId?: string };
  }
}

type Handler<P extends ConnectionJob> = (payload: P, loaded: LoadedConnection, ctx: TaskContext) => Promise<void>;

/** Loads the connection and applies the shared rules around a handler. */
function forConnection<P extends ConnectionJob>(deps: ConnectorDeps, handler: Handler<P>, options: { whenPending?: boolean } = {}): (payload: P, ctx: TaskContext) => Promise<void> {
  return async (payload, ctx) => {
    let loaded: LoadedConnection;
    try {
      loaded = await loadConnection(deps, payload.practiceId, payload.connectionId);
    } catch (e) {
      if (e instanceof ConnectionGoneError) return;
      throw e;
    }
    const status = loaded.connection.status;
    if (status !== 'active' && !(options.whenPending && (status === 'pending' || status === 'error'))) return;
    try {
      await handler(payload, loaded, ctx);
    } catch (e) {
      if (e instanceof HealthengineConsentError) return markConsentNeeded(deps, loaded, e);
      throw e;
    }
  };
}

export function connectorTasks(deps: ConnectorDeps): TaskHandlers {
  const link: TaskHandler<'healthengine:link'> = forConnection(deps, async (p, loaded, ctx) => {
    await linkConnection(deps, loaded);
    // Leftovers from a previous integration (or requests raised while disabled).
    await ctx.enqueue('healthengine:process-requests', p, processOptions(p.connectionId));
  }, { whenPending: true });

  const publishConfig: TaskHandler<'healthengine:publish-config'> = forConnection(deps, async (_p, loaded) => {
    const config = await loadPublishedConfig(deps.db, loaded.connection.practiceId, loaded.settings.locationIds);
    await publishConfiguration(clientFor(deps, loaded.credentials), loaded.settings, config);
  });

  const publish: TaskHandler<'healthengine:publish-availability'> = forConnection(deps, async (p, loaded) => {
    await publishAvailability(deps.db, clientFor(deps, loaded.credentials), loaded, { resourceIds: p.resourceIds, dates: p.dates, force: p.force });
    if (p.full) await setState(deps.db, p.practiceId, p.connectionId, { lastFullPublishAt: new Date().toISOString() });
  });

  const process: TaskHandler<'healthengine:process-requests'> = forConnection(deps, async (_p, loaded, ctx) => {
    await processRequests(deps, loaded, ctx.enqueue);
  });

  const push: TaskHandler<'healthengine:push-appointment'> = forConnection(deps, async (p, loaded, ctx) => {
    await pushAppointmentChange(deps.db, clientFor(deps, loaded.credentials), loaded, p.appointmentId);
    await republish(ctx.enqueue, loaded, undefined, undefined);
  });

  return {
    'healthengine:link': link, 'healthengine:publish-config': publishConfig, 'healthengine:publish-availability': publish,
    'healthengine:process-requests': process, 'healthengine:push-appointment': push, 'healthengine:maintain': maintain(deps),
  };
}

export function processOptions(connectionId: string) {
  return { queue: `healthengine-requests:${connectionId}`, jobKey: `healthengine-process:${connectionId}`, maxAttempts: 3 };
}

const DAY_MS = 86_400_000;

/** Every minute: subscriptions renewed, the daily full republish, health figures refreshed. */
function maintain(deps: ConnectorDeps): TaskHandler<'healthengine:maintain'> {
  const perConnection = forConnection(deps, async (_p: ConnectionJob, loaded, ctx) => {
    const state = await getState(deps.db, loaded.connection.id);
    if (!state.lastFullPublishAt || Date.now() - Date.parse(state.lastFullPublishAt) > DAY_MS) {
      await ctx.enqueue('healthengine:publish-availability', { practiceId: loaded.connection.practiceId, connectionId: loaded.connection.id, full: true },
        { queue: `healthengine-publish:${loaded.connection.id}`, jobKey: `healthengine-daily:${loaded.connection.id}` });
    }
    await refreshHealth(deps, loaded);
    await ensureSubscription(deps, loaded, clientFor(deps, loaded.credentials));
  });
  return async (_payload, ctx) => {
    const { rows } = await deps.db.query(`SELECT id, practice_id FROM connections WHERE system = 'healthengine' AND status = 'active'`);
    for (const r of rows) {
      await perConnection({ practiceId: r.practice_id, connectionId: r.id }, ctx).catch((e: unknown) => {
        ctx.logger.warn({ connectionId: r.id, err: e }, 'healthengine maintenance failed for a connection');
      });
    }
  };
}
