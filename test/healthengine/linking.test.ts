// Go-live scenarios A–E (linking, configuration, availability, requests on re-enable) against
// the Healthengine emulator over real HTTP, with Tandem on a real PostgreSQL.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  connectionOf,
  expectQueuesEmpty,
  hePractice,
  link,
  newHePractice,
  nextMonday,
  publishedFor,
  seedClinic,
  startLinkedClinic,
  USER_AGENT,
  waitActive,
  waitFor,
  type Clinic,
  type HeEnv,
} from './support.ts';

let env: HeEnv;
let clinic: Clinic;
let he: { practiceId: string; practiceKey: string };
let connectionId: string;

const calls = async (practiceId: string, path: string, method = 'POST') =>
  (
    await env.harness(
      'GET',
      `/_emulator/requests-log?practiceId=${practiceId}&path=${encodeURIComponent(path)}&method=${method}`,
    )
  ).body as any[];

beforeAll(async () => {
  ({ env, clinic, he, connectionId } = await startLinkedClinic());
});
afterAll(async () => {
  await env?.stop();
}, 120_000);
// Every scenario ends with Healthengine's queue empty: each request answered in a way Healthengine took.
// (Its wait is shorter than the hook's timeout, so a failure names the requests still pending.)
afterEach(async () => {
  await expectQueuesEmpty(env);
}, 60_000);

