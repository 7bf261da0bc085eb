// What the console's patient pages need beyond the record routes: a patient's timeline, and
// "retry now" for one of its links (the connector's own push job, queued as if the patient had
// just changed, so the retry takes exactly the path every change takes).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../core/errors.ts';
import { isUuid } from '../../core/ids.ts';
import { writeAudit } from '../../db/audit.ts';
import { getConnection } from '../../db/connections.ts';
import { findLocalIdByAlias } from '../../db/links.ts';
import { patientTimeline } from '../../db/patient-timeline.ts';
import { inTransaction, type Db } from '../../db/pool.ts';
import { patients } from '../../db/records/kinds.ts';
import { getRecord } from '../../db/records/repository.ts';
import type { FanOutTarget } from '../../jobs/fanout.ts';
import { parseOrThrow } from '../errors.ts';

const timelineQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(200) }).strict();

type PatientParams = { Params: { id: string } };
type LinkParams = { Params: { id: string; connectionId: string } };

export interface PatientConsoleOptions {
  db: Db;
  /** The connectors' fan-out targets: a retry queues the same job a change would. */
  fanOut: FanOutTarget[];
}

export async function patientConsoleRoutes(app: FastifyInstance, { db, fanOut }: PatientConsoleOptions): Promise<void> {
  /** The patient's id (or "<system>:<remoteId>"), checked to be a live patient of this practice. */
  const livePatient = async (practiceId: string, raw: string): Promise<string> => {
    const id = isUuid(raw) ? raw : await findLocalIdByAlias(db, practiceId, 'patient', raw);
    if (!id) throw new NotFoundError('patient');
    await getRecord(db, practiceId, patients, id);
    return id;
  };

  app.get<PatientParams>('/patients/:id/timeline', async (request) => {
    const { limit } = parseOrThrow(timelineQuery, request.query);
    const id = await livePatient(request.auth.practiceId, request.params.id);
    return { data: await patientTimeline(db, request.auth.practiceId, id, limit) };
  });

  app.post<LinkParams>('/patients/:id/links/:connectionId/retry', async (request, reply) => {
    const { practiceId, actor } = request.auth;
    const id = await livePatient(practiceId, request.params.id);
    const connection = await getConnection(db, practiceId, request.params.connectionId);
    if (!connection) throw new NotFoundError('connection');
    const target = fanOut.find((t) => t.system === connection.system && t.entityKinds.includes('patient'));
    if (!target) throw new ConflictError(`the ${connection.system} connection does not sync patients`);
    if (connection.status !== 'active')
      throw new ConflictError(
        `the ${connection.name} connection is ${connection.status}: activate it again before retrying`,
      );
    await inTransaction(db, async (tx) => {
      const event = {
        id: 0,
        practiceId,
        entityKind: 'patient',
        entityId: id,
        action: 'updated' as const,
        version: null,
        origin: 'api',
        changedFields: [],
      };
      const ref = { ...connection, settings: connection.settings };
      if (target.enqueueBatch) await target.enqueueBatch(tx, [{ event, connection: ref }]);
      else await target.enqueue(tx, event, ref);
      await writeAudit(tx, {
        practiceId,
        actor,
        action: 'patient.sync-retried',
        entityKind: 'patient',
        entityId: id,
        fields: [connection.system],
      });
    });
    return reply.code(202).send({ queued: true, patientId: id, connectionId: connection.id });
  });
}
