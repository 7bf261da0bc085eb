// Feature-gated exchanges: documents (PMS → HE), client snapshots, and attachDocuments
// (HE → PMS, 410 once handled or expired). Each answer resolves the request it matches.
import { createHash } from 'node:crypto';
import { pendingOf, raiseRequest, resolveWhere } from './queue.ts';
import type { AttachDocumentRecord, EmulatorState, Practice } from './state.ts';
import { formatUtc } from './time.ts';

export type Result = { status: 200 } | { status: 400 | 403 | 404 | 410; error: string };
const OK: Result = { status: 200 };

export function featureGate(practice: Practice, feature: 'documents' | 'clientSnapshots'): Result {
  return practice.features.get(feature)
    ? OK
    : { status: 403, error: `feature ${feature} is not enabled for this practice` };
}

export function documentsAvailable(
  state: EmulatorState,
  practice: Practice,
  docs: Array<Record<string, unknown>>,
): Result {
  for (const [i, doc] of docs.entries()) {
    if (typeof doc.bookingId !== 'number') return { status: 400, error: `body[${i}].bookingId is required` };
    if (!practice.bookings.has(doc.bookingId))
      return { status: 400, error: `body[${i}].bookingId ${doc.bookingId} is not a booking of this practice` };
  }
  practice.documentsAvailable.push(...docs);
  const bookingIds = new Set(docs.map((d) => d.bookingId));
  resolveWhere(
    state,
    practice,
    (i) => i.type === 'availableDocuments' && bookingIds.has(i.bookingId),
    'documents/available',
  );
  return OK;
}

export function uploadDocument(state: EmulatorState, practice: Practice, doc: Record<string, unknown>): Result {
  if (typeof doc.bookingId !== 'number') return { status: 400, error: 'bookingId is required' };
  if (typeof doc.pmsDocumentId !== 'string') return { status: 400, error: 'pmsDocumentId is required' };
  if (typeof doc.documentContent !== 'string') return { status: 400, error: 'documentContent is required' };
  if (!practice.bookings.has(doc.bookingId)) return { status: 404, error: `booking ${doc.bookingId} not found` };
  const size = Buffer.from(doc.documentContent, 'base64').length;
  if (typeof doc.documentSize === 'number' && doc.documentSize !== size) {
    return {
      status: 400,
      error: `documentSize ${doc.documentSize} does not match the decoded documentContent (${size} bytes)`,
    };
  }
  practice.documentsUploaded.push({ ...doc, documentContent: undefined, receivedBytes: size });
  resolveWhere(
    state,
    practice,
    (i) => i.type === 'uploadDocuments' && i.bookingId === doc.bookingId && i.body.pmsDocumentId === doc.pmsDocumentId,
    'documents/upload',
  );
  return OK;
}

export function rejectUpload(state: EmulatorState, practice: Practice, body: Record<string, unknown>): Result {
  if (typeof body.bookingId !== 'number') return { status: 400, error: 'bookingId is required' };
  if (typeof body.pmsDocumentId !== 'string') return { status: 400, error: 'pmsDocumentId is required' };
  const done = resolveWhere(
    state,
    practice,
    (i) =>
      i.type === 'uploadDocuments' && i.bookingId === body.bookingId && i.body.pmsDocumentId === body.pmsDocumentId,
    'documents/rejectUpload',
  );
  if (done.length === 0)
    return {
      status: 400,
      error: `no uploadDocuments request is pending for booking ${body.bookingId} and document ${body.pmsDocumentId}`,
    };
  practice.documentUploadsRejected.push(body);
  return OK;
}

