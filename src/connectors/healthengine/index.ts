// The Healthengine connector: Tandem as the practice's PMS towards Healthengine's PMS API.
// Publishes configuration and availability, takes bookings into the appointment book,
// answers every request type the go-live checklist names. See docs/healthengine.md.
import type { ConnectorFactory } from '../types.ts';
import { fanOutTargets } from './fanout.ts';
import { connectorTasks, processOptions } from './jobs.ts';
import { settingsSchema } from './settings.ts';
import { enqueue } from '../../jobs/queue.ts';
import { startPoller } from './inbound-poller.ts';
import { ownLoop, type OwnedLoop } from '../../jobs/leases.ts';
import { healthengineApiRoutes } from './routes.ts';
import { startHealthengineSandbox, type SandboxApi } from './sandbox.ts';
import { webhookRoutes } from './webhooks.ts';
import { jobKeys } from './queues.ts';
import { loadConnection } from './connection.ts';
import { describeHealth } from './health-report.ts';

const factory: ConnectorFactory = (deps) => {
  let poller: OwnedLoop | undefined;
  // Sandbox mode: where practices linked from the console find the emulator.
  let sandboxApi: SandboxApi | undefined;
  return {
    system: 'healthengine',
    loadConnection: (practiceId, connectionId, options) => loadConnection(deps, practiceId, connectionId, options),
    batchKinds: [],
    describeHealth,
    tasks: connectorTasks(deps),
    fanOut: fanOutTargets(),
    crontab: [`* * * * * healthengine:maintain ?max=1&jobKey=${jobKeys.maintain}`],
    apiRoutes: (api) => healthengineApiRoutes(api, deps, () => sandboxApi),
    publicRoutes: (app) => webhookRoutes(app, deps),
    startSandbox: async (sandboxDeps) => {
      const running = await startHealthengineSandbox(sandboxDeps);
      sandboxApi = running.api;
      return running;
    },
    hasRealCredentials: () => deps.config.healthengine.apiKey !== undefined && deps.config.healthengine.apiKey !== '',
    // Locations are chosen when linking, not in the settings form.
    settingsSchema: settingsSchema.omit({ locationIds: true }),
    wakeInbox: (practiceId, connectionId) =>
      enqueue(deps.db, 'healthengine:process-requests', { practiceId, connectionId }, processOptions(connectionId)),
    // One poller for all Healthengine connections, run by one worker at a time: two would
    // double the polls Healthengine counts. Another worker takes over within seconds of a death.
    async afterListen() {
      poller = ownLoop(deps.db, 'healthengine:poller', () => startPoller(deps.db), { logger: deps.logger });
    },
    async stop() {
      await poller?.stop();
    },
  };
};

export default factory;

/** `tandem healthengine <subcommand>` (the contract's CLI part). */
export { cli } from './cli.ts';
