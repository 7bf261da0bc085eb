// GET /health and /health/ready: 200 {"status":"ok"} only when the database answers, migrations
// are current and, in a process that runs workers, the workers run; 503 with the reasons
// otherwise. GET /health/live: 200 while the process serves HTTP at all (restart it when not).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { migrationsCurrent } from '../../db/migrate.ts';
import type { Db } from '../../db/pool.ts';

export type HealthProbe = () => Promise<{ ok: boolean; problems: string[] }>;

/** Healthy = the database answers, every migration is applied, and the job workers run (when this process has them). */
export function createHealthProbe(db: Db, workersRunning?: () => boolean): HealthProbe {
  return async () => {
    const problems: string[] = [];
    const dbOk = await db.query('SELECT 1').then(
      () => true,
      () => false,
    );
    if (!dbOk) problems.push('database unreachable');
    else if (!(await migrationsCurrent(db))) problems.push('migrations not applied');
    if (workersRunning && !workersRunning()) problems.push('job workers not running');
    return { ok: problems.length === 0, problems };
  };
}

export async function healthRoutes(app: FastifyInstance, { probe }: { probe: HealthProbe }): Promise<void> {
  app.get('/health/live', async () => ({ status: 'live' }));
  const ready = async (_request: unknown, reply: FastifyReply) => {
    const result = await probe().catch((e: unknown) => ({
      ok: false,
      problems: [`health probe failed: ${e instanceof Error ? e.message : String(e)}`],
    }));
    if (result.ok) return { status: 'ok' };
    return reply.code(503).send({ status: 'unavailable', problems: result.problems });
  };
  app.get('/health', ready);
  app.get('/health/ready', ready);
}
