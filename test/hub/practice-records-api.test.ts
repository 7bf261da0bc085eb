import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub.ts';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.stop();
});

async function create(path: string, body: unknown) {
  const res = await hub.api('POST', `/api/v1/${path}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('practice records API', () => {
  it('builds a bookable clinic and books without double booking', async () => {
    const doctor = await create('practitioners', {
      title: 'Dr',
      firstName: 'Sam',
      lastName: 'Ng',
      specialties: ['General Practice'],
    });
    const location = await create('locations', { name: 'Main St', timeZone: 'Australia/Sydney' });
    const resource = await create('resources', {
      locationId: location.id,
      kind: 'practitioner',
      practitionerId: doctor.id,
      specialty: 'General Practice',
      name: 'Dr Sam Ng (GP)',
    });
    const type = await create('appointment-types', {
      name: 'Standard consult',
      durationMinutes: 15,
      resourceIds: [resource.id],
    });
    const schedule = await create('schedules', {
      resourceId: resource.id,
      weeklyHours: [{ dayOfWeek: 1, start: '09:00', end: '17:00' }],
      exceptions: [{ date: '2030-12-25', hours: [] }],
      timeOff: [{ start: '2030-07-01T00:00:00+10:00', end: '2030-07-08T00:00:00+10:00', reason: 'leave' }],
    });
    expect(schedule.weeklyHours).toEqual([{ dayOfWeek: 1, start: '09:00', end: '17:00' }]);
    const patient = await create('patients', { firstName: 'Pat', lastName: 'Booked' });

    const slot = {
      resourceId: resource.id,
      appointmentTypeId: type.id,
      patientId: patient.id,
      start: '2030-01-07T09:00:00+11:00',
      end: '2030-01-07T09:15:00+11:00',
    };
    const booked = await create('appointments', slot);
    expect(booked).toMatchObject({ status: 'booked', start: '2030-01-06T22:00:00.000Z', source: 'api' });

    const clash = await hub.api('POST', '/api/v1/appointments', {
      ...slot,
      start: '2030-01-07T09:10:00+11:00',
      end: '2030-01-07T09:25:00+11:00',
    });
    expect(clash.status).toBe(409);
    expect(clash.body.details[0].field).toBe('start');

    await hub.api('PATCH', `/api/v1/appointments/${booked.id}`, { status: 'cancelled' });
    await create('appointments', { ...slot, start: '2030-01-07T09:10:00+11:00', end: '2030-01-07T09:25:00+11:00' });

    const filtered = await hub.api(
      'GET',
      `/api/v1/appointments?patientId=${patient.id}&from=2030-01-06T00:00:00Z&to=2030-01-08T00:00:00Z&status=booked`,
    );
    expect(filtered.body.data).toHaveLength(1);
    const outside = await hub.api('GET', `/api/v1/appointments?resourceId=${resource.id}&from=2030-02-01T00:00:00Z`);
    expect(outside.body.data).toHaveLength(0);
  });

  it('checks cross-field rules and references', async () => {
    const location = await create('locations', { name: 'Rooms', timeZone: 'Australia/Perth' });
    const roomWithPractitioner = await hub.api('POST', '/api/v1/resources', {
      locationId: location.id,
      kind: 'room',
      practitionerId: location.id,
      name: 'Room 1',
    });
    expect(roomWithPractitioner.status).toBe(422);
    expect(roomWithPractitioner.body.details.map((d: { field: string }) => d.field)).toContain('practitionerId');
    const badZone = await hub.api('POST', '/api/v1/locations', { name: 'X', timeZone: 'Mars/Base' });
    expect(badZone.body.details).toEqual([{ field: 'timeZone', message: expect.stringContaining('IANA') }]);
    const badHours = await hub.api('POST', '/api/v1/schedules', {
      resourceId: location.id,
      weeklyHours: [{ dayOfWeek: 8, start: '17:00', end: '09:00' }],
    });
    expect(badHours.status).toBe(422);
    // Shape first: references are only looked up once every field is well-formed.
    expect(badHours.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'weeklyHours.0.dayOfWeek',
      'weeklyHours.0.end',
    ]);
    const unknownResource = await hub.api('POST', '/api/v1/schedules', { resourceId: location.id });
    expect(unknownResource.body.details).toEqual([
      { field: 'resourceId', message: 'refers to a record that does not exist in this practice' },
    ]);
    const badType = await hub.api('POST', '/api/v1/appointment-types', {
      name: 'X',
      durationMinutes: 0,
      resourceIds: ['nope'],
    });
    expect(badType.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'durationMinutes',
      'resourceIds.0',
    ]);
    const endBeforeStart = await hub.api('POST', '/api/v1/appointments', {
      resourceId: location.id,
      patientId: location.id,
      start: '2030-01-07T10:00:00Z',
      end: '2030-01-07T09:00:00Z',
    });
    expect(endBeforeStart.body.details.map((d: { field: string }) => d.field)).toContain('end');
  });

  it('serves an OpenAPI document and a reference page', async () => {
    const doc = (await fetch(`${hub.url}/api/docs/openapi.json`).then((r) => r.json())) as any;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/patients', '/api/v1/appointments/{id}']));
    expect(doc.components.schemas.PatientCreate.required).toEqual(['firstName', 'lastName']);
    const page = await fetch(`${hub.url}/api/docs`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/api/v1/patients');
  });

  it('answers /health and sets security headers', async () => {
    const res = await fetch(`${hub.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});
