// The connector's jobs. Every job loads its connection afresh (credentials may have changed),
// does nothing for a connection that is gone or not active, and turns 401/403 into "consent
// needed" instead of a retry loop. Other Healthengine failures throw: the job retries with backoff.
import { practiceDisabled } from '../../db/practices.ts';
import { listActiveConnections } from '../../db/connections.ts';
import type { EnqueueOptions, JobPayloads, TaskContext, TaskHandler, TaskHandlers } from '../../jobs/types.ts';
import { ConnectionGone, type ConnectorDeps } from '../types.ts';
import { HealthengineConsentError, HealthengineError } from './client.ts';
import { clientFor, loadConnection, type LoadedConnection } from './connection.ts';
import { publishAvailability } from './outbound-availability.ts';
import { pushAppointmentChange } from './inbound-booking-changes.ts';
import { publishConfiguration } from './outbound-config.ts';
import { loadPublishedConfig } from './outbound-data.ts';
import { refreshHealth } from './health.ts';
import { ensureSubscription, linkConnection, markConsentNeeded } from './activation-link.ts';
import { processRequests, republish } from './inbound.ts';
import { getState, setState } from './store.ts';
import { jobKeys, queues } from './queues.ts';

interface ConnectionJob {
  practiceId: string;
  connectionId: string;
}

declare module '../../jobs/types.ts' {
  interface JobPayloads {
    'healthengine:link': ConnectionJob;
    'healthengine:publish-config': ConnectionJob;
    'healthengine:publish-availability': ConnectionJob & {
      resourceIds?: string[];
      dates?: string[];
      force?: boolean;
      full?: boolean;
    };
    'healthengine:process-requests': ConnectionJob;
    'healthengine:push-appointment': ConnectionJob & { appointmentId: string };
    'healthengine:maintain': { practiceId?: string };
  }
}

type ConnectionJobName =
  | 'healthengine:link'
  | 'healthengine:publish-config'
  | 'healthengine:publish-availability'
  | 'healthengine:process-requests'
  | 'healthengine:push-appointment';
type Handler<N extends ConnectionJobName> = (
  payload: JobPayloads[N],
  loaded: LoadedConnection,
  ctx: TaskContext,
) => Promise<void>;

/** Where a job of each kind runs: publication and requests each in their own serial queue per connection. */
function queueOptions(name: ConnectionJobName, connectionId: string): EnqueueOptions {
  if (name === 'healthengine:process-requests') return processOptions(connectionId);
  if (name === 'healthengine:push-appointment') return { queue: queues.requests(connectionId) };
  return { queue: queues.publish(connectionId) };
}

/** Loads the connection and applies the shared rules around a handler. */
function forConnection<N extends ConnectionJobName>(
  deps: ConnectorDeps,
  name: N,
  handler: Handler<N>,
  options: { whenPending?: boolean } = {},
): TaskHandler<N> {
  return async (payload, ctx) => {
    // A connection that is gone throws ConnectionGone: the runner ends the job quietly.
    const loaded = await loadConnection(deps, payload.practiceId, payload.connectionId, { anyStatus: true });
    // A disabled practice's background work stops (polls, publications, pushes); it resumes on enable.
    if (await practiceDisabled(deps.db, payload.practiceId))
      throw new ConnectionGone(payload.connectionId, 'practice-disabled');
    const status = loaded.connection.status;
    if (status !== 'active' && !(options.whenPending && (status === 'pending' || status === 'error'))) return;
    try {
      await handler(payload, loaded, ctx);
    } catch (e) {
      if (e instanceof HealthengineConsentError) return markConsentNeeded(deps, loaded, e);
      // Healthengine said when to come back (429/503 with Retry-After): the same job, no earlier than that.
      if (e instanceof HealthengineError && (e.status === 429 || e.status === 503) && e.retryAfterMs !== undefined) {
        ctx.logger.warn(
          { connectionId: payload.connectionId, status: e.status, retryAfterMs: e.retryAfterMs },
          'healthengine asked to retry later',
        );
        return ctx.enqueue(name, payload, {
          ...queueOptions(name, payload.connectionId),
          runAt: new Date(Date.now() + e.retryAfterMs),
        });
      }
      throw e;
    }
  };
}

