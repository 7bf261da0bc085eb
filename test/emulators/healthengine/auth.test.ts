// Auth and consent on every call, User-Agent recording, gzip bodies, validation errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { startHealthengine, type TestEmulator } from './helpers.ts';

let t: TestEmulator;
beforeAll(async () => {
  t = await startHealthengine();
});
afterAll(async () => {
  await t.close();
});

describe('auth and consent', () => {
  it('answers 401 with no body to an unknown or missing api-key', async () => {
    const wrong = await t.api('GET', '/requests', undefined, { headers: { 'api-key': 'nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toBeUndefined();
    const res = await fetch(`${t.url}/features`, {
      headers: { 'practice-id': t.practiceId, 'practice-key': t.practiceKey },
    });
    expect(res.status).toBe(401);
    expect(await res.text()).toBe('');
  });

  it('answers 403 {"error"} to a practice id/key pair without consent', async () => {
    const badKey = await t.api('GET', '/config/pmsResources', undefined, {
      practice: { practiceId: t.practiceId, practiceKey: 'wrong-key' },
    });
    expect(badKey.status).toBe(403);
    expect(badKey.body.error).toMatch(/consent/);
    const unknown = await t.api('GET', '/config/pmsResources', undefined, {
      practice: { practiceId: '999', practiceKey: t.practiceKey },
    });
    expect(unknown.status).toBe(403);
    const missing = await fetch(`${t.url}/features`, { headers: { 'api-key': t.apiKey, 'practice-id': t.practiceId } });
    expect(missing.status).toBe(403);
    expect(((await missing.json()) as { error: string }).error).toMatch(/practice-key/);
  });

  it('answers 403 while consent is revoked and 200 again once restored', async () => {
    expect((await t.harness('POST', `/practices/${t.practiceId}/consent/revoke`)).status).toBe(200);
    const revoked = await t.api('POST', '/config/pmsResources/snapshot', []);
    expect(revoked.status).toBe(403);
    expect(revoked.body.error).toMatch(/revoked/);
    await t.harness('POST', `/practices/${t.practiceId}/consent/restore`);
    expect((await t.api('POST', '/config/pmsResources/snapshot', [])).status).toBe(200);
  });

  it('records the User-Agent and body of every call', async () => {
    await t.harness('DELETE', '/requests-log');
    await t.api('POST', '/config/pmsResources/snapshot', [{ pmsResourceId: 'x', pmsResourceName: 'X' }], {
      headers: { 'user-agent': 'Acme PMS (it@acme.example) UAT' },
    });
    const log = await t.harness('GET', `/requests-log?practiceId=${t.practiceId}&path=/config`);
    expect(log.body).toHaveLength(1);
    expect(log.body[0]).toMatchObject({
      method: 'POST',
      operationId: 'uploadPmsResources',
      userAgent: 'Acme PMS (it@acme.example) UAT',
      status: 200,
      body: [{ pmsResourceId: 'x', pmsResourceName: 'X' }],
    });
  });
});

describe('bodies and validation', () => {
  it('accepts gzip request bodies', async () => {
    const res = await t.api(
      'POST',
      '/config/pmsResources/snapshot',
      [{ pmsResourceId: 'gz', pmsResourceName: 'Gzip' }],
      { gzip: true },
    );
    expect(res.status).toBe(200);
    expect((await t.api('GET', '/config/pmsResources')).body).toEqual([
      { pmsResourceId: 'gz', pmsResourceName: 'Gzip' },
    ]);
  });

  it('answers 400 naming the problem for bad gzip, bad JSON and schema violations, and changes nothing', async () => {
    const headers = {
      'api-key': t.apiKey,
      'practice-id': t.practiceId,
      'practice-key': t.practiceKey,
      'content-type': 'application/json',
    };
    const badGzip = await fetch(`${t.url}/config/pmsResources/snapshot`, {
      method: 'POST',
      headers: { ...headers, 'content-encoding': 'gzip' },
      body: 'not gzip',
    });
    expect(badGzip.status).toBe(400);
    expect(((await badGzip.json()) as { error: string }).error).toMatch(/gzip/);
    const badJson = await fetch(`${t.url}/config/pmsResources/snapshot`, { method: 'POST', headers, body: '[{' });
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { error: string }).error).toMatch(/JSON/);
    const gzJson = await fetch(`${t.url}/config/pmsResources/snapshot`, {
      method: 'POST',
      headers: { ...headers, 'content-encoding': 'gzip' },
      body: gzipSync('[{"pmsResourceId":1,"pmsResourceName":"n"}]'),
    });
    expect(gzJson.status).toBe(400);
    expect(((await gzJson.json()) as { error: string }).error).toBe('body[0].pmsResourceId must be of type string');
    const missing = await t.api('POST', '/config/pmsResources/snapshot', [{ pmsResourceId: 'a' }]);
    expect(missing).toMatchObject({ status: 400, body: { error: 'body[0].pmsResourceName is required' } });
    const noBody = await t.api('POST', '/bookings/1/confirmInsert');
    expect(noBody).toMatchObject({ status: 400, body: { error: 'a JSON request body is required' } });
    const badId = await t.api('POST', '/bookings/abc/rejectInsert', { reason: null });
    expect(badId).toMatchObject({ status: 400, body: { error: 'bookingId must be an integer' } });
    const badTime = await t.api('POST', '/availability/snapshot', {
      date: '2026-03-03',
      pmsResourceId: 'gz',
      availability: [{ start: '9am', end: '10:00', slotLength: 900 }],
    });
    expect(badTime).toMatchObject({ status: 400, body: { error: 'availability[0].start must be a time HH:MM' } });
    const badDate = await t.api('POST', '/availability/snapshot', {
      date: '2026-02-30',
      pmsResourceId: 'gz',
      availability: [],
    });
    expect(badDate).toMatchObject({ status: 400, body: { error: 'date must be a date YYYY-MM-DD' } });
    const stringSlot = await t.api('POST', '/availability/snapshot', {
      date: '2026-03-03',
      pmsResourceId: 'gz',
      availability: [{ start: '09:00', end: '10:00', slotLength: '30' }],
    });
    expect(stringSlot).toMatchObject({ status: 400, body: { error: 'availability[0].slotLength must be an integer' } });
    const findNoId = await t.api('GET', '/config/pmsResources/findById');
    expect(findNoId.status).toBe(400);
    expect((await t.api('GET', '/config/pmsResources')).body).toEqual([
      { pmsResourceId: 'gz', pmsResourceName: 'Gzip' },
    ]);
  });
});
