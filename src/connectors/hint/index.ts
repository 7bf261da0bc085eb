// The Hint connector: activation (InstantOn, headless, code, pasted token), two-way patient
// and practitioner sync with echo suppression and field-level merge, errors surfaced on both
// sides, staff facts, initial sync as a batch, reconciliation, and sandbox mode.
import { listActiveConnections } from '../../db/connections.ts';
import type { ConnectorFactory } from '../types.ts';
import { apiRoutes } from './routes.ts';
import { connectorTasks } from './jobs.ts';
import { fanOutTargets } from './fanout.ts';
import { publicRoutes } from './activation-routes.ts';
import { hintAppRoutes } from './app/routes.ts';
import { hintDeps, loadConnection } from './connection.ts';
import { startHintSandbox } from './sandbox.ts';
import { settingsSchema } from './settings.ts';
import { wakeDrainer } from './inbound-drain.ts';
import { patientFacts } from './facts.ts';
import { describeHealth } from './health-report.ts';

const createHintConnector: ConnectorFactory = (hubDeps) => {
  const deps = hintDeps(hubDeps);
  return {
    system: 'hint',
    loadConnection: (practiceId, connectionId, options) => loadConnection(deps, practiceId, connectionId, options),
    batchKinds: ['hint:initial-sync'],
    patientFacts,
    describeHealth,
    tasks: connectorTasks(deps),
    fanOut: fanOutTargets(),
    crontab: ['* * * * * hint:reconcile ?max=1'],
    async apiRoutes(api) {
      await api.register(apiRoutes(deps));
    },
    publicRoutes: async (app) => {
      await app.register(hintAppRoutes(deps));
      await publicRoutes(deps)(app);
    },
    // main.ts stops the sandbox it started.
    startSandbox: (sandboxDeps) => startHintSandbox(deps, sandboxDeps),
    // Any Hint setting given (including HINT_API_URL pointing somewhere else) means: no sandbox.
    // Events stored by a process that died before waking its drainer are picked up at start.
    async afterListen() {
      for (const c of await listActiveConnections(deps.db, 'hint')) await wakeDrainer(deps.db, c.practiceId, c.id);
    },
    settingsSchema,
    wakeInbox: (practiceId, connectionId) => wakeDrainer(deps.db, practiceId, connectionId),
    hasRealCredentials: () =>
      Boolean(
        deps.config.hint.partnerApiKey ||
        deps.config.hint.webhookSecret ||
        deps.config.hint.apiUrl !== 'https://api.hint.com',
      ),
  };
};

export default createHintConnector;

/** `tandem hint <subcommand>` (the contract's CLI part). */
export { cli } from './cli.ts';
