// GET /api/v1/overview: the console's first page in one request — every connection with its
// status, health in words, last successful sync and the counts that need someone's attention.
import type { FastifyInstance } from 'fastify';
import { listConnections, type Connection } from '../../db/connections.ts';
import { practiceFigures } from '../../db/overview.ts';
import type { Db } from '../../db/pool.ts';
import type { HealthView, Overview } from '../schemas/records.ts';

/** Health from what each connector records on its connection (settings, health figures). */
export function healthOf(c: Connection): HealthView {
  const problems: string[] = [];
  const facts: string[] = [];
  if (c.status !== 'active')
    problems.push(`Connection ${c.status.replaceAll('_', ' ')}${c.statusMessage ? `: ${c.statusMessage}` : ''}`);
  const h = c.health as Record<string, unknown>;
  if (c.system === 'hint') {
    const registered = typeof c.settings.webhookEndpointId === 'string';
    if (registered) facts.push('Hint webhook endpoint registered');
    else if (c.status === 'active')
      problems.push('Hint webhook endpoint not registered: changes made in Hint arrive only through reconciliation');
    const reconcile = h.reconcile as { lastRunAt?: string } | undefined;
    if (reconcile?.lastRunAt) facts.push(`Last reconciliation ${reconcile.lastRunAt}`);
  }
  if (c.system === 'healthengine') {
    if (h.alert === true && typeof h.alertMessage === 'string') problems.push(h.alertMessage);
    else if (h.checkedAt) facts.push('Healthengine requests answered in time');
    if (typeof h.lastSuccessfulPollAt === 'string') facts.push(`Last successful poll ${h.lastSuccessfulPollAt}`);
  }
  return { ok: problems.length === 0, problems, facts };
}

export async function overviewRoutes(app: FastifyInstance, { db }: { db: Db }): Promise<void> {
  app.get('/overview', async (request): Promise<Overview> => {
    const { practiceId } = request.auth;
    const [connections, figures] = await Promise.all([
      listConnections(db, practiceId),
      practiceFigures(db, practiceId),
    ]);
    return {
      connections: connections.map((c) => {
        const f = figures.byConnection.get(c.id);
        return {
          id: c.id,
          system: c.system,
          name: c.name,
          status: c.status,
          statusMessage: c.statusMessage,
          health: healthOf(c),
          lastSyncedAt: f?.lastSyncedAt ?? null,
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
