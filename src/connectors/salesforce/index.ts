// The Salesforce connector: Contacts linked with canonical patients (and through the hub with
// Hint). Connect with the JWT bearer flow or the web-server flow with PKCE, org verification,
// two-way sync with CDC (polling fallback), manual "Sync to Hint" with live search, unlink,
// automatic contact creation, batches, levelled logs, and sandbox mode. See docs/salesforce.md.
import type { ConnectorFactory } from '../types.ts';
import { ownLoop, type OwnedLoop } from '../../jobs/leases.ts';
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
  let captureLoop: OwnedLoop | undefined;
  return {
    system: 'salesforce',
    loadConnection: (practiceId, connectionId, options) => loadConnection(deps, practiceId, connectionId, options),
    settingsSchema,
    fanOut: fanOutTargets(),
    tasks: connectorTasks(deps),
    crontab: ['* * * * * salesforce:reconcile-sweep ?max=1'],
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
    // Change capture for every active connection, by one worker process at a time. No grace
    // period before a new owner starts: two owners at once for a moment only apply a change twice,
    // which changes nothing (apply jobs compare with the link's snapshot).
    async afterListen() {
      captureLoop = ownLoop(deps.db, 'salesforce:capture', () => capture.own(), { graceMs: 0, logger: deps.logger });
    },
    async stop() {
      await captureLoop?.stop();
      capture.stopAll();
      await flushAllMirrors(deps);
    },
  };
};

export default createSalesforceConnector;
