import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection } from '../../src/db/connections.ts';
import { createMatchReview, matchPatient } from '../../src/db/patient-matching.ts';
import { SecretBox } from '../../src/security/secrets.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

let hub: TestHub;
let connectionId: string;
beforeAll(async () => {
  hub = await startTestHub();
  const connection = await createConnection(hub.database.db, new SecretBox('k'.repeat(64)), {
    practiceId: hub.practiceId,
    system: 'hint',
    name: 'Hint',
    status: 'active',
  });
  connectionId = connection.id;
});
afterAll(async () => {
  await hub?.stop();
});

const create = async (body: unknown) => (await hub.api('POST', '/api/v1/patients', body)).body;

describe('patient matching against the hub', () => {
  it('finds a patient whose surname changed and whose phone has a typo, and never merges a twin', async () => {
    const maria = await create({
      firstName: 'Maria',
      lastName: 'Gonzalez',
      dob: '1984-03-12',
      sex: 'female',
      email: 'maria.g@example.com',
      phones: [{ type: 'mobile', number: '0412 555 019' }],
      address: { line1: '12 Rose St', city: 'Perth', postcode: '6000' },
    });
    await create({
      firstName: 'Marta',
      lastName: 'Gonzalez',
      dob: '1984-03-12',
      sex: 'female',
      phones: [{ type: 'mobile', number: '0412 555 777' }],
      address: { line1: '12 Rose St', city: 'Perth', postcode: '6000' },
    });
    for (let i = 0; i < 30; i++)
      await create({
        firstName: `Person${i}`,
        lastName: i % 2 ? 'Smith' : 'Nguyen',
        dob: `19${60 + i}-0${(i % 9) + 1}-1${i % 10}`,
      });

    const married = await matchPatient(hub.database.db, hub.practiceId, {
      id: 'he-1',
      firstName: 'maria',
      lastName: 'Oconnor',
      dob: '12/03/1984',
      sex: 'F',
      email: 'maria.g@example.com',
      phone: '0412 555 091',
      postcode: '6000',
    });
    expect(married.kind === 'match' ? married.id : married.kind === 'review' ? married.candidates[0]!.id : null).toBe(
      maria.id,
    );

    const twin = await matchPatient(hub.database.db, hub.practiceId, {
      id: 'he-2',
      firstName: 'Marta',
      lastName: 'Gonzalez',
      dob: '1984-03-12',
      sex: 'F',
      phone: '0412 555 777',
    });
    expect(twin.kind === 'match' ? twin.id : null).not.toBe(maria.id);

    const stranger = await matchPatient(hub.database.db, hub.practiceId, {
      id: 'he-3',
      firstName: 'Zed',
      lastName: 'Unknown',
      dob: '2001-01-01',
    });
    expect(stranger.kind).toBe('new');
  });

  it('queues reviews, accepts one (linking and merging the provisional patient) and rejects another', async () => {
    const real = await create({ firstName: 'Rob', lastName: 'Review', dob: '1970-05-05' });
    const provisional = await create({ firstName: 'Robert', lastName: 'Review', dob: '1970-05-05' });
    const appointmentOwner = provisional.id;
    // The provisional patient already has an appointment (a booking came with it).
    const post = async (path: string, body: unknown) => (await hub.api('POST', `/api/v1/${path}`, body)).body;
    const location = await post('locations', { name: 'Review St', timeZone: 'Australia/Sydney' });
    const resource = await post('resources', { locationId: location.id, kind: 'room', name: 'Room R' });
    const type = await post('appointment-types', {
      name: 'Review consult',
      durationMinutes: 15,
      resourceIds: [resource.id],
    });
    const appointment = await post('appointments', {
      resourceId: resource.id,
      appointmentTypeId: type.id,
      patientId: appointmentOwner,
      start: '2031-02-03T09:00:00+11:00',
      end: '2031-02-03T09:15:00+11:00',
    });
    const reviewId = await createMatchReview(hub.database.db, {
      practiceId: hub.practiceId,
      connectionId,
      remoteId: 'pat-review000001',
      localId: appointmentOwner,
      incoming: { id: 'pat-review000001', firstName: 'Robert', lastName: 'Review' },
      candidates: [{ id: real.id, score: 3, explanation: {} as never }],
    });
    const pending = await hub.api('GET', '/api/v1/match-reviews');
    expect(pending.body.data.map((r: { id: string }) => r.id)).toContain(reviewId);

    const bad = await hub.api('POST', `/api/v1/match-reviews/${reviewId}/accept`, { patientId: 'nope' });
    expect(bad.status).toBe(422);
    expect(bad.body.details[0].field).toBe('patientId');
    const notOffered = await hub.api('POST', `/api/v1/match-reviews/${reviewId}/accept`, { patientId: provisional.id });
    expect(notOffered.status).toBe(422);
    expect(notOffered.body.details[0].message).toContain('not one of this review');

    const accepted = await hub.api('POST', `/api/v1/match-reviews/${reviewId}/accept`, { patientId: real.id });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      status: 'accepted',
      resolution: { patientId: real.id, merged: provisional.id },
    });
    const linked = await hub.api('GET', '/api/v1/patients/hint:pat-review000001');
    expect(linked.body.id).toBe(real.id);
    expect((await hub.api('GET', `/api/v1/patients/${provisional.id}`)).status).toBe(404);
    // Its appointment moved to the chosen patient, as a change the spokes and the audit log see.
    expect((await hub.api('GET', `/api/v1/appointments/${appointment.id}`)).body).toMatchObject({
      patientId: real.id,
      version: appointment.version + 1,
    });
    const { rows: events } = await hub.database.db.query(
      `SELECT action, changed_fields FROM domain_events WHERE entity_kind = 'appointment' AND entity_id = $1 ORDER BY id`,
      [appointment.id],
    );
    expect(events).toEqual([
      { action: 'created', changed_fields: expect.any(Array) },
      { action: 'updated', changed_fields: ['patientId'] },
    ]);
    expect((await hub.api('POST', `/api/v1/match-reviews/${reviewId}/accept`, { patientId: real.id })).status).toBe(
      409,
    );

    const secondId = await createMatchReview(hub.database.db, {
      practiceId: hub.practiceId,
      connectionId,
      remoteId: 'pat-review000002',
      incoming: { id: 'x' },
      candidates: [],
    });
    const other = await hub.newPractice('Other');
    expect((await hub.api('POST', `/api/v1/match-reviews/${secondId}/reject`, undefined, {}, other.token)).status).toBe(
      404,
    );
    const rejected = await hub.api('POST', `/api/v1/match-reviews/${secondId}/reject`);
    expect(rejected.body.status).toBe('rejected');
  });
});
