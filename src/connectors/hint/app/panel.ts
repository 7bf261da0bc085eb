// What the framed panel shows for the Hint patient open in Hint, and the two actions it offers.
// Everything is read within the session's practice and Hint connection: a Hint patient id of
// another practice finds nothing here, whatever the caller sends.
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../../core/errors.ts';
import { updateConnection, getConnection } from '../../../db/connections.ts';
import { findLink, findLinksByRemoteId, linksFor } from '../../../db/links.ts';
import { readLogs } from '../../../db/logs.ts';
import { findPendingReview } from '../../../db/match-reviews.ts';
import { appointments, patients } from '../../../db/records/kinds.ts';
import { getRecord, listRecords } from '../../../db/records/repository.ts';
import { getPatient } from '../client-endpoints.ts';
import { absorbPatient, enqueuePush } from '../inbound-patient.ts';
import { loadConnection, type HintDeps } from '../connection.ts';
import { readSettings } from '../settings.ts';
import { appointmentWebLink } from '../outbound-interaction.ts';
import type { HintAppSession } from './store.ts';
import type { AppSettingsView, InteractionView, Panel, PanelBooking, PanelStatus } from './types.ts';

/** The Hint facts staff see, as the hint link keeps them. */
const FACT_KEYS = ['webLink', 'membershipStatus', 'planName', 'balanceCents', 'employerName', 'practitionerName'];

const REASONS: Record<PanelStatus, string> = {
  linked: 'Linked: changes on either side are kept in sync.',
  errored: 'Linked, but the last sync failed: the message says why.',
  under_review:
    'Tandem found a possible match and is waiting for a person to decide in the review queue; nothing syncs until then.',
  unsynced:
    'Tandem has not linked this Hint patient yet: it may have been created before Hint was connected, or this practice does not create Tandem patients from Hint.',
};

async function bookingsOf(db: HintDeps['db'], practiceId: string, patientId: string, now: number) {
  const page = await listRecords(db, practiceId, appointments, { filters: { patientId }, limit: 200 });
  const ids = page.data.map((a) => String(a.id));
  const links = await linksFor(db, practiceId, 'appointment', ids);
  const all: PanelBooking[] = page.data.map((a) => {
    const he = (links.get(String(a.id)) ?? []).find((l) => l.system === 'healthengine');
    return {
      id: String(a.id),
      start: String(a.start),
      end: String(a.end),
      status: String(a.status ?? 'booked'),
      source: (a.source as string | null) ?? null,
      healthengine: he ? { status: he.status, errorMessage: he.errorMessage } : null,
    };
  });
  return {
    upcoming: all.filter((b) => Date.parse(b.end) >= now),
    past: all.filter((b) => Date.parse(b.end) < now).reverse(),
  };
}

export async function panelFor(deps: HintDeps, session: HintAppSession, hintPatientId: string): Promise<Panel> {
  const { db } = deps;
  const { practiceId, connectionId } = session;
  const link = (await findLinksByRemoteId(db, practiceId, connectionId, 'patient', [hintPatientId])).get(hintPatientId);
  const consoleUrl = (id: string) => `${deps.publicUrl()}/patients/${id}`;
  if (!link) {
    const review = await findPendingReview(db, practiceId, connectionId, 'patient', hintPatientId);
    const status: PanelStatus = review ? 'under_review' : 'unsynced';
    return {
      hintPatientId,
      status,
      reason: REASONS[status],
      reviewUrl: review ? `${deps.publicUrl()}/reviews/${review.id}` : null,
      patient: null,
    };
  }
  const status: PanelStatus = link.status === 'errored' ? 'errored' : 'linked';
  const [record, links, bookings, logs] = await Promise.all([
    getRecord(db, practiceId, patients, link.localId),
    linksFor(db, practiceId, 'patient', [link.localId]),
    bookingsOf(db, practiceId, link.localId, Date.now()),
    readLogs(db, practiceId, { entityId: link.localId, limit: 50 }),
  ]);
  return {
    hintPatientId,
    status,
    reason: REASONS[status],
    reviewUrl: null,
    patient: {
      id: link.localId,
      firstName: record.firstName ?? null,
      lastName: record.lastName ?? null,
      dob: record.dob ?? null,
      consoleUrl: consoleUrl(link.localId),
    },
    links: (links.get(link.localId) ?? []).map(({ remoteData: _facts, ...summary }) => summary),
    hint: Object.fromEntries(FACT_KEYS.map((k) => [k, link.remoteData[k] ?? null])),
    bookings,
    timeline: logs.reverse().map((l) => ({ at: l.createdAt, level: l.level, message: l.message })),
  };
}

