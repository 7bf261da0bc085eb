// Request webhooks: subscriptions by topic or requests.*, within start/expiry, skinny payloads,
// retries after 10, 100 and 1000 s (fake clock), every failed attempt in the error log.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateWebhookPayload } from '../../../src/emulators/healthengine/spec.ts';
import {
  book,
  configurePractice,
  settle,
  startHealthengine,
  startReceiver,
  TOMORROW,
  type TestEmulator,
} from './helpers.ts';

let t: TestEmulator;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeEach(async () => {
  t = await startHealthengine();
  await configurePractice(t);
  receiver = await startReceiver();
});
afterEach(async () => {
  await t.close();
  await receiver.close();
});

const raise = (body: Record<string, unknown>) => t.harness('POST', `/practices/${t.practiceId}/requests`, body);

describe('subscriptions', () => {
  it('POST creates (201) or updates, GET lists and reads, DELETE answers 204 then 404', async () => {
    const created = await t.api('POST', '/subscription', {
      topic: 'requests.bookings',
      callbackUrl: receiver.url,
      clientId: 'mine',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      topic: 'requests.bookings',
      callbackUrl: receiver.url,
      clientId: 'mine',
      startAt: '2026-03-02 01:00:00',
      expireAt: null,
    });
    const updated = await t.api('POST', '/subscription', {
      id: created.body.id,
      topic: 'requests.*',
      callbackUrl: receiver.url,
      expireAt: '2026-04-01 00:00:00',
    });
    expect(updated.body).toMatchObject({ id: created.body.id, topic: 'requests.*', expireAt: '2026-04-01 00:00:00' });
    expect((await t.api('GET', '/subscription')).body).toHaveLength(1);
    expect((await t.api('GET', `/subscription/${created.body.id}`)).body.id).toBe(created.body.id);
    const put = await t
      .api('PUT', `/subscription/${created.body.id}`, { topic: 'requests.availability', callbackUrl: receiver.url })
      .catch((e: Error) => e);
    expect(put).toBeInstanceOf(Error); // PUT is Postman-only, not in the spec: the contract check flags it
    expect((await t.api('DELETE', `/subscription/${created.body.id}`)).status).toBe(204);
    expect((await t.api('DELETE', `/subscription/${created.body.id}`)).status).toBe(404);
    expect((await t.api('GET', `/subscription/${created.body.id}`)).status).toBe(404);
  });

  it('refuses bad topics, URLs and windows with 400', async () => {
    expect((await t.api('POST', '/subscription', { topic: 'bookings', callbackUrl: receiver.url })).body.error).toMatch(
      /^topic must be one of/,
    );
    expect((await t.api('POST', '/subscription', { topic: 'requests.*', callbackUrl: 'ftp://x' })).body.error).toBe(
      'callbackUrl must be an http(s) URL',
    );
    expect(
      (
        await t.api('POST', '/subscription', {
          topic: 'requests.*',
          callbackUrl: receiver.url,
          startAt: '2026-03-02T00:00:00Z',
        })
      ).body.error,
    ).toBe('startAt must be a datetime YYYY-MM-DD HH:MM:SS');
    expect(
      (
        await t.api('POST', '/subscription', {
          topic: 'requests.*',
          callbackUrl: receiver.url,
          startAt: '2026-03-05 00:00:00',
          expireAt: '2026-03-04 00:00:00',
        })
      ).status,
    ).toBe(400);
    expect((await t.api('GET', '/subscription')).body).toEqual([]);
  });
});

