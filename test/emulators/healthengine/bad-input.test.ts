// Never a 500 for a client's mistake: odd bodies, ids and parameters get a 4xx {"error"} and change nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { configurePractice, startHealthengine, type TestEmulator } from './helpers.ts';

let t: TestEmulator;
beforeAll(async () => {
  t = await startHealthengine();
  await configurePractice(t);
});
afterAll(async () => {
  await t.close();
});

const cases: Array<[string, string, string | undefined, Record<string, string>?]> = [
  ['POST', '/availability/snapshot', '[]'],
  ['POST', '/availability/snapshot', 'null'],
  ['POST', '/availability/snapshot', '"x"'],
  ['POST', '/availability/snapshots', 'null'],
  ['POST', '/config/livenessContract', '{"liveHours":{"monday":null}}'],
  ['POST', '/config/livenessContract', '{"liveHours":{"monday":[{}]}}'],
  ['POST', '/config/livenessContract', '[]'],
  ['POST', '/config/livenessContract', '{"liveHours":{"monday":[{"start":"25:00","end":"26:00"}]}}'],
  ['POST', '/bookings/99999999999999999999/confirmInsert', '{"pmsAppointmentIds":[],"pmsPatientId":"x"}'],
  ['POST', '/bookings/-1/cancel', '{}'],
  ['POST', '/bookings/1/cancel', 'null'],
  ['GET', '/subscription/%E0%A4%A', undefined],
  ['GET', '/requests/bookings?page=abc', undefined],
  ['GET', '/requests/bookings?page=1&page=2', undefined],
  ['POST', '/subscription', '{"topic":"requests.*","callbackUrl":5}'],
  ['POST', '/subscription', '{"topic":"requests.*","callbackUrl":"http://x","startAt":5}'],
  ['POST', '/subscription', '{"topic":"requests.*","callbackUrl":"http://x","expireAt":"2020-13-45 99:99:99"}'],
  ['POST', '/clientSnapshot', '{}'],
  ['POST', '/documents/available', '{}'],
  ['POST', '/documents/upload', '[]'],
  ['POST', '/config/pmsResources/snapshot', '{}'],
  ['POST', '/config/pmsResources/snapshot', '[null]'],
  [
    'POST',
    '/config/pmsAppointmentTypes/snapshot',
    '[{"pmsAppointmentTypeId":"a","pmsAppointmentTypeName":"b","pmsAppointmentLength":"abc"}]',
  ],
  ['POST', '/config/pmsResources/snapshot', 'not json', { 'content-type': 'text/plain' }],
  ['GET', '/subscriptionErrorLog?page=-1', undefined],
  ['GET', '/attachDocuments/abc', undefined],
  ['POST', '/attachDocuments/1/confirmInsert', '{"pmsDocumentId":5}'],
  ['POST', '/bookings/1/noPmsAppointmentChange', 'garbage'],
  ['POST', '/bookings/1/confirmInsert', '{"pmsAppointmentIds":"A","pmsPatientId":"P"}'],
];

it('answers bad input with 4xx {"error"} and leaves the state as it was', async () => {
  const before = (await t.harness('GET', `/practices/${t.practiceId}`)).body;
  for (const [method, path, body, extra] of cases) {
    const res = await fetch(`${t.url}${path}`, {
      method,
      body,
      headers: {
        'api-key': t.apiKey,
        'practice-id': t.practiceId,
        'practice-key': t.practiceKey,
        'content-type': 'application/json',
        ...extra,
      },
    });
    const json = (await res.json()) as { error?: unknown };
    expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
    expect(res.status, `${method} ${path}`).toBeLessThan(500);
    expect(typeof json.error, `${method} ${path}`).toBe('string');
  }
  expect((await t.harness('GET', `/practices/${t.practiceId}`)).body).toEqual(before);
});
