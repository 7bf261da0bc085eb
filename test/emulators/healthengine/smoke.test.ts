import { afterAll, beforeAll, expect, it } from 'vitest';
import { book, configurePractice, startHealthengine, TOMORROW, type TestEmulator } from './helpers.ts';

let t: TestEmulator;
beforeAll(async () => { t = await startHealthengine(); });
afterAll(async () => { await t.close(); });

it('runs a booking end to end', async () => {
  await configurePractice(t);
  const created = await book(t, `${TOMORROW} 09:15:00`);
  expect(created.status).toBe(201);
  expect((await t.api('GET', '/requests')).body).toEqual(['bookings']);
  const list = await t.api('GET', '/requests/bookings');
  console.log(JSON.stringify(list.body));
  const ok = await t.api('POST', `/bookings/${created.body.bookingId}/confirmInsert`, { pmsAppointmentIds: ['a1'], pmsPatientId: 'p1' });
  expect(ok.status).toBe(200);
  expect((await t.api('GET', '/requests')).body).toEqual([]);
  const state = await t.harness('GET', `/practices/${t.practiceId}/bookings/${created.body.bookingId}`);
  console.log(JSON.stringify(state.body));
});
