// Configuration snapshots replace the whole set; liveness contract; features.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { book, configurePractice, startHealthengine, TOMORROW, type TestEmulator } from './helpers.ts';

let t: TestEmulator;
beforeAll(async () => {
  t = await startHealthengine();
});
afterAll(async () => {
  await t.close();
});

describe('resource and appointment-type snapshots', () => {
  it('replace the set: missing items are deleted; findById answers an array', async () => {
    await t.api('POST', '/config/pmsResources/snapshot', [
      {
        pmsResourceId: 'a',
        pmsResourceName: 'A',
        pmsPractitionerTitle: 'Dr',
        pmsPractitionerFirstname: 'Ann',
        pmsPractitionerLastname: 'Lee',
      },
      { pmsResourceId: 'b', pmsResourceName: 'B' },
    ]);
    await t.api('POST', '/config/pmsResources/snapshot', [{ pmsResourceId: 'b', pmsResourceName: 'B2' }]);
    expect((await t.api('GET', '/config/pmsResources')).body).toEqual([{ pmsResourceId: 'b', pmsResourceName: 'B2' }]);
    expect((await t.api('GET', '/config/pmsResources/findById?id=a')).body).toEqual([]);
    expect((await t.api('GET', '/config/pmsResources/findById?id=b')).body).toEqual([
      { pmsResourceId: 'b', pmsResourceName: 'B2' },
    ]);
  });

  it('refuses duplicate ids and names', async () => {
    const dupId = await t.api('POST', '/config/pmsResources/snapshot', [
      { pmsResourceId: 'a', pmsResourceName: 'A' },
      { pmsResourceId: 'a', pmsResourceName: 'B' },
    ]);
    expect(dupId.status).toBe(400);
    expect(dupId.body.error).toMatch(/pmsResourceId a/);
    const dupName = await t.api('POST', '/config/pmsResources/snapshot', [
      { pmsResourceId: 'a', pmsResourceName: 'A' },
      { pmsResourceId: 'c', pmsResourceName: 'A' },
    ]);
    expect(dupName.status).toBe(400);
    const dupType = await t.api('POST', '/config/pmsAppointmentTypes/snapshot', [
      { pmsAppointmentTypeId: 't', pmsAppointmentTypeName: 'T' },
      { pmsAppointmentTypeId: 't', pmsAppointmentTypeName: 'U' },
    ]);
    expect(dupType.status).toBe(400);
    expect((await t.api('GET', '/config/pmsResources')).body).toEqual([{ pmsResourceId: 'b', pmsResourceName: 'B2' }]);
  });

  it('accepts appointment lengths sent as numeric strings, as HE examples do', async () => {
    const res = await t.api('POST', '/config/pmsAppointmentTypes/snapshot', [
      {
        pmsAppointmentTypeId: 'G1:1',
        pmsAppointmentTypeName: 'General',
        pmsAppointmentLength: '30',
        pmsResourceId: 'b',
      },
      { pmsAppointmentTypeId: 'G2', pmsAppointmentTypeName: 'Other', pmsAppointmentLength: 15 },
    ]);
    expect(res.status).toBe(200);
    expect((await t.api('GET', '/config/pmsAppointmentTypes/findById?id=G1:1')).body).toEqual([
      { pmsAppointmentTypeId: 'G1:1', pmsAppointmentTypeName: 'General', pmsAppointmentLength: 30, pmsResourceId: 'b' },
    ]);
    await t.api('POST', '/config/pmsAppointmentTypes/snapshot', [
      { pmsAppointmentTypeId: 'G2', pmsAppointmentTypeName: 'Other', pmsAppointmentLength: 15 },
    ]);
    expect(
      (await t.api('GET', '/config/pmsAppointmentTypes')).body.map(
        (x: { pmsAppointmentTypeId: string }) => x.pmsAppointmentTypeId,
      ),
    ).toEqual(['G2']);
  });

  it('a deleted resource leaves its pending bookings with pmsResourceId null and unpublishes its slots', async () => {
    await configurePractice(t);
    const created = await book(t, `${TOMORROW} 10:00:00`);
    expect(created.status).toBe(201);
    await t.api('POST', '/config/pmsResources/snapshot', [{ pmsResourceId: 'r2', pmsResourceName: 'Dr Two' }]);
    const pending = await t.api('GET', '/requests/bookings');
    expect(pending.body.data[0]).toMatchObject({ bookingId: created.body.bookingId, pmsResourceId: null });
    const published = await t.harness('GET', `/practices/${t.practiceId}/availability?date=${TOMORROW}`);
    expect(published.body.slots.every((s: { pmsResourceId: string }) => s.pmsResourceId === 'r2')).toBe(true);
    expect((await book(t, `${TOMORROW} 10:15:00`)).status).toBe(409);
    await t.api('POST', `/bookings/${created.body.bookingId}/rejectInsert`, { reason: 'resource removed' });
  });

  it('resolves pmsResources and pmsAppointmentTypes requests with the matching snapshot', async () => {
    await t.harness('POST', `/practices/${t.practiceId}/requests`, { type: 'pmsResources' });
    await t.harness('POST', `/practices/${t.practiceId}/requests`, { type: 'pmsAppointmentTypes' });
    expect((await t.api('GET', '/requests')).body).toEqual(
      expect.arrayContaining(['pmsResources', 'pmsAppointmentTypes']),
    );
    await t.api('POST', '/config/pmsResources/snapshot', [
      { pmsResourceId: 'r1', pmsResourceName: 'Dr One' },
      { pmsResourceId: 'r2', pmsResourceName: 'Dr Two' },
    ]);
    expect((await t.api('GET', '/requests')).body).not.toContain('pmsResources');
    await t.api('POST', '/config/pmsAppointmentTypes/snapshot', []);
    expect((await t.api('GET', '/requests')).body).not.toContain('pmsAppointmentTypes');
  });
});

