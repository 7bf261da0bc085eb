// A Hint connection's health for the overview: whether Hint can tell Tandem about changes (the
// webhook endpoint registered on activation) and when reconciliation last caught up.
import type { Connection, ConnectionHealthReport } from '../../db/connections.ts';

export function describeHealth(c: Connection): ConnectionHealthReport {
  const report: ConnectionHealthReport = { problems: [], facts: [], times: [] };
  if (typeof c.settings.webhookEndpointId === 'string') report.facts.push('Hint webhook endpoint registered');
  else if (c.status === 'active')
    report.problems.push(
      'Hint webhook endpoint not registered: changes made in Hint arrive only through reconciliation',
    );
  const reconcile = c.health.reconcile as { lastRunAt?: string } | undefined;
  if (reconcile?.lastRunAt) report.times.push({ label: 'Last reconciliation', at: reconcile.lastRunAt });
  return report;
}
