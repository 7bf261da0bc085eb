import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, startHint, type Harness } from './support.ts';

describe('Hint emulator: marketplace app handshake', () => {
  let h: Harness;
  let received: { raw: string; signature: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ raw: Buffer.concat(chunks).toString(), signature: String(req.headers['x-hint-signature']) });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ session_key: 'sess-123' }));
    });
  });
  const harness = (method: string, path: string, body?: unknown) =>
    request(`${h.url}/_emulator${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });

  beforeAll(async () => {
    h = await startHint();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await h.close();
  });

  it('refuses when the partner has no handshake URL', async () => {
    expect((await harness('POST', `/practices/${h.creds.practices[0]?.id}/handshake`)).status).toBe(422);
  });

  it('POSTs a signed handshake and returns the iframe URL with the session key', async () => {
    const port = (server.address() as AddressInfo).port;
    await harness('PATCH', '/partner', {
      handshakeUrl: `http://127.0.0.1:${port}/hint/handshake`,
      surfaceUrl: 'http://127.0.0.1:8080/embed/hint',
    });
    received = [];
    const result = await (
      await harness('POST', `/practices/${h.creds.practices[0]?.id}/handshake`, { patientId: 'pat-x' })
    ).json();
    expect(result).toMatchObject({ statusCode: 200, sessionKey: 'sess-123' });
    expect(result.iframeUrl).toBe('http://127.0.0.1:8080/embed/hint?session_key=sess-123&patient_id=pat-x');
    const [{ raw, signature }] = received as [{ raw: string; signature: string }];
    const expected = Buffer.from(`sha256=${createHmac('sha256', h.creds.webhookSecret).update(raw).digest('hex')}`);
    expect(timingSafeEqual(Buffer.from(signature), expected)).toBe(true);
    const body = JSON.parse(raw);
    expect(Object.keys(body).sort()).toEqual(['access_token', 'integration', 'practice', 'timestamp', 'user']);
    expect(body.access_token).toBe(h.token);
    expect(body.practice.id).toBe(h.creds.practices[0]?.id);
    expect(body.user).toMatchObject({ partner_roles: ['admin'], id: expect.stringMatching(/^user-/) });
    expect(body.timestamp).toMatch(/[+-]\d\d:\d\d$/);
  });
});
