// Booking webhooks: confirmation handshake, events only afterwards, retries 1m/2m/5m/1h/12h,
// 400 final, duplicates on demand.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

async function subscribeAndConfirm(): Promise<void> {
  expect((await t.harness('PUT', `/practices/${t.practiceId}/booking-webhook`, { url: receiver.url })).status).toBe(
    200,
  );
  await settle(t.emulator);
  const confirmation = receiver.received[0]?.body;
  expect(confirmation).toMatchObject({
    version: 1,
    type: 'subscription-confirmation',
    data: { confirmation_url: expect.stringContaining('/_emulator/booking-webhooks/confirm?') },
  });
  const res = await fetch(confirmation.data.confirmation_url, { headers: { accept: 'application/json' } });
  expect(await res.json()).toEqual({ success: true });
  receiver.received.length = 0;
}

describe('handshake', () => {
  it('sends no events before the confirmation URL is fetched', async () => {
    await t.harness('PUT', `/practices/${t.practiceId}/booking-webhook`, { url: receiver.url });
    await settle(t.emulator);
    await book(t, `${TOMORROW} 09:00:00`);
    await settle(t.emulator);
    expect(receiver.received.map((r) => r.body.type)).toEqual(['subscription-confirmation']);
  });

  it('needs Accept: application/json and expires after an hour', async () => {
    await t.harness('PUT', `/practices/${t.practiceId}/booking-webhook`, { url: receiver.url });
    await settle(t.emulator);
    const url = receiver.received[0]?.body.data.confirmation_url as string;
    expect((await fetch(url)).status).toBe(406);
    await t.advance(60 * 60_000 + 1);
    const late = await fetch(url, { headers: { accept: 'application/json' } });
    expect(late.status).toBe(410);
    expect((await t.harness('GET', `/practices/${t.practiceId}/booking-webhook`)).body.subscription.confirmed).toBe(
      false,
    );
  });

  it('refuses plain http except on loopback', async () => {
    const res = await t.harness('PUT', `/practices/${t.practiceId}/booking-webhook`, {
      url: 'http://example.com/hook',
    });
    expect(res.status).toBe(400);
  });
});

describe('events', () => {
  it('booking-submitted and booking-cancelled carry unix times and string ids', async () => {
    await subscribeAndConfirm();
    const id = (await book(t, `${TOMORROW} 09:00:00`)).body.bookingId;
    await t.harness('POST', `/practices/${t.practiceId}/bookings/${id}/cancel`);
    await settle(t.emulator);
    const [submitted, cancelled] = receiver.received.map((r) => r.body);
    expect(submitted).toMatchObject({
      version: 1,
      type: 'booking-submitted',
      data: {
        booking_id: String(id),
        appointment: { datetime: Date.parse('2026-03-03T01:00:00Z') / 1000 },
        practice: { id: t.practiceId, timezone: 'Australia/Perth' },
        patient: {
          dob: '1985-12-10',
          gender: 'Female',
          medicare: { number: '2123456701', reference: '1', expiry: '05/2030' },
        },
      },
    });
    expect(cancelled).toMatchObject({
      type: 'booking-cancelled',
      data: { booking_id: String(id), cancelled_time: Date.parse('2026-03-02T01:00:00Z') / 1000 },
    });
    expect(cancelled.data.patient.gender).toBeUndefined();
  });

  it('retries a failing delivery after 1 m, 2 m, 5 m, 1 h and 12 h, then marks it failed', async () => {
    await subscribeAndConfirm();
    receiver.statuses = [500];
    await book(t, `${TOMORROW} 09:00:00`);
    await settle(t.emulator);
    const counts: number[] = [receiver.received.length];
    for (const wait of [60, 120, 300, 3600, 43_200, 100_000]) {
      await t.advance(wait * 1000 - 1);
      counts.push(receiver.received.length);
      await t.advance(1);
      counts.push(receiver.received.length);
    }
    expect(counts).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 6]);
    const log = (await t.harness('GET', `/practices/${t.practiceId}/booking-webhook`)).body.deliveries;
    expect(log.at(-1)).toMatchObject({ type: 'booking-submitted', attempt: 6, outcome: 'failed', status: 500 });
  });

  it('treats 400 as final and any 2xx as success', async () => {
    await t.harness('POST', '/config', { pollGapRule: false, unhealthyAfterMs: 10 ** 12 }); // keep booking after 13 h
    await subscribeAndConfirm();
    receiver.statuses = [400];
    await book(t, `${TOMORROW} 09:00:00`);
    await settle(t.emulator);
    await t.advance(13 * 3600_000);
    expect(receiver.received).toHaveLength(1);
    const log = (await t.harness('GET', `/practices/${t.practiceId}/booking-webhook`)).body.deliveries;
    expect(log.at(-1)).toMatchObject({ outcome: 'rejected', status: 400 });
    receiver.statuses = [202];
    await book(t, `${TOMORROW} 09:15:00`);
    await settle(t.emulator);
    await t.advance(13 * 3600_000);
    expect(receiver.received).toHaveLength(2);
    const after = (await t.harness('GET', `/practices/${t.practiceId}/booking-webhook`)).body.deliveries;
    expect(after.at(-1)).toMatchObject({ outcome: 'delivered', status: 202 });
  });

  it('sends duplicates, simultaneous or sequential, when asked', async () => {
    await subscribeAndConfirm();
    await t.harness('POST', '/config', { bookingWebhookDuplicates: 'simultaneous' });
    await book(t, `${TOMORROW} 09:00:00`);
    await settle(t.emulator);
    expect(receiver.received.map((r) => r.body.type)).toEqual(['booking-submitted', 'booking-submitted']);
    await t.harness('POST', '/config', { bookingWebhookDuplicates: 'sequential' });
    await book(t, `${TOMORROW} 09:15:00`);
    await settle(t.emulator);
    expect(receiver.received).toHaveLength(3);
    await t.advance(1000);
    expect(receiver.received).toHaveLength(4);
    expect(receiver.received[2]?.body).toEqual(receiver.received[3]?.body);
  });

  it('harness-triggered events: pre-screening, document attached, updated, attended', async () => {
    await subscribeAndConfirm();
    const id = (await book(t, `${TOMORROW} 09:00:00`)).body.bookingId;
    for (const type of [
      'booking-updated',
      'booking-pre-screening-submitted',
      'booking-document-attached',
      'booking-marked-attended',
    ]) {
      expect(
        (await t.harness('POST', `/practices/${t.practiceId}/booking-events`, { type, bookingId: id })).status,
      ).toBe(202);
    }
    await settle(t.emulator);
    expect(receiver.received.map((r) => r.body.type)).toEqual([
      'booking-submitted',
      'booking-updated',
      'booking-pre-screening-submitted',
      'booking-document-attached',
      'booking-marked-attended',
    ]);
    expect(receiver.received[1]?.body.data.selected_medication).toBeUndefined();
    expect(receiver.received[3]?.body.data).toMatchObject({
      document_type: 'custom-form',
      download_expiry: expect.any(Number),
    });
  });
});
