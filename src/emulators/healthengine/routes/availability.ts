// Tag "availability": one snapshot, or up to 100 with per-item created/existing/failed/errors.
import type { FastifyInstance } from 'fastify';
import { requestPractice } from '../auth.ts';
import { applySnapshot, snapshotProblem, type SnapshotInput } from '../availability.ts';
import type { EmulatorContext } from '../context.ts';
import { validateComponent } from '../spec.ts';
import { badRequest } from './common.ts';

export function registerAvailabilityRoutes(app: FastifyInstance, context: EmulatorContext): void {
  app.post('/availability/snapshot', async (request, reply) => {
    const practice = requestPractice(request);
    const snapshot = request.body as SnapshotInput;
    const problem = snapshotProblem(context.state, practice, snapshot);
    if (problem) return badRequest(reply, problem);
    applySnapshot(context.state, practice, snapshot, false);
    return reply.code(200).send();
  });

  app.post('/availability/snapshots', async (request, reply) => {
    const practice = requestPractice(request);
    const { state } = context;
    const body = request.body;
    if (!Array.isArray(body)) return badRequest(reply, 'body must be an array of availability snapshots');
    if (body.length > state.config.maxBulkSnapshots) {
      return badRequest(reply, `at most ${state.config.maxBulkSnapshots} snapshots per call (got ${body.length})`);
    }
    const result = {
      created: [] as string[],
      existing: [] as string[],
      failed: [] as string[],
      errors: [] as Array<{ snapshot: string; error: string }>,
    };
    body.forEach((item: unknown, index) => {
      const ref =
        item && typeof item === 'object' && typeof (item as SnapshotInput).id === 'string'
          ? String((item as SnapshotInput).id)
          : String(index);
      const check = validateComponent('AvailabilitySnapshot', item, 'snapshot');
      const problem = check.ok ? snapshotProblem(state, practice, item as SnapshotInput) : check.error;
      if (problem) {
        result.failed.push(ref);
        result.errors.push({ snapshot: ref, error: problem });
        return;
      }
      result[applySnapshot(state, practice, item as SnapshotInput)].push(ref);
    });
    const { errors, ...lists } = result;
    return reply.code(200).send(errors.length > 0 ? result : lists);
  });
}