describe('liveness contract', () => {
  it('is stored and returned; bad ranges are refused', async () => {
    expect((await t.api('GET', '/config/livenessContract')).body).toEqual({});
    const contract = {
      liveHours: {
        monday: [
          { start: '12:00', end: '23:59' },
          { start: '00:00', end: '12:00' },
        ],
        publicHolidays: [],
      },
    };
    expect((await t.api('POST', '/config/livenessContract', contract)).status).toBe(200);
    expect((await t.api('GET', '/config/livenessContract')).body).toEqual(contract);
    const backwards = await t.api('POST', '/config/livenessContract', {
      liveHours: { friday: [{ start: '17:00', end: '08:00' }] },
    });
    expect(backwards).toMatchObject({ status: 400, body: { error: 'liveHours.friday[0].end must be after start' } });
    const badTime = await t.api('POST', '/config/livenessContract', {
      liveHours: { friday: [{ start: '8:00', end: '17:00' }] },
    });
    expect(badTime).toMatchObject({ status: 400, body: { error: 'liveHours.friday[0].start must be a time HH:MM' } });
    expect((await t.api('GET', '/config/livenessContract')).body).toEqual(contract);
  });
});

describe('features', () => {
  it('lists documents, clientSnapshots and attachDocuments, all disabled; enable/disable; 404 for unknown ids', async () => {
    const all = await t.api('GET', '/features');
    expect(all.body.map((f: { id: string; enabled: boolean }) => [f.id, f.enabled])).toEqual([
      ['documents', false],
      ['clientSnapshots', false],
      ['attachDocuments', false],
    ]);
    expect((await t.api('POST', '/features/documents/enable')).status).toBe(200);
    expect((await t.api('GET', '/features/documents')).body).toMatchObject({ id: 'documents', enabled: true });
    expect((await t.api('POST', '/features/documents/disable')).status).toBe(200);
    expect((await t.api('GET', '/features/documents')).body.enabled).toBe(false);
    expect((await t.api('GET', '/features/nope')).status).toBe(404);
    expect((await t.api('POST', '/features/nope/enable')).status).toBe(404);
  });
});
