// GET /health: 200 {"status":"ok"} only when the database answers, migrations are current
// and the workers run; 503 with the reasons otherwise.
import type { FastifyInstance } from 'fastify';

export type HealthProbe = () => Promise<{ ok: boolean; problems: string[] }>;

export async function healthRoutes(app: FastifyInstance, { probe }: { probe: HealthProbe }): Promise<void> {
  app.get('/health', async (_request, reply) => {
    const result = await probe().catch((e: unknown) => ({ ok: false, problems: [`health probe failed: ${e instanceof Error ? e.message : String(e)}`] }));
    if (result.ok) return { status: 'ok' };
    return reply.code(503).send({ status: 'unavailable', problems: result.problems });
  });
}
