// One walk through all 42 operations of openapi.yaml; every response is validated against the
// spec by the test client, and the walk must cover every operationId.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findOperation, specOperations } from '../../../src/emulators/healthengine/spec.ts';
import { book, configurePractice, startHealthengine, startReceiver, TOMORROW, type TestEmulator } from './helpers.ts';

let t: TestEmulator;
const covered = new Set<string>();
beforeAll(async () => {
  t = await startHealthengine();
});
afterAll(async () => {
  await t.close();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const found = findOperation(method, path);
  if (found) covered.add(found.op.operationId);
  const reply = await t.api(method, path, body);
  expect(reply.status, `${method} ${path}: ${JSON.stringify(reply.body)}`).toBeLessThan(300);
  return reply;
}

it('serves all 42 operations with spec-conformant responses', async () => {
  const receiver = await startReceiver();
  try {
    await configurePractice(t);
    for (const f of ['documents', 'clientSnapshots', 'attachDocuments']) await call('POST', `/features/${f}/enable`);
    await call('GET', '/features');
    await call('GET', '/features/documents');
    const sub = await call('POST', '/subscription', { topic: 'requests.*', callbackUrl: receiver.url });
    await call('GET', '/subscription');
    await call('GET', `/subscription/${sub.body.id}`);
    await call('POST', '/config/pmsResources/snapshot', [
      { pmsResourceId: 'r1', pmsResourceName: 'Dr One' },
      { pmsResourceId: 'r2', pmsResourceName: 'Dr Two' },
    ]);
    await call('GET', '/config/pmsResources');
    await call('GET', '/config/pmsResources/findById?id=r1');
    await call('POST', '/config/pmsAppointmentTypes/snapshot', [
      { pmsAppointmentTypeId: 'std', pmsAppointmentTypeName: 'Standard', pmsAppointmentLength: 15 },
    ]);
    await call('GET', '/config/pmsAppointmentTypes');
    await call('GET', '/config/pmsAppointmentTypes/findById?id=std');
    await call('POST', '/config/livenessContract', { liveHours: { monday: [{ start: '00:00', end: '23:59' }] } });
    await call('GET', '/config/livenessContract');
    await call('POST', '/availability/snapshot', {
      date: TOMORROW,
      pmsResourceId: 'r1',
      availability: [{ start: '09:00', end: '12:00', slotLength: 900 }],
    });
    await call('POST', '/availability/snapshots', [{ id: 's', date: TOMORROW, pmsResourceId: 'r2', availability: [] }]);

    const ids: number[] = [];
    for (const time of ['09:00', '09:15', '09:30', '09:45'])
      ids.push((await book(t, `${TOMORROW} ${time}:00`)).body.bookingId);
    const [a = 0, b = 0, c = 0, d = 0] = ids;
    const r = (body: Record<string, unknown>) => t.harness('POST', `/practices/${t.practiceId}/requests`, body);
    await call('GET', '/requests');
    await call('GET', '/requests/bookings');
    await call('POST', `/bookings/${a}/confirmInsert`, { pmsAppointmentIds: ['A'], pmsPatientId: 'P' });
    await call('POST', `/bookings/${b}/confirmInsert`, { pmsAppointmentIds: ['B'], pmsPatientId: 'P' });
    await call('POST', `/bookings/${c}/confirmInsert`, { pmsAppointmentIds: ['C'], pmsPatientId: 'P' });
    await call('POST', `/bookings/${d}/rejectInsert`, { reason: 'clash' });
    expect((await call('GET', '/requests/availability')).body.data).toEqual([
      { day: TOMORROW, pmsResourceId: 'r1', pms_resource_id: 'r1' },
    ]);
    await call('POST', '/availability/snapshot', {
      date: TOMORROW,
      pmsResourceId: 'r1',
      availability: [{ start: '10:00', end: '12:00', slotLength: 900 }],
    });
    const u1 = (await t.harness('POST', `/practices/${t.practiceId}/bookings/${a}/cancel`)).body.requestId;
    const u2 = (await r({ type: 'bookingUpdates', bookingId: b, bookingStatus: 'Confirmed' })).body.requestId;
    await call('GET', '/requests/bookingUpdates');
    await call('POST', `/bookings/${a}/confirmUpdate/${u1}`);
    await call('POST', `/bookings/${b}/rejectUpdate/${u2}`, { reason: null });
    for (const id of [b, c]) await r({ type: 'pmsAppointmentChanges', bookingId: id });
    await call('GET', '/requests/pmsAppointmentChanges');
    await call('POST', `/bookings/${b}/noPmsAppointmentChange`);
    await call('POST', `/bookings/${c}/didNotAttend`, { reason: null });
    await call('POST', `/bookings/${b}/cancel`, { reason: 'PMS cancel' });

    await r({ type: 'availableDocuments', bookingId: c });
    await r({ type: 'uploadDocuments', bookingId: c, pmsDocumentId: 'D1' });
    await r({ type: 'uploadDocuments', bookingId: c, pmsDocumentId: 'D2' });
    await call('GET', '/requests/availableDocuments');
    await call('GET', '/requests/uploadDocuments');
    await call('POST', '/documents/available', [
      {
        bookingId: c,
        pmsDocumentId: 'D1',
        documentType: 'referral',
        documentFormat: 'application/pdf',
        documentSize: 3,
      },
    ]);
    await call('POST', '/documents/upload', {
      bookingId: c,
      pmsDocumentId: 'D1',
      documentContent: Buffer.from('abc').toString('base64'),
      documentSize: 3,
    });
    await call('POST', '/documents/rejectUpload', { bookingId: c, pmsDocumentId: 'D2', reason: null });
    await r({ type: 'clientSnapshots', date: TOMORROW });
    await call('GET', '/requests/clientSnapshots');
    await call('POST', '/clientSnapshot', {
      date: TOMORROW,
      dateType: 'appt_datetime',
      locations: [],
      practitioners: [],
      appointmentTypes: [],
      appointments: [],
      patients: [],
    });
    const d1 = (await r({ type: 'attachDocuments', pmsPatientId: 'P' })).body.requestId;
    const d2 = (await r({ type: 'attachDocuments', pmsPatientId: 'P', bookingId: c })).body.requestId;
    await call('GET', '/requests/attachDocuments');
    await call('GET', `/attachDocuments/${d1}`);
    await call('POST', `/attachDocuments/${d1}/confirmInsert`, { pmsDocumentId: null });
    await call('POST', `/attachDocuments/${d2}/rejectInsert`, { reason: 'duplicate' });
    await call('GET', '/subscriptionErrorLog');
    await call('DELETE', `/subscription/${sub.body.id}`);
    for (const f of ['documents', 'clientSnapshots', 'attachDocuments']) await call('POST', `/features/${f}/disable`);
    expect((await call('GET', '/requests')).body).toEqual([]);
  } finally {
    await receiver.close();
  }
  expect(specOperations).toHaveLength(42);
  expect(specOperations.map((op) => op.operationId).filter((id) => !covered.has(id))).toEqual([]);
});