export function connectorTasks(deps: ConnectorDeps): TaskHandlers {
  const link = forConnection(
    deps,
    'healthengine:link',
    async (p, loaded, ctx) => {
      await linkConnection(deps, loaded);
      // Leftovers from a previous integration (or requests raised while disabled).
      await ctx.enqueue('healthengine:process-requests', p, processOptions(p.connectionId));
    },
    { whenPending: true },
  );

  const publishConfig = forConnection(deps, 'healthengine:publish-config', async (p, loaded, ctx) => {
    const config = await loadPublishedConfig(deps.db, loaded.connection.practiceId, loaded.settings.locationIds);
    await publishConfiguration(
      deps.db,
      clientFor(deps, loaded.credentials),
      { connectionId: loaded.connection.id, settings: loaded.settings },
      config,
    );
    // A day-wide availability request waits for every configured resource. When the resources
    // change, a request nothing could answer (no resource left) or a snapshot that arrived before
    // its resource was configured leaves it open: a pass answers it again with today's resources.
    await ctx.enqueue('healthengine:process-requests', p, processOptions(p.connectionId));
  });

  const publish = forConnection(deps, 'healthengine:publish-availability', async (p, loaded) => {
    await publishAvailability(deps.db, clientFor(deps, loaded.credentials), loaded, {
      resourceIds: p.resourceIds,
      dates: p.dates,
      force: p.force,
    });
    if (p.full) await setState(deps.db, p.practiceId, p.connectionId, { lastFullPublishAt: new Date().toISOString() });
  });

  const process = forConnection(deps, 'healthengine:process-requests', async (_p, loaded, ctx) => {
    await processRequests(deps, loaded, ctx.enqueue);
  });

  const push = forConnection(deps, 'healthengine:push-appointment', async (p, loaded, ctx) => {
    await pushAppointmentChange(deps.db, clientFor(deps, loaded.credentials), loaded, p.appointmentId);
    await republish(ctx.enqueue, loaded, undefined, undefined);
  });

  return {
    'healthengine:link': link,
    'healthengine:publish-config': publishConfig,
    'healthengine:publish-availability': publish,
    'healthengine:process-requests': process,
    'healthengine:push-appointment': push,
    'healthengine:maintain': maintain(deps),
  };
}

export function processOptions(connectionId: string) {
  return {
    queue: queues.requests(connectionId),
    jobKey: jobKeys.processRequests(connectionId),
    maxAttempts: 3,
  };
}

const DAY_MS = 86_400_000;

/** Every minute: subscriptions renewed, the daily full republish, health figures refreshed. */
function maintain(deps: ConnectorDeps): TaskHandler<'healthengine:maintain'> {
  // Named as a requests pass: if Healthengine answers 429 with Retry-After, a pass is what runs later.
  const perConnection = forConnection(deps, 'healthengine:process-requests', async (_p, loaded, ctx) => {
    const state = await getState(deps.db, loaded.connection.id);
    if (!state.lastFullPublishAt || Date.now() - Date.parse(state.lastFullPublishAt) > DAY_MS) {
      await ctx.enqueue(
        'healthengine:publish-availability',
        { practiceId: loaded.connection.practiceId, connectionId: loaded.connection.id, full: true },
        { queue: queues.publish(loaded.connection.id), jobKey: jobKeys.dailyPublish(loaded.connection.id) },
      );
    }
    await refreshHealth(deps, loaded);
    await ensureSubscription(deps, loaded, clientFor(deps, loaded.credentials));
  });
  return async (_payload, ctx) => {
    for (const r of await listActiveConnections(deps.db, 'healthengine')) {
      await perConnection({ practiceId: r.practiceId, connectionId: r.id }, ctx).catch((e: unknown) => {
        if (e instanceof ConnectionGone) return; // removed or disabled since the listing
        ctx.logger.warn({ connectionId: r.id, err: e }, 'healthengine maintenance failed for a connection');
      });
    }
  };
}
