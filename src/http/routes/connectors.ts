// GET /api/v1/connectors: each installed connector and the JSON Schema of the settings an admin
// may change, generated from the connector's own zod schema, so the console builds its
// settings forms from the same rules the API validates with (and cannot drift from them).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

export async function connectorRoutes(
  app: FastifyInstance,
  { connectors }: { connectors: { system: string; settingsSchema?: z.ZodType }[] },
): Promise<void> {
  // Computed once: the schemas do not change while Tandem runs.
  const data = connectors.map((c) => ({
    system: c.system,
    settingsSchema: c.settingsSchema ? z.toJSONSchema(c.settingsSchema, { io: 'input', unrepresentable: 'any' }) : null,
  }));
  app.get('/connectors', async () => ({ data }));
}
