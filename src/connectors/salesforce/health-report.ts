// A Salesforce connection's health for the overview: the org verification's findings (what of
// Tandem's package is missing, each with its fix), when the org was last checked, and a pause at
// the org's daily API allowance while it lasts.
import type { Connection, ConnectionHealthReport } from '../../db/connections.ts';
import { activePause } from './allowance.ts';
import type { Verification } from './verify.ts';

export function describeHealth(c: Connection): ConnectionHealthReport {
  const report: ConnectionHealthReport = { problems: [], facts: [], times: [] };
  const pause = activePause(c.health);
  if (pause)
    report.problems.push(
      `Paused at the org's daily API allowance: ${(pause.detail ?? pause.code).replace(/\.$/, '')}. Tandem's Salesforce work resumes by ${new Date(pause.until).toLocaleTimeString('en-GB', { timeZone: 'UTC' })} UTC`,
    );
  const verification = (c.health as { verification?: Verification }).verification;
  if (!verification) return report;
  // Blocking findings already stand in the connection's status message (status error); a
  // warning turns one feature off (or could not be checked), so it is told, not alarmed on.
  const warnings = verification.findings.filter((f) => f.severity === 'warning').length;
  if (verification.findings.length === 0) report.facts.push("Tandem's package is complete in this org");
  else if (warnings > 0)
    report.facts.push(`Org verified with ${warnings} warning${warnings > 1 ? 's' : ''} (see the connection page)`);
  report.times.push({ label: 'Org last verified', at: verification.checkedAt });
  return report;
}
