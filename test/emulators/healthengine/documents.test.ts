// Feature-gated requests: documents, client snapshots, attachDocuments (410 once handled).
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { book, configurePractice, startHealthengine, TOMORROW, type TestEmulator } from './helpers.ts';

let t: TestEmulator;
let bookingId: number;
beforeEach(async () => {
  t = await startHealthengine();
  await configurePractice(t);
  bookingId = (await book(t, `${TOMORROW} 09:00:00`)).body.bookingId;
  await t.api('POST', `/bookings/${bookingId}/confirmInsert`, { pmsAppointmentIds: ['A1'], pmsPatientId: 'P1' });
});
afterEach(async () => {
  await t.close();
});

const raise = (body: Record<string, unknown>) => t.harness('POST', `/practices/${t.practiceId}/requests`, body);

describe('feature gating', () => {
  it('generates no feature-gated requests while the feature is disabled, and hides them when disabled again', async () => {
    expect((await raise({ type: 'clientSnapshots', date: TOMORROW })).status).toBe(409);
    await t.api('POST', '/features/clientSnapshots/enable');
    expect((await raise({ type: 'clientSnapshots', date: TOMORROW })).status).toBe(201);
    expect((await t.api('GET', '/requests')).body).toEqual(['clientSnapshots']);
    await t.api('POST', '/features/clientSnapshots/disable');
    expect((await t.api('GET', '/requests')).body).toEqual([]);
    expect((await t.api('GET', '/requests/clientSnapshots')).body.data).toEqual([]);
  });

  it('answers 403 to documents and client snapshots while their feature is disabled', async () => {
    const res = await t.api('POST', '/documents/available', [{ bookingId, pmsDocumentId: 'D1' }]);
    expect(res).toMatchObject({ status: 403, body: { error: 'feature documents is not enabled for this practice' } });
  });
});

describe('documents', () => {
  beforeEach(async () => {
    await t.api('POST', '/features/documents/enable');
  });

  it('availableDocuments and uploadDocuments requests are resolved by the matching calls', async () => {
    await raise({ type: 'availableDocuments', bookingId });
    await raise({ type: 'uploadDocuments', bookingId, pmsDocumentId: 'D1' });
    await raise({ type: 'uploadDocuments', bookingId, pmsDocumentId: 'D2' });
    expect((await t.api('GET', '/requests')).body).toEqual(['availableDocuments', 'uploadDocuments']);
    expect((await t.api('GET', '/requests/uploadDocuments')).body.data[0]).toEqual({
      bookingId,
      pmsAppointmentIds: ['A1'],
      pmsPatientId: 'P1',
      pmsDocumentId: 'D1',
    });
    expect((await t.api('POST', '/documents/available', [{ bookingId: 999, pmsDocumentId: 'D1' }])).status).toBe(400);
    expect(
      (
        await t.api('POST', '/documents/available', [
          {
            bookingId,
            pmsDocumentId: 'D1',
            documentType: 'scripts',
            createdAt: '2026-03-02 01:00:00',
            updatedAt: null,
          },
        ])
      ).status,
    ).toBe(200);
    const content = Buffer.from('hello').toString('base64');
    expect(
      (
        await t.api('POST', '/documents/upload', {
          bookingId,
          pmsDocumentId: 'D1',
          documentContent: content,
          documentSize: 6,
        })
      ).status,
    ).toBe(400);
    expect(
      (await t.api('POST', '/documents/upload', { bookingId: 5, pmsDocumentId: 'D1', documentContent: content }))
        .status,
    ).toBe(404);
    expect(
      (
        await t.api('POST', '/documents/upload', {
          bookingId,
          pmsDocumentId: 'D1',
          documentContent: content,
          documentSize: 5,
        })
      ).status,
    ).toBe(200);
    expect(
      (await t.api('POST', '/documents/rejectUpload', { bookingId, pmsDocumentId: 'D2', reason: 'patient withdrew' }))
        .status,
    ).toBe(200);
    expect(
      (await t.api('POST', '/documents/rejectUpload', { bookingId, pmsDocumentId: 'D2', reason: null })).status,
    ).toBe(400);
    expect((await t.api('GET', '/requests')).body).toEqual([]);
  });
});