/** The appointment behind a partner interaction Tandem wrote (the clinical_interaction surface). */
export async function interactionPanel(
  deps: HintDeps,
  session: HintAppSession,
  interactionId: string,
): Promise<InteractionView> {
  const { db } = deps;
  const link = (
    await findLinksByRemoteId(db, session.practiceId, session.connectionId, 'appointment', [interactionId])
  ).get(interactionId);
  if (!link)
    return {
      interactionId,
      appointment: null,
      hintPatientId: null,
      reason: 'This interaction was not written by Tandem.',
    };
  const appointment = await getRecord(db, session.practiceId, appointments, link.localId).catch((error: unknown) => {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  });
  if (!appointment)
    return { interactionId, appointment: null, hintPatientId: null, reason: 'The appointment was deleted in Tandem.' };
  const patientLink =
    typeof appointment.patientId === 'string'
      ? await findLink(db, session.practiceId, session.connectionId, 'patient', { localId: appointment.patientId })
      : undefined;
  return {
    interactionId,
    reason: null,
    appointment: {
      id: link.localId,
      start: appointment.start,
      end: appointment.end,
      status: appointment.status,
      source: appointment.source,
      notes: appointment.notes ?? null,
      consoleUrl: appointmentWebLink(deps, link.localId),
      sync: { status: link.status, errorMessage: link.errorMessage },
    },
    hintPatientId: patientLink?.remoteId ?? null,
  };
}

/** Links (or queues for review, or creates) the Hint patient now, as the initial sync would. */
export async function linkNow(deps: HintDeps, session: HintAppSession, hintPatientId: string) {
  const loaded = await loadConnection(deps, session.practiceId, session.connectionId);
  if (!loaded) return { outcome: 'connection_inactive' as const };
  const p = await getPatient(deps, loaded, hintPatientId);
  if (!p) return { outcome: 'not_in_hint' as const };
  const outcome = await absorbPatient(deps, loaded, p, { source: 'reconcile', allowCreate: true, allowReview: true });
  return { outcome };
}

/** Pushes the linked patient to Hint again (the job clears the error when Hint accepts it). */
export async function retryLink(deps: HintDeps, session: HintAppSession, hintPatientId: string) {
  const { db } = deps;
  const link = (
    await findLinksByRemoteId(db, session.practiceId, session.connectionId, 'patient', [hintPatientId])
  ).get(hintPatientId);
  if (!link) return { queued: false, reason: 'not linked: use "Link now"' };
  await enqueuePush(db, { practiceId: session.practiceId, id: session.connectionId }, link.localId, hintPatientId);
  return { queued: true };
}

const appSettingsSchema = z.object({ partnerInteractions: z.boolean() }).strict();

export async function settingsView(deps: HintDeps, session: HintAppSession): Promise<AppSettingsView> {
  const c = await getConnection(deps.db, session.practiceId, session.connectionId);
  const settings = readSettings(c?.settings ?? {});
  return {
    connection: {
      status: c?.status ?? 'gone',
      consoleUrl: `${deps.publicUrl()}/connections/${session.connectionId}`,
    },
    partnerInteractions: settings.partnerInteractions,
  };
}

export async function updateAppSettings(deps: HintDeps, session: HintAppSession, body: unknown) {
  const parsed = appSettingsSchema.safeParse(body);
  if (!parsed.success)
    throw new ValidationError(
      parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message })),
    );
  const c = await getConnection(deps.db, session.practiceId, session.connectionId);
  if (!c) throw new NotFoundError('Hint connection');
  await updateConnection(deps.db, c.practiceId, c.id, { settings: { ...c.settings, ...parsed.data } });
  return { partnerInteractions: parsed.data.partnerInteractions };
}
