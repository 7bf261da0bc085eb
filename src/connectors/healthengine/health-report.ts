// A Healthengine connection's health for the overview: the alert raised when requests go
// unanswered past Healthengine's rules (see health checks in jobs), and the last successful poll.
import type { Connection, ConnectionHealthReport } from '../../db/connections.ts';

export function describeHealth(c: Connection): ConnectionHealthReport {
  const report: ConnectionHealthReport = { problems: [], facts: [], times: [] };
  const h = c.health;
  if (h.alert === true && typeof h.alertMessage === 'string') report.problems.push(h.alertMessage);
  else if (h.checkedAt) report.facts.push('Healthengine requests answered in time');
  if (typeof h.lastSuccessfulPollAt === 'string') {
    report.times.push({ label: 'Last successful poll', at: h.lastSuccessfulPollAt });
    report.lastWorkedAt = h.lastSuccessfulPollAt;
  }
  return report;
}
