// The Salesforce connector: Contacts linked with canonical patients (and through the hub with
// Hint). Connect with the JWT bearer flow or the web-server flow with PKCE, org verification,
// two-way sync with CDC (polling fallback), manual "Sync to Hint" with live search, unlink,
// automatic contact creation, batches, levelled logs, and sandbox mode. See docs/salesforce.md.
import type { ConnectorFactory } from '../types.ts';
import { listActiveConnections } from '../../db/connections.ts';
import { publicRoutes } from './activation-routes.ts';
import { CaptureManager } from './capture.ts';
import { loadConnection, type SalesforceDeps } from './connection.ts';
import { fanOutTargets } from './fanout.ts';
import { connectorTasks } from './jobs.ts';
import { flushAllMirrors } from './log.ts';
import { describeHealth } from './health-report.ts';
import { apiRoutes } from './routes.ts';
import { startSalesforceSandbox } from './sandbox.ts';
import { settingsSchema } from './settings.ts';

const createSalesforceConnector: ConnectorFactory = (hubDeps) => {
  const deps: SalesforceDeps = { ...hubDeps };
  const capture = new CaptureManager(deps);
  return {
    system: 'salesforce',
    loadConnection: (practiceId, connectionId, options) => loadConnection(deps, practiceId, connectionId, options),
    settingsSchema,
    fanOut: fanOutTargets(),
    tasks: connectorTasks(deps),
    batchKinds: ['salesforce:patients-to-contacts', 'salesforce:contacts-csv'],
    describeHealth,
    async apiRoutes(api) {
      await api.register(apiRoutes(deps, capture));
    },
    publicRoutes: (app) => publicRoutes(deps, capture)(app),
    // main.ts stops the sandbox it started.
    startSandbox: (sandboxDeps) => startSalesforceSandbox(deps, capture, sandboxDeps),
    hasRealCredentials: () =>
      Boolean(deps.config.salesforce.clientId || deps.config.salesforce.loginUrl !== 'https://login.salesforce.com'),
    // Change capture for every active connection, once Tandem is reachable.
    async afterListen() {
      for (const c of await listActiveConnections(deps.db, 'salesforce'))
        await capture
          .start(c.practiceId, c.id)
          .catch((e: unknown) =>
            deps.logger.warn({ connectionId: c.id, err: e }, 'salesforce: change capture did not start'),
          );
    },
    async stop() {
      capture.stopAll();
      await flushAllMirrors(deps);
    },
  };
};

export default createSalesforceConnector;