/** A client snapshot must hold only its date's appointments, each naming listed people and types. */
export function clientSnapshot(state: EmulatorState, practice: Practice, s: Record<string, unknown>): Result {
  const ids = (list: unknown, key: string) => new Set((list as Array<Record<string, unknown>>).map((x) => x[key]));
  const patients = ids(s.patients, 'pmsPatientId');
  const practitioners = ids(s.practitioners, 'pmsPractitionerId');
  const types = ids(s.appointmentTypes, 'pmsAppointmentTypeId');
  const dateField = s.dateType === 'appt_datetime' ? 'pmsAppointmentTime' : 'pmsAppointmentCreationTime';
  for (const [i, a] of (s.appointments as Array<Record<string, unknown>>).entries()) {
    if (!patients.has(a.pmsPatientId))
      return { status: 400, error: `appointments[${i}].pmsPatientId is not in patients` };
    if (!practitioners.has(a.pmsPractitionerId))
      return { status: 400, error: `appointments[${i}].pmsPractitionerId is not in practitioners` };
    if (!types.has(a.pmsAppointmentTypeId))
      return { status: 400, error: `appointments[${i}].pmsAppointmentTypeId is not in appointmentTypes` };
    if (!String(a[dateField]).startsWith(String(s.date)))
      return { status: 400, error: `appointments[${i}].${dateField} is not on ${String(s.date)}` };
  }
  practice.clientSnapshots.push(s);
  resolveWhere(
    state,
    practice,
    (i) => i.type === 'clientSnapshots' && i.body.date === s.date && i.body.dateType === s.dateType,
    'clientSnapshot',
  );
  return OK;
}

/** Raises an attachDocuments request with its document (content base64, SHA-1 of the bytes). */
export function raiseAttachDocument(
  state: EmulatorState,
  practice: Practice,
  input: Record<string, unknown>,
): AttachDocumentRecord {
  const bytes = Buffer.from(
    typeof input.content === 'string'
      ? input.content
      : `%PDF-1.4\n% emulated ${String(input.documentName ?? 'New Patient Form')}\n`,
  );
  const now = state.clock.now();
  const metadata = {
    pmsPatientId: String(input.pmsPatientId ?? ''),
    pmsAppointmentId: input.pmsAppointmentId ?? null,
    bookingId: typeof input.bookingId === 'number' ? input.bookingId : null,
    documentId: String(input.documentId ?? `doc-${state.nextRequestId}`),
    documentType: String(input.documentType ?? 'NEW PATIENT FORM'),
    documentName: String(input.documentName ?? 'New Patient Form'),
    documentDescription: String(input.documentDescription ?? 'Submitted by the patient on Healthengine'),
    documentFormat: String(input.documentFormat ?? 'application/pdf'),
    documentSize: bytes.length,
    documentHash: createHash('sha1').update(bytes).digest('hex'),
    createdAt: formatUtc(now),
  };
  const item = raiseRequest(state, practice, 'attachDocuments', metadata);
  const record: AttachDocumentRecord = {
    requestId: item.requestId,
    metadata,
    content: bytes.toString('base64'),
    createdAt: now,
  };
  practice.attachDocuments.set(item.requestId, record);
  return record;
}

export function expireAttachDocuments(state: EmulatorState, practice: Practice): void {
  const now = state.clock.now();
  for (const item of pendingOf(practice, 'attachDocuments')) {
    const record = practice.attachDocuments.get(item.requestId);
    if (record && now - record.createdAt >= state.config.attachDocumentExpiryMs) {
      resolveWhere(state, practice, (i) => i === item, 'expired');
    }
  }
}

/** The record if it can still be read or answered; 404 unknown, 410 handled or expired. */
export function liveAttachDocument(
  state: EmulatorState,
  practice: Practice,
  requestId: number,
): AttachDocumentRecord | Result {
  const record = practice.attachDocuments.get(requestId);
  if (!record) return { status: 404, error: `attachDocuments request ${requestId} not found` };
  if (record.handled)
    return { status: 410, error: `attachDocuments request ${requestId} was already ${record.handled}` };
  expireAttachDocuments(state, practice);
  if (!pendingOf(practice, 'attachDocuments').some((i) => i.requestId === requestId)) {
    return { status: 410, error: `attachDocuments request ${requestId} has expired` };
  }
  return record;
}

export function answerAttachDocument(
  state: EmulatorState,
  practice: Practice,
  requestId: number,
  answer: 'confirmed' | 'rejected',
  detail: Record<string, unknown>,
): Result {
  const record = liveAttachDocument(state, practice, requestId);
  if ('status' in record) return record;
  Object.assign(record, {
    handled: answer,
    handledAt: state.clock.now(),
    pmsDocumentId: detail.pmsDocumentId ?? null,
    reason: detail.reason ?? null,
  });
  resolveWhere(
    state,
    practice,
    (i) => i.type === 'attachDocuments' && i.requestId === requestId,
    answer === 'confirmed' ? 'confirmInsert' : 'rejectInsert',
  );
  return OK;
}
