// Batch routes: start a contacts → Hint patients batch from an uploaded report export (CSV body,
// or JSON {csv}); the batch id comes back at once. Progress, abort and the report (table and
// CSV) are the hub's batch routes (/api/v1/batches/:id, /abort, /items, /report.csv).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.ts';
import { getConnection } from '../../db/connections.ts';
import { batchView } from '../../db/batches.ts';
import { parseOrThrow } from '../../core/validation.ts';
import { PATIENTS_KIND, startBatchOf, startCsvBatch } from './batch.ts';
import { parseContactIds } from './batch-csv.ts';
import { loadConnection, type SalesforceDeps } from './connection.ts';

const MAX_IDS = 50_000;
const jsonBody = z.object({ csv: z.string().min(1, 'must not be empty').max(5_000_000) }).strict();

/** The practice's Salesforce connection, loaded, if it is active: 404 / 409 in words otherwise. */
async function activeConnection(deps: SalesforceDeps, practiceId: string, id: string) {
  const c = await getConnection(deps.db, practiceId, id);
  if (!c || c.system !== 'salesforce') throw new NotFoundError('Salesforce connection');
  if (c.status !== 'active')
    throw new ConflictError('the Salesforce connection is not active', [
      { field: 'status', message: `is ${c.status}` },
    ]);
  return loadConnection(deps, c.practiceId, c.id);
}

export async function batchRoutes(api: FastifyInstance, deps: SalesforceDeps): Promise<void> {
  api.post(
    '/salesforce/connections/:id/batches/patients-to-contacts',
    async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const loaded = await activeConnection(deps, request.auth.practiceId, request.params.id);
      return reply.code(202).send(batchView(await startBatchOf(deps, loaded, PATIENTS_KIND, {})));
    },
  );
  await api.register(async (scope) => {
    scope.addContentTypeParser(
      ['text/csv', 'text/plain'],
      { parseAs: 'string', bodyLimit: 5_000_000 },
      (_r, body, done) => done(null, body),
    );
    scope.post(
      '/salesforce/connections/:id/batches/contacts-csv',
      async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
        const loaded = await activeConnection(deps, request.auth.practiceId, request.params.id);
        const csv = typeof request.body === 'string' ? request.body : parseOrThrow(jsonBody, request.body ?? {}).csv;
        const parsed = parseContactIds(csv);
        if (parsed.ids.length === 0)
          throw new ValidationError([{ field: 'csv', message: 'holds no Contact id in its first column (003…)' }]);
        if (parsed.ids.length > MAX_IDS)
          throw new ValidationError([
            { field: 'csv', message: `holds ${parsed.ids.length} contacts; at most ${MAX_IDS} per batch` },
          ]);
        const batch = await startCsvBatch(deps, loaded, parsed.ids, parsed.invalid);
        return reply.code(202).send({
          ...batchView(batch),
          contacts: parsed.ids.length,
          duplicates: parsed.duplicates,
          invalid: parsed.invalid.length,
        });
      },
    );
  });
}