describe('Healthengine linking and configuration', () => {
  it('scenario 01: entering a practice id and key starts sending the practice configuration', async () => {
    const practice = await hePractice(env, he.practiceId);
    expect(practice.resources.map((r: any) => r.pmsResourceId).sort()).toEqual([...clinic.resourceIds].sort());
    const log = (await env.harness('GET', `/_emulator/requests-log?practiceId=${he.practiceId}`)).body as any[];
    expect(log.length).toBeGreaterThan(0);
    for (const entry of log) expect(entry.userAgent).toBe(USER_AGENT);
  });

  it('scenario 05: a new practice id/key gets the liveness contract, resource snapshot and appointment-type snapshot', async () => {
    const practice = await hePractice(env, he.practiceId);
    expect(practice.livenessContract.liveHours.monday).toEqual([{ start: '00:00', end: '23:59' }]);
    expect(practice.resources).toHaveLength(2);
    expect(practice.resources[0]).toMatchObject({
      pmsPractitionerTitle: 'Dr',
      pmsPractitionerFirstname: expect.any(String),
    });
    expect(practice.appointmentTypes.map((t: any) => t.pmsAppointmentLength).sort()).toEqual([15, 30]);
    const order = (
      await env.harness('GET', `/_emulator/requests-log?practiceId=${he.practiceId}&method=POST`)
    ).body.map((e: any) => e.path);
    const first = (p: string) => order.findIndex((x: string) => x.startsWith(p));
    expect(first('/config/livenessContract')).toBeLessThan(first('/config/pmsResources/snapshot'));
    expect(first('/config/pmsResources/snapshot')).toBeLessThan(first('/config/pmsAppointmentTypes/snapshot'));
    expect(first('/config/pmsAppointmentTypes/snapshot')).toBeLessThan(first('/availability/snapshots'));
  });

  it('scenario 02: an id/key without consent, or with revoked consent, marks the connection "consent needed" with instructions, without retrying in a loop', async () => {
    const other = await seedClinic(env.hub, 1, 'Consent Clinic');
    const denied = await link(env, other, { practiceId: '99999', practiceKey: 'not-a-granted-key' });
    const c = await waitFor(async () => {
      const x = await connectionOf(env, denied.id);
      return x.status === 'consent_needed' ? x : undefined;
    }, 'consent needed');
    expect(c.statusMessage).toContain('Practice Admin');
    expect(c.statusMessage).toContain('API Consumer Consent');
    expect(c.statusMessage).toContain('Grant new consent');
    const before = (await calls('99999', '/', 'POST')).length + (await calls('99999', '/', 'GET')).length;
    await new Promise((r) => setTimeout(r, 6000));
    const after = (await calls('99999', '/', 'POST')).length + (await calls('99999', '/', 'GET')).length;
    expect(after).toBe(before);

    // Revoked later: the next call fails, the connection says so; restoring and re-entering the key relinks it.
    const revoked = await newHePractice(env);
    const third = await seedClinic(env.hub, 1, 'Revoke Clinic');
    const conn = await link(env, third, revoked);
    await waitActive(env, conn.id);
    await env.harness('POST', `/_emulator/practices/${revoked.practiceId}/consent/revoke`);
    await env.hub.api('POST', `/api/v1/healthengine/connections/${conn.id}/resync`, { config: true });
    await waitFor(
      async () => (await connectionOf(env, conn.id)).status === 'consent_needed',
      'revoked → consent needed',
    );
    await env.harness('POST', `/_emulator/practices/${revoked.practiceId}/consent/restore`);
    const patched = await env.hub.api('PATCH', `/api/v1/healthengine/connections/${conn.id}`, revoked);
    expect(patched.status).toBe(200);
    await waitActive(env, conn.id);
  });

  it('scenario 03: a multi-location account enters several id/key pairs, each mapped to one or more locations', async () => {
    const north = await seedClinic(env.hub, 1, 'North Clinic');
    const south = await seedClinic(env.hub, 1, 'South Clinic');
    const east = await seedClinic(env.hub, 2, 'East Clinic');
    const heA = await newHePractice(env);
    const heB = await newHePractice(env, 'Australia/Perth');
    const a = (
      await env.hub.api('POST', '/api/v1/healthengine/connections', {
        ...heA,
        locationIds: [north.locationId, south.locationId],
      })
    ).body;
    const b = await link(env, east, heB);
    await waitActive(env, a.id);
    await waitActive(env, b.id);
    const pa = await hePractice(env, heA.practiceId);
    const pb = await hePractice(env, heB.practiceId);
    expect(pa.resources.map((r: any) => r.pmsResourceId).sort()).toEqual(
      [...north.resourceIds, ...south.resourceIds].sort(),
    );
    expect(pb.resources.map((r: any) => r.pmsResourceId).sort()).toEqual([...east.resourceIds].sort());
    const list = (await env.hub.api('GET', '/api/v1/healthengine/connections')).body.data;
    expect(list.map((c: any) => c.healthenginePracticeId)).toEqual(
      expect.arrayContaining([heA.practiceId, heB.practiceId]),
    );
    const bad = await env.hub.api('POST', '/api/v1/healthengine/connections', {
      ...heA,
      locationIds: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.details[0].field).toBe('locationIds.0');
  });

  it('scenario 04: changing the practice id/key configures the new practice and stops all traffic to the old one', async () => {
    const moving = await seedClinic(env.hub, 1, 'Moving Clinic');
    const oldHe = await newHePractice(env);
    const newHe = await newHePractice(env);
    const c = await link(env, moving, oldHe);
    await waitActive(env, c.id);
    expect((await hePractice(env, oldHe.practiceId)).subscriptions ?? []).toBeDefined();
    const changed = await env.hub.api('PATCH', `/api/v1/healthengine/connections/${c.id}`, newHe);
    expect(changed.status).toBe(200);
    await waitFor(
      async () => (await hePractice(env, newHe.practiceId)).resources.length === 1,
      'new practice configured',
    );
    const subscriptionsOld = (
      await env.harness(
        'GET',
        `/_emulator/requests-log?practiceId=${oldHe.practiceId}&path=/subscription&method=DELETE`,
      )
    ).body;
    expect(subscriptionsOld.length).toBe(1);
    const oldCount = (await env.harness('GET', `/_emulator/requests-log?practiceId=${oldHe.practiceId}`)).body.length;
    await env.hub
      .api('POST', `/api/v1/schedules`, { resourceId: moving.resourceIds[0], weeklyHours: [] })
      .catch(() => undefined);
    await env.hub.api('POST', `/api/v1/healthengine/connections/${c.id}/resync`, {});
    await waitFor(
      async () =>
        (await env.harness('GET', `/_emulator/requests-log?practiceId=${newHe.practiceId}&path=/config/pmsResources`))
          .body.length >= 2,
      'resync reaches the new practice',
    );
    await new Promise((r) => setTimeout(r, 6000));
    expect((await env.harness('GET', `/_emulator/requests-log?practiceId=${oldHe.practiceId}`)).body.length).toBe(
      oldCount,
    );
    expect(await connectionOf(env, c.id)).toMatchObject({
      healthenginePracticeId: newHe.practiceId,
      remoteAccountId: newHe.practiceId,
    });
  });

  it('scenario 06: changed liveness hours are sent promptly', async () => {
    const liveHours = {
      monday: [{ start: '07:00', end: '19:00' }],
      tuesday: [{ start: '07:00', end: '19:00' }],
      wednesday: [{ start: '07:00', end: '19:00' }],
      thursday: [{ start: '07:00', end: '19:00' }],
      friday: [{ start: '07:00', end: '19:00' }],
      saturday: [],
      sunday: [],
      publicHolidays: [],
    };
    const r = await env.hub.api('PATCH', `/api/v1/healthengine/connections/${connectionId}`, {
      settings: { liveHours, pollOutsideLiveHours: true },
    });
    expect(r.status).toBe(200);
    await waitFor(
      async () => JSON.stringify((await hePractice(env, he.practiceId)).livenessContract.liveHours.saturday) === '[]',
      'new contract',
    );
    expect((await hePractice(env, he.practiceId)).livenessContract.liveHours.monday).toEqual([
      { start: '07:00', end: '19:00' },
    ]);
    const bad = await env.hub.api('PATCH', `/api/v1/healthengine/connections/${connectionId}`, {
      settings: { liveHours: { monday: [{ start: '7am', end: '19:00' }] } },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.details[0].field).toMatch(/^settings\.liveHours/);
  });

  it('scenario 07: a resource added, changed or removed sends the full resource snapshot promptly', async () => {
    const p = await env.hub.api('POST', '/api/v1/practitioners', { title: 'Dr', firstName: 'Sam', lastName: 'Added' });
    const added = await env.hub.api('POST', '/api/v1/resources', {
      locationId: clinic.locationId,
      kind: 'practitioner',
      practitionerId: p.body.id,
      specialty: 'Physiotherapy',
      name: 'Dr Sam Added (Physio)',
    });
    await waitFor(
      async () => (await hePractice(env, he.practiceId)).resources.some((r: any) => r.pmsResourceId === added.body.id),
      'resource added',
    );
    await env.hub.api('PATCH', `/api/v1/resources/${added.body.id}`, { name: 'Dr Sam Added (Physiotherapy)' });
    await waitFor(
      async () =>
        (await hePractice(env, he.practiceId)).resources.some(
          (r: any) => r.pmsResourceName === 'Dr Sam Added (Physiotherapy)',
        ),
      'resource renamed',
    );
    await env.hub.api('DELETE', `/api/v1/resources/${added.body.id}`);
    await waitFor(
      async () => !(await hePractice(env, he.practiceId)).resources.some((r: any) => r.pmsResourceId === added.body.id),
      'resource removed',
    );
    expect((await hePractice(env, he.practiceId)).resources).toHaveLength(2);
  });

  it('a resource deactivated and reactivated is republished: its availability is back on Healthengine', async () => {
    const day = nextMonday(3);
    const resourceId = clinic.resourceIds[1]!;
    await waitFor(async () => (await publishedFor(env, he.practiceId, resourceId, day)) ?? false, 'published before');
    await env.hub.api('PATCH', `/api/v1/resources/${resourceId}`, { active: false });
    // Leaving the resource snapshot unpublishes its availability at Healthengine.
    await waitFor(
      async () =>
        !(await hePractice(env, he.practiceId)).resources.some((r: any) => r.pmsResourceId === resourceId) &&
        !(await publishedFor(env, he.practiceId, resourceId, day)),
      'resource left',
    );
    await env.hub.api('PATCH', `/api/v1/resources/${resourceId}`, { active: true });
    const back = await waitFor(
      async () => (await publishedFor(env, he.practiceId, resourceId, day)) ?? false,
      'availability republished',
      30_000,
    );
    expect(back.availability.length).toBeGreaterThan(0);
  });

  it('scenario 08: an appointment type added, changed or removed sends the full appointment-type snapshot promptly', async () => {
    const t = await env.hub.api('POST', '/api/v1/appointment-types', {
      name: 'Skin check',
      durationMinutes: 20,
      resourceIds: [clinic.resourceIds[0]],
    });
    const composite = `${t.body.id}:${clinic.resourceIds[0]}`;
    await waitFor(
      async () =>
        (await hePractice(env, he.practiceId)).appointmentTypes.some(
          (x: any) => x.pmsAppointmentTypeId === composite && x.pmsResourceId === clinic.resourceIds[0],
        ),
      'type added',
    );
    await env.hub.api('PATCH', `/api/v1/appointment-types/${t.body.id}`, { durationMinutes: 40 });
    await waitFor(
      async () =>
        (await hePractice(env, he.practiceId)).appointmentTypes.some(
          (x: any) => x.pmsAppointmentTypeId === composite && x.pmsAppointmentLength === 40,
        ),
      'type changed',
    );
    await env.hub.api('PATCH', `/api/v1/appointment-types/${t.body.id}`, { active: false });
    await waitFor(
      async () =>
        !(await hePractice(env, he.practiceId)).appointmentTypes.some((x: any) => x.pmsAppointmentTypeId === composite),
      'type removed',
    );
  });

  it('scenario 09: a manual configuration resync exists (API and CLI)', async () => {
    const before = (await calls(he.practiceId, '/config/pmsAppointmentTypes/snapshot')).length;
    const r = await env.hub.api('POST', `/api/v1/healthengine/connections/${connectionId}/resync`, { config: true });
    expect(r.status).toBe(202);
    expect(r.body.queued).toEqual(['healthengine:publish-config']);
    await waitFor(
      async () => (await calls(he.practiceId, '/config/pmsAppointmentTypes/snapshot')).length > before,
      'config resent',
    );
    // The CLI: `tandem healthengine resync --connection <id> --config` against the same database.
    const cliBefore = (await calls(he.practiceId, '/config/pmsAppointmentTypes/snapshot')).length;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['bin/tandem.js', 'healthengine', 'resync', '--connection', connectionId, '--config'],
      { env: { ...process.env, DATABASE_URL: env.hub.database.url } },
    );
    expect(stdout).toContain('healthengine:publish-config');
    await waitFor(
      async () => (await calls(he.practiceId, '/config/pmsAppointmentTypes/snapshot')).length > cliBefore,
      'config resent by the CLI',
    );
    const bad = await env.hub.api('POST', `/api/v1/healthengine/connections/${connectionId}/resync`, { config: 'yes' });
    expect(bad.status).toBe(422);
    expect(bad.body.details[0].field).toBe('config');
  });

  it('scenario 11: a practitioner with several specialties is one resource per practitioner × specialty', async () => {
    const p = await env.hub.api('POST', '/api/v1/practitioners', {
      title: 'Dr',
      firstName: 'Multi',
      lastName: 'Specialty',
      specialties: ['GP', 'Skin'],
    });
    const ids: string[] = [];
    for (const specialty of ['GP', 'Skin']) {
      ids.push(
        (
          await env.hub.api('POST', '/api/v1/resources', {
            locationId: clinic.locationId,
            kind: 'practitioner',
            practitionerId: p.body.id,
            specialty,
            name: `Dr Multi Specialty (${specialty})`,
          })
        ).body.id,
      );
    }
    const resources = await waitFor(async () => {
      const list = (await hePractice(env, he.practiceId)).resources.filter((r: any) => ids.includes(r.pmsResourceId));
      return list.length === 2 ? list : undefined;
    }, 'two resources');
    expect(resources.map((r: any) => r.pmsPractitionerLastname)).toEqual(['Specialty', 'Specialty']);
    expect(new Set(resources.map((r: any) => r.pmsResourceName)).size).toBe(2);
    for (const id of ids) await env.hub.api('DELETE', `/api/v1/resources/${id}`);
    await waitFor(async () => (await hePractice(env, he.practiceId)).resources.length === 2, 'removed again');
  });

  it('scenario 13: a manual availability resync resends every resource for the whole window', async () => {
    const before = (await calls(he.practiceId, '/availability/snapshots')).length;
    const r = await env.hub.api('POST', `/api/v1/healthengine/connections/${connectionId}/resync`, {
      availability: true,
    });
    expect(r.status).toBe(202);
    const sent = await waitFor(async () => {
      const log = await calls(he.practiceId, '/availability/snapshots');
      const fresh = log.slice(before).flatMap((e: any) => e.body ?? []);
      return fresh.length >= 2 * 30 ? fresh : undefined;
    }, 'availability resent');
    for (const id of clinic.resourceIds) expect(sent.filter((s: any) => s.pmsResourceId === id)).toHaveLength(30);
  });

  const cycle = async (whileDisabled: () => Promise<void> = async () => undefined) => {
    const disabled = await env.hub.api('POST', `/api/v1/healthengine/connections/${connectionId}/disable`);
    expect(disabled.body.status).toBe('disabled');
    await whileDisabled();
    const enabled = await env.hub.api('POST', `/api/v1/healthengine/connections/${connectionId}/enable`);
    expect(enabled.status).toBe(202);
    await waitFor(
      async () => {
        const c = await connectionOf(env, connectionId);
        return c.status === 'active' && Date.parse(c.lastFullPublishAt) > Date.parse(disabled.body.updatedAt);
      },
      're-linked',
      45_000,
    );
  };
  const pendingIds = async (practiceId: string) =>
    (await env.harness('GET', `/_emulator/practices/${practiceId}/requests`)).body.pending.map((i: any) => i.requestId);

  it('scenario 10: re-enabling the integration resends the configuration', async () => {
    const before = (await calls(he.practiceId, '/config/pmsResources/snapshot')).length;
    const beforeLiveness = (await calls(he.practiceId, '/config/livenessContract')).length;
    await cycle();
    await waitFor(
      async () => (await calls(he.practiceId, '/config/pmsResources/snapshot')).length > before,
      'config resent',
    );
    expect((await calls(he.practiceId, '/config/livenessContract')).length).toBeGreaterThan(beforeLiveness);
  });

  it('scenario 14: re-enabling the integration sends availability for all resources', async () => {
    const before = (await calls(he.practiceId, '/availability/snapshots')).length;
    await cycle();
    const resent = (await calls(he.practiceId, '/availability/snapshots'))
      .slice(before)
      .flatMap((e: any) => e.body ?? []);
    for (const id of clinic.resourceIds)
      expect(resent.filter((s: any) => s.pmsResourceId === id).length).toBeGreaterThanOrEqual(30);
  });

  it('scenario 17: re-enabling the integration checks /requests for outstanding requests', async () => {
    const date = (await hePractice(env, he.practiceId)).availability[3].date;
    let requestId = 0;
    await cycle(async () => {
      requestId = (
        await env.harness('POST', `/_emulator/practices/${he.practiceId}/requests`, { type: 'availability', day: date })
      ).body.requestId;
      await new Promise((r) => setTimeout(r, 2000));
      expect(await pendingIds(he.practiceId)).toContain(requestId); // nobody answers while disabled
    });
    await waitFor(async () => !(await pendingIds(he.practiceId)).includes(requestId), 'request resolved');
  });

  it('scenario 21: re-enabling the integration re-subscribes to webhooks and resolves what was raised meanwhile', async () => {
    const before = (await connectionOf(env, connectionId)).subscription.id;
    expect(before).toEqual(expect.any(String));
    let requestId = 0;
    await cycle(async () => {
      expect((await connectionOf(env, connectionId)).subscription.id).toBeNull();
      requestId = (
        await env.harness('POST', `/_emulator/practices/${he.practiceId}/requests`, { type: 'pmsResources' })
      ).body.requestId;
    });
    await waitFor(async () => !(await pendingIds(he.practiceId)).includes(requestId), 'request resolved');
    const after = await waitFor(
      async () => (await connectionOf(env, connectionId)).subscription.id,
      'subscribed again',
    );
    expect(after).not.toBe(before);
  });

  it('scenario 12: a new practice id/key is checked for leftover requests from a previous integration', async () => {
    // A previous PMS integration of this practice published a resource Tandem does not have; a patient booked it.
    const leftover = await newHePractice(env);
    const heCall = (method: string, path: string, body?: unknown) =>
      fetch(`${env.emulator.url}${path}`, {
        method,
        headers: {
          'api-key': env.apiKey,
          'practice-id': leftover.practiceId,
          'practice-key': leftover.practiceKey,
          'content-type': 'application/json',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    await heCall('POST', '/config/pmsResources/snapshot', [
      { pmsResourceId: 'old-pms-1', pmsResourceName: 'Old PMS doctor' },
    ]);
    const { body: avail } = await hePractice(env, he.practiceId).then((p) => ({ body: p.availability[5] }));
    await heCall('POST', '/availability/snapshot', {
      date: avail.date,
      pmsResourceId: 'old-pms-1',
      availability: [{ start: '09:00', end: '12:00', slotLength: 900 }],
    });
    const booked = await env.harness('POST', `/_emulator/practices/${leftover.practiceId}/bookings`, {
      pmsResourceId: 'old-pms-1',
      start: `${avail.date} 09:15:00`,
      patient: { firstname: 'Left', lastname: 'Over', dob: '1990-01-01' },
    });
    expect(booked.status).toBe(201);
    const fresh = await seedClinic(env.hub, 1, 'Fresh Clinic');
    const c = await link(env, fresh, leftover);
    await waitActive(env, c.id);
    const b = await waitFor(async () => {
      const x = (
        await env.harness('GET', `/_emulator/practices/${leftover.practiceId}/bookings/${booked.body.bookingId}`)
      ).body;
      return x.insert !== 'pending' ? x : undefined;
    }, 'leftover booking answered');
    expect(b.insert).toBe('rejected');
    expect(b.rejectedLate).toBe(false);
  });
});
