// Go-live scenarios A–E (linking, configuration, availability, requests on re-enable) against
// the Healthengine emulator over real HTTP, with Tandem on a real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectionOf, hePractice, link, newHePractice, seedClinic, startEnv, USER_AGENT, waitActive, waitFor, type Clinic, type HeEnv,
} from './support.ts';

let env: HeEnv;
let clinic: Clinic;
let he: { practiceId: string; practiceKey: string };
let connectionId: string;

const calls = async (practiceId: string, path: string, method = 'POST') =>
  (await env.harness('GET', `/_emulator/requests-log?practiceId=${practiceId}&path=${encodeURIComponent(path)}&method=${method}`)).body as any[];

beforeAll(async () => {
  env = await startEnv();
  clinic = await seedClinic(env.hub, 2);
  he = await newHePractice(env);
  connectionId = (await link(env, clinic, he)).id;
  await waitActive(env, connectionId);
});
afterAll(async () => { await env?.stop(); });

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
    expect(practice.resources[0]).toMatchObject({ pmsPractitionerTitle: 'Dr', pmsPractitionerFirstname: expect.any(String) });
    expect(practice.appointmentTypes.map((t: any) => t.pmsAppointmentLength).sort()).toEqual([15, 30]);
    const order = (await env.harness('GET', `/_emulator/requests-log?practiceId=${he.practiceId}&method=POST`)).body.map((e: any) => e.path);
    const first = (p: string) => order.findIndex((x: string) => x.startsWith(p));
    expect(first('/config/livenessContract')).toBeLessThan(first('/config/pmsResources/snapshot'));
    expect(first('/config/pmsResources/snapshot')).toBeLessThan(first('/config/pmsAppointmentTypes/snapshot'));
    expect(first('/config/pmsAppointmentTypes/snapshot')).toBeLessThan(first('/availability/snapshots'));
  });

  it('scenario 02: an id/key without consent, or with revoked consent, marks the connection "consent needed" with instructions, without retrying in a loop', async () => {
    const other = await seedClinic(env.hub, 1, 'Consent Clinic');
    const denied = await link(env, other, { practiceId: '99999', practiceKey: 'not-a-granted-key' });
    const c = await waitFor('consent needed', async () => { const x = await connectionOf(env, denied.id); return x.status === 'consent_needed' ? x : undefined; });
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
    await waitFor('revoked → consent needed', async () => (await connectionOf(env, conn.id)).status === 'consent_needed');
    await env.harness('POST', `/_emulator/practices/${revoked.practiceId}/consent/restore`);
    const patched = await env.hub.api('PATCH', `/api/v1/healthengine/connections/${conn.id}`, revoked);
    expect(patched.status).toBe(200);
    await waitActive(env, conn.id);
  });
});
