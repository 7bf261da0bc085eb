// GET /api/v1/sandbox: the emulators sandbox mode started, e.g. {"hint": {"url": ...}}; 404 otherwise.
import type { FastifyInstance } from 'fastify';

export async function sandboxRoutes(
  app: FastifyInstance,
  { sandboxes }: { sandboxes: () => { name: string; url: string }[] },
): Promise<void> {
  app.get('/sandbox', async (_request, reply) => {
    const running = sandboxes();
    if (running.length === 0)
      return reply.code(404).send({ error: 'Tandem is not running in sandbox mode', details: [] });
    return Object.fromEntries(running.map((s) => [s.name, { url: s.url }]));
  });
}