describe('client snapshots', () => {
  it('a matching client snapshot resolves the request; inconsistent ones are refused', async () => {
    await t.api('POST', '/features/clientSnapshots/enable');
    await raise({ type: 'clientSnapshots', date: TOMORROW, dateType: 'appt_datetime' });
    expect((await t.api('GET', '/requests/clientSnapshots')).body.data).toEqual([
      { date: TOMORROW, dateType: 'appt_datetime' },
    ]);
    const snapshot = {
      date: TOMORROW,
      dateType: 'appt_datetime',
      locations: [{ pmsLocationId: 'L', pmsLocationName: 'Main', pmsLocationStatus: 'active' }],
      practitioners: [{ pmsPractitionerId: 'D', pmsPractitionerName: 'Dr D', pmsPractitionerStatus: 'active' }],
      appointmentTypes: [
        { pmsAppointmentTypeId: 'T', pmsAppointmentTypeName: 'Std', pmsAppointmentTypeStatus: 'active' },
      ],
      appointments: [
        {
          pmsAppointmentId: 'A1',
          pmsPatientId: 'P1',
          pmsPractitionerId: 'D',
          pmsAppointmentTypeId: 'T',
          pmsAppointmentCreationTime: '2026-03-02 09:00:00',
          pmsAppointmentTime: `${TOMORROW} 09:00:00`,
          pmsAppointmentLength: 15,
          pmsAppointmentStatus: 'booked',
        },
      ],
      patients: [
        {
          pmsPatientId: 'P1',
          pmsPatientFirstname: 'Ada',
          pmsPatientLastname: 'L',
          pmsPatientCreationTime: '2026-03-02 09:00:00',
        },
      ],
    };
    expect((await t.api('POST', '/clientSnapshot', { ...snapshot, patients: [] })).body.error).toBe(
      'appointments[0].pmsPatientId is not in patients',
    );
    const { locations: _l, ...noLocations } = snapshot;
    expect((await t.api('POST', '/clientSnapshot', noLocations)).body.error).toBe('locations is required');
    expect((await t.api('POST', '/clientSnapshot', { ...snapshot, dateType: 'appt_creation_datetime' })).status).toBe(
      400,
    );
    expect((await t.api('POST', '/clientSnapshot', snapshot)).status).toBe(200);
    expect((await t.api('GET', '/requests')).body).toEqual([]);
  });
});

describe('attachDocuments', () => {
  it('lists metadata without content; GET gives base64 content with a matching SHA-1; 410 once handled', async () => {
    await t.api('POST', '/features/attachDocuments/enable');
    const raised = await raise({ type: 'attachDocuments', pmsPatientId: 'P1', bookingId, content: 'form bytes' });
    const requestId = raised.body.requestId;
    const listed = (await t.api('GET', '/requests/attachDocuments')).body.data[0];
    expect(listed).toMatchObject({
      requestId,
      pmsPatientId: 'P1',
      bookingId,
      documentType: 'NEW PATIENT FORM',
      documentSize: 10,
    });
    expect(listed.documentContent).toBeUndefined();
    const doc = (await t.api('GET', `/attachDocuments/${requestId}`)).body;
    const bytes = Buffer.from(doc.documentContent, 'base64');
    expect(bytes.toString()).toBe('form bytes');
    expect(doc.documentHash).toBe(createHash('sha1').update(bytes).digest('hex'));
    expect((await t.api('POST', `/attachDocuments/${requestId}/confirmInsert`, { pmsDocumentId: 'PD1' })).status).toBe(
      200,
    );
    expect((await t.api('GET', `/attachDocuments/${requestId}`)).status).toBe(410);
    expect((await t.api('POST', `/attachDocuments/${requestId}/rejectInsert`, { reason: null })).status).toBe(410);
    expect((await t.api('GET', '/attachDocuments/999999')).status).toBe(404);
    expect((await t.api('GET', '/requests')).body).toEqual([]);
  });

  it('expires (410) after the configured time', async () => {
    await t.api('POST', '/features/attachDocuments/enable');
    await t.harness('POST', '/config', { attachDocumentExpiryMs: 60_000 });
    const { requestId } = (await raise({ type: 'attachDocuments', pmsPatientId: 'P1' })).body;
    await t.advance(60_000);
    expect((await t.api('GET', `/attachDocuments/${requestId}`)).status).toBe(410);
    expect((await t.api('GET', '/requests/attachDocuments')).body.data).toEqual([]);
  });
});
