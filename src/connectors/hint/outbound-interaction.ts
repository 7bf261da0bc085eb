// Tandem → Hint for a Healthengine booking of a Hint-linked patient: a partner interaction on
// the patient's Hint chart (draft while booked, signed once attended, deleted when cancelled),
// with integration_record_id = the appointment id and integration_web_link = the appointment in
// Tandem's console. One interaction per appointment, ever: the link remembers it, and when the
// link is missing (a crash between Hint's answer and our save) Hint is asked for the interaction
// carrying our id before anything is created.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { NotFoundError } from '../../core/errors.ts';
import { findLink, upsertLink } from '../../db/links.ts';
import { writeLog } from '../../db/logs.ts';
import { appointments } from '../../db/records/kinds.ts';
import { getRecord, type Json } from '../../db/records/repository.ts';
import type { Tx } from '../../db/pool.ts';
import type { FanOutTarget } from '../../jobs/fanout.ts';
import { enqueueMany, type JobToAdd } from '../../jobs/queue.ts';
import { HintApiError } from './client.ts';
import type { LoadedConnection, HintDeps } from './connection.ts';
import { readSettings } from './settings.ts';
import { jobKeys, queues } from './queues.ts';

declare module '../../jobs/types.ts' {
  interface JobPayloads {
    'hint:push-interaction': { practiceId: string; connectionId: string; appointmentId: string };
  }
}

const interactionSchema = z
  .object({ id: z.string(), status: z.string(), integration_record_id: z.string().nullable().optional() })
  .loose();

type InteractionStatus = 'draft' | 'signed' | 'deleted';

/** What the chart should show for the appointment's status. */
export function interactionStatusOf(appointmentStatus: string): InteractionStatus {
  if (appointmentStatus === 'attended') return 'signed';
  if (appointmentStatus === 'cancelled') return 'deleted';
  return 'draft';
}

const TITLES: Record<string, string> = {
  booked: 'Healthengine booking',
  attended: 'Healthengine booking (attended)',
  cancelled: 'Healthengine booking (cancelled)',
  did_not_attend: 'Healthengine booking (did not attend)',
};

export function appointmentWebLink(deps: HintDeps, appointmentId: string): string {
  return `${deps.publicUrl()}/appointments/${appointmentId}`;
}

function bodyOf(deps: HintDeps, a: Json, status: InteractionStatus) {
  const when = String(a.start).slice(0, 16).replace('T', ' ');
  return {
    status,
    title: `${TITLES[String(a.status)] ?? TITLES.booked} ${when}`,
    integration_record_id: String(a.id),
    integration_web_link: appointmentWebLink(deps, String(a.id)),
    integration_error_message: null,
  };
}

const hashOf = (body: object) => createHash('sha256').update(JSON.stringify(body)).digest('hex');

/** The job: make the Hint chart show the appointment as it is now. */
export async function pushInteraction(
  deps: HintDeps,
  loaded: LoadedConnection,
  appointmentId: string,
): Promise<string> {
  const { db } = deps;
  if (!loaded.settings.partnerInteractions) return 'off';
  let appointment: Json;
  try {
    appointment = await getRecord(db, loaded.connection.practiceId, appointments, appointmentId);
  } catch (error) {
    if (error instanceof NotFoundError) return 'gone'; // deleted in Tandem: the chart keeps its history
    throw error;
  }
  if (appointment.source !== 'healthengine' || typeof appointment.patientId !== 'string') return 'not-a-booking';
  const patientLink = await findLink(db, loaded.connection.practiceId, loaded.connection.id, 'patient', {
    localId: appointment.patientId,
  });
  if (!patientLink) return 'patient-not-in-hint';
  const link = await findLink(db, loaded.connection.practiceId, loaded.connection.id, 'appointment', {
    localId: appointmentId,
  });
  const status = interactionStatusOf(String(appointment.status));
  const body = bodyOf(deps, appointment, status);
  const hash = hashOf(body);
  if (link && link.writtenHash === hash && link.status !== 'errored') return 'unchanged';
  const base = `/provider/patients/${encodeURIComponent(patientLink.remoteId)}/interactions/partner`;
  const key = {
    practiceId: loaded.connection.practiceId,
    connectionId: loaded.connection.id,
    entityKind: 'appointment',
    localId: appointmentId,
  };
  try {
    const remoteId = link?.remoteId ?? (await findOurs(deps, loaded, patientLink.remoteId, appointmentId));
    // Hint refuses to take an interaction back to draft: a signed one stays signed.
    const patch = link?.remoteState === 'signed' && status === 'draft' ? { ...body, status: 'signed' } : body;
    const saved = remoteId
      ? await call(deps, loaded, 'PATCH', `${base}/${encodeURIComponent(remoteId)}`, patch)
      : await call(deps, loaded, 'POST', base, body);
    await upsertLink(
      db,
      { ...key, remoteId: saved.id },
      { status: 'synced', errorMessage: null, writtenHash: hash, remoteState: saved.status, synced: true },
    );
    return remoteId ? 'updated' : 'created';
  } catch (error) {
    if (!(error instanceof HintApiError) || error.retryable) throw error;
    // Hint will not take it as it is (a retry cannot help): the appointment's link says why.
    const reason = `Hint refused the booking's interaction (${error.status})`;
    await upsertLink(db, { ...key, remoteId: link?.remoteId ?? null }, { status: 'errored', errorMessage: reason });
    await writeLog(db, loaded.connection.practiceId, {
      level: 'error',
      message: reason,
      connectionId: loaded.connection.id,
      entityKind: 'appointment',
      entityId: appointmentId,
    });
    return 'errored';
  }
}

async function call(deps: HintDeps, loaded: LoadedConnection, method: 'POST' | 'PATCH', path: string, body: object) {
  const res = await deps.client.call(method, path, {
    token: loaded.credentials.accessToken,
    body: body as Record<string, unknown>,
    schema: interactionSchema,
    ratePerSecond: loaded.settings.rateLimitPerSecond,
  });
  return res.data;
}

/** An interaction already carrying this appointment's id (written before a crash lost our link). */
async function findOurs(deps: HintDeps, loaded: LoadedConnection, hintPatientId: string, appointmentId: string) {
  const res = await deps.client.call('GET', '/provider/interactions', {
    token: loaded.credentials.accessToken,
    query: { 'patient_id[]': hintPatientId, limit: 100 },
    schema: z.array(interactionSchema),
    ratePerSecond: loaded.settings.rateLimitPerSecond,
  });
  return res.data.find((i) => i.integration_record_id === appointmentId)?.id;
}

/** Appointment changes → one coalesced job per appointment, when the practice wants interactions. */
export const interactionFanOut: FanOutTarget = {
  system: 'hint',
  entityKinds: ['appointment'],
  enqueue: (tx, event, connection) => interactionFanOut.enqueueBatch!(tx, [{ event, connection }]),
  async enqueueBatch(tx: Tx, items) {
    const jobs: JobToAdd[] = items
      .filter(({ connection }) => readSettings(connection.settings).partnerInteractions)
      .filter(({ event }) => event.action !== 'deleted')
      .map(({ event, connection }) => ({
        name: 'hint:push-interaction',
        payload: { practiceId: event.practiceId, connectionId: connection.id, appointmentId: event.entityId },
        options: {
          queue: queues.record(connection.id, `appointment:${event.entityId}`),
          jobKey: jobKeys.pushInteraction(connection.id, event.entityId),
        },
      }));
    await enqueueMany(tx, jobs);
  },
};
