// GET /api/v1/overview: the console's first page in one request — every connection with its
// status, health in words, last successful sync and the counts that need someone's attention.
import type { FastifyInstance } from 'fastify';
import { listConnections, type Connection, type ConnectionHealthReport } from '../../db/connections.ts';
import { practiceFigures } from '../../db/overview.ts';
import type { Db } from '../../db/pool.ts';
import type { HealthView, Overview } from '../schemas/records.ts';

/** Each connector reads its own connection's health (its describeHealth); the hub knows none of them. */
export type DescribeHealth = (c: Connection) => ConnectionHealthReport | undefined;

/** The connection's status, then what its connector says about it. */
function healthOf(c: Connection, report: ConnectionHealthReport | undefined): HealthView {
  const problems: string[] = [];
  if (c.status !== 'active')
    problems.push(`Connection ${c.status.replaceAll('_', ' ')}${c.statusMessage ? `: ${c.statusMessage}` : ''}`);
  problems.push(...(report?.problems ?? []));
  return { ok: problems.length === 0, problems, facts: report?.facts ?? [], times: report?.times ?? [] };
}

/** The latest of: a record synced on this connection, the moment its connector last worked (a poll, say). */
function lastSync(linked: string | null, report: ConnectionHealthReport | undefined): string | null {
  const candidates = [linked, report?.lastWorkedAt ?? null].filter((t): t is string => t !== null);
  return candidates.sort().at(-1) ?? null;
}

export async function overviewRoutes(
  app: FastifyInstance,
  { db, describeHealth }: { db: Db; describeHealth: DescribeHealth },
): Promise<void> {
  app.get('/overview', async (request): Promise<Overview> => {
    const { practiceId } = request.auth;
    const [connections, figures] = await Promise.all([
      listConnections(db, practiceId),
      practiceFigures(db, practiceId),
    ]);
    return {
      connections: connections.map((c) => {
        const f = figures.byConnection.get(c.id);
        const report = describeHealth(c);
        return {
          id: c.id,
          system: c.system,
          name: c.name,
          status: c.status,
          statusMessage: c.statusMessage,
          health: healthOf(c, report),
          lastSyncedAt: lastSync(f?.lastSyncedAt ?? null, report),
          patientLinks: { linked: f?.linked ?? 0, errored: f?.errored ?? 0, unsynced: f?.unsynced ?? 0 },
          pendingReviews: f?.pendingReviews ?? 0,
          failedJobs: f?.failedJobs ?? 0,
        };
      }),
      pendingReviews: figures.pendingReviews,
      failedJobs: figures.failedJobs,
    };
  });
}