describe('deliveries', () => {
  it('sends skinny payloads per topic to matching subscriptions, echoing clientId', async () => {
    const sub = await t.api('POST', '/subscription', {
      topic: 'requests.*',
      callbackUrl: receiver.url,
      clientId: 'c-1',
    });
    await t.api('POST', '/subscription', {
      topic: 'requests.availability',
      callbackUrl: `${receiver.url}?only=availability`,
    });
    const booking = (await book(t, `${TOMORROW} 09:00:00`)).body.bookingId;
    await raise({ type: 'pmsResources' });
    const avail = await raise({ type: 'availability', day: TOMORROW });
    await raise({ type: 'pmsAppointmentChanges', bookingId: booking }); // "not currently called"
    await settle(t.emulator);
    const bodies = receiver.received.map((r) => r.body);
    expect(bodies).toHaveLength(4);
    for (const body of bodies) expect(validateWebhookPayload(body)).toEqual({ ok: true });
    expect(validateWebhookPayload({ ...bodies[0], data: { ...bodies[0].data, bookingId: 'x' } })).toMatchObject({
      ok: false,
    });
    expect(bodies[0]).toEqual({
      timestamp: '2026-03-02 01:00:00',
      id: sub.body.id,
      clientId: 'c-1',
      topic: 'requests.*',
      data: { target: '/requests/bookings', requestType: 'bookings', bookingId: booking },
    });
    expect(bodies[1].data).toEqual({ target: null, requestType: 'pmsResources', requestId: expect.any(Number) });
    expect(bodies.slice(2).map((b) => b.data)).toEqual([
      { target: '/requests/availability', requestType: 'availability', requestId: avail.body.requestId },
      { target: '/requests/availability', requestType: 'availability', requestId: avail.body.requestId },
    ]);
    expect(bodies.filter((b) => b.topic === 'requests.availability')).toHaveLength(1);
  });

  it('only inside startAt ≤ now < expireAt', async () => {
    await t.api('POST', '/subscription', {
      topic: 'requests.pmsResources',
      callbackUrl: receiver.url,
      startAt: '2026-03-02 02:00:00',
      expireAt: '2026-03-02 03:00:00',
    });
    await raise({ type: 'pmsResources' });
    await t.advance(60 * 60_000);
    await raise({ type: 'pmsResources' });
    await t.advance(60 * 60_000);
    await raise({ type: 'pmsResources' });
    await settle(t.emulator);
    expect(receiver.received).toHaveLength(1);
  });

  it('retries after 10, 100 and 1000 s and logs every failed attempt in /subscriptionErrorLog', async () => {
    receiver.statuses = [500, 503, 500, 500];
    const sub = await t.api('POST', '/subscription', {
      topic: 'requests.bookings',
      callbackUrl: receiver.url,
      clientId: 'c',
    });
    const booking = (await book(t, `${TOMORROW} 09:00:00`)).body.bookingId;
    await settle(t.emulator);
    expect(receiver.received).toHaveLength(1);
    await t.advance(9_999);
    expect(receiver.received).toHaveLength(1);
    await t.advance(1);
    expect(receiver.received).toHaveLength(2);
    await t.advance(100_000);
    expect(receiver.received).toHaveLength(3);
    await t.advance(999_000);
    expect(receiver.received).toHaveLength(3);
    await t.advance(1_000);
    expect(receiver.received).toHaveLength(4);
    await t.advance(100_000_000);
    expect(receiver.received).toHaveLength(4);
    expect(new Set(receiver.received.map((r) => r.body.timestamp))).toEqual(new Set(['2026-03-02 01:00:00']));
    const log = await t.api('GET', `/subscriptionErrorLog?subscriptionId=${sub.body.id}`);
    expect(log.body.page.total).toBe(4);
    expect(log.body.data.map((e: { attempt: number }) => e.attempt)).toEqual([1, 2, 3, 4]);
    expect(log.body.data[1]).toMatchObject({
      subscriptionId: sub.body.id,
      subscriptionTopic: 'requests.bookings',
      clientId: 'c',
      callbackUrl: receiver.url,
      payload: { id: sub.body.id, topic: 'requests.bookings', data: { requestType: 'bookings', bookingId: booking } },
      errorType: 'GuzzleHttp\\Exception\\ServerException',
      errorMessage: expect.stringMatching(/503/),
    });
    const windowed = await t.api(
      'GET',
      `/subscriptionErrorLog?from=${encodeURIComponent('2026-03-02 01:00:05')}&to=${encodeURIComponent('2026-03-02 01:02:00')}`,
    );
    expect(windowed.body.data.map((e: { attempt: number }) => e.attempt)).toEqual([2, 3]);
    expect((await t.api('GET', '/subscriptionErrorLog?subscriptionId=nope')).status).toBe(404);
    expect((await t.api('GET', '/subscriptionErrorLog?from=yesterday')).status).toBe(400);
  });

  it('counts a refused connection as a failure and stops after a success', async () => {
    const url = receiver.url;
    await receiver.close();
    await t.api('POST', '/subscription', { topic: 'requests.pmsResources', callbackUrl: url });
    await raise({ type: 'pmsResources' });
    await settle(t.emulator);
    const log = await t.api('GET', '/subscriptionErrorLog');
    expect(log.body.data[0]).toMatchObject({ attempt: 1, errorType: 'GuzzleHttp\\Exception\\ConnectException' });
    receiver = await startReceiver([200]);
  });

  it('treats a non-200 2xx as failure by default (spec: "return 200"), configurable', async () => {
    receiver.statuses = [204, 200];
    await t.api('POST', '/subscription', { topic: 'requests.pmsResources', callbackUrl: receiver.url });
    await raise({ type: 'pmsResources' });
    await settle(t.emulator);
    await t.advance(10_000);
    expect(receiver.received).toHaveLength(2);
    expect((await t.api('GET', '/subscriptionErrorLog')).body.page.total).toBe(1);
  });

  it('times out after 5 s (configurable) and logs a ConnectException', async () => {
    await t.harness('POST', '/config', { webhookTimeoutMs: 200, webhookRetryDelaysSeconds: [] });
    const { createServer } = await import('node:http');
    const hanging = createServer(() => {
      /* never answers */
    });
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    const address = hanging.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await t.api('POST', '/subscription', {
      topic: 'requests.pmsResources',
      callbackUrl: `http://127.0.0.1:${port}/slow`,
    });
    await raise({ type: 'pmsResources' });
    await settle(t.emulator);
    hanging.closeAllConnections();
    hanging.close();
    const log = await t.api('GET', '/subscriptionErrorLog');
    expect(log.body.data[0].errorMessage).toMatch(/cURL error 28: Operation timed out after 200 milliseconds/);
  });
});
