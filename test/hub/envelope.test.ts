// Every response Tandem sends — including those Fastify's router and Node's HTTP parser produce
// before any route runs (414, bad URL, 404, 408, 431, unparsable HTTP) — carries the security
// headers and the {error, details} envelope, and never echoes the request path.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub.ts';

let hub: TestHub;
beforeAll(async () => {
  // Short timeouts so the slow clients below are cut quickly; the defaults are 10 s and 30 s.
  hub = await startTestHub({ TANDEM_HEADERS_TIMEOUT_MS: '1500', TANDEM_REQUEST_TIMEOUT_MS: '3000' });
});
afterAll(async () => {
  await hub.stop();
});

const SECRET = 'JaneCitizen1985';

interface Raw {
  status: number;
  headers: Record<string, string>;
  body: string;
  closed: boolean;
}

/**
 * Speaks HTTP by hand: writes `head`, then drips `drip` one byte every `everyMs`, and returns
 * what the server answered once it closes the connection (or after 20 s at most).
 */
function rawRequest(head: string, drip = '', everyMs = 500): Promise<Raw> {
  const { port } = new URL(hub.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    let i = 0;
    const dripper = setInterval(() => {
      if (i < drip.length && socket.writable) socket.write(drip[i++]!);
    }, everyMs);
    const giveUp = setTimeout(() => socket.destroy(), 20_000);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => {}); // a reset after the answer is expected
    socket.on('close', () => {
      clearInterval(dripper);
      clearTimeout(giveUp);
      const text = Buffer.concat(chunks).toString('utf8');
      const [rawHead = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = rawHead.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n'), closed: true });
    });
    socket.on('connect', () => socket.write(head));
    socket.on('timeout', reject);
  });
}

function expectEnvelope(status: number, headers: Record<string, string | null>, body: unknown, expected: number) {
  expect(status).toBe(expected);
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(body).toMatchObject({ error: expect.any(String), details: expect.any(Array) });
  expect(JSON.stringify(body)).not.toContain(SECRET);
}

const headersOf = (h: Headers) => Object.fromEntries(h.entries());

describe('responses outside the routes', () => {
  it('404 for an unknown route, without echoing the path', async () => {
    // (Other paths belong to the console, which answers every GET with its page.)
    for (const route of [
      `/api/v1/${SECRET}`,
      `/api/${SECRET}`,
      `/webhooks/${SECRET}`,
      `/api/v1/patients/x/${SECRET}`,
    ]) {
      const r = await hub.api('GET', route);
      expectEnvelope(r.status, headersOf(r.headers), r.body, 404);
    }
  });

  it('414 for a path segment over the router limit, before authentication, in the envelope', async () => {
    const long = `/api/v1/patients/${SECRET}${'x'.repeat(200)}`;
    const r = await hub.api('PATCH', long, {}, {}, 'no-token');
    expectEnvelope(r.status, headersOf(r.headers), r.body, 414);
    expect(r.body.details).toEqual([{ field: 'path', message: 'a path segment is too long' }]);
    // A GET falls through to the console's catch-all route, which leaves /api paths to the 404.
    const get = await hub.api('GET', long, undefined, {}, 'no-token');
    expect([404, 414]).toContain(get.status);
    expectEnvelope(get.status, headersOf(get.headers), get.body, get.status);
  });

  it('400 for a path that cannot be decoded', async () => {
    const r = await rawRequest(
      `GET /api/v1/patients/${SECRET}%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    );
    expectEnvelope(r.status, r.headers, JSON.parse(r.body), 400);
  });

  it('400 for malformed JSON, 413 for a body over the limit, 415 for a body that is not JSON', async () => {
    const bad = await hub.api('POST', '/api/v1/patients', `{"firstName": "${SECRET}",`);
    expectEnvelope(bad.status, headersOf(bad.headers), bad.body, 400);
    const big = await hub.api('POST', '/api/v1/patients', { firstName: SECRET, notes: 'x'.repeat(1_100_000) });
    expectEnvelope(big.status, headersOf(big.headers), big.body, 413);
    const xml = await hub.api('POST', '/api/v1/patients', `<p>${SECRET}</p>`, { 'content-type': 'application/xml' });
    expectEnvelope(xml.status, headersOf(xml.headers), xml.body, 415);
  });

  it('431 for headers over the limit and 400 for a request that is not HTTP', async () => {
    const huge = await rawRequest(`GET /api/v1/patients HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expectEnvelope(huge.status, huge.headers, JSON.parse(huge.body), 431);
    expect(huge.headers.connection).toBe('close');
    const garbage = await rawRequest(`HELLO ${SECRET}\r\n\r\n`);
    expectEnvelope(garbage.status, garbage.headers, JSON.parse(garbage.body), 400);
  });
});

describe('slow clients', () => {
  it('a client dripping its headers one byte at a time gets 408 and is cut', async () => {
    const r = await rawRequest('GET /api/v1/patients HTTP/1.1\r\nHost: x\r\n', 'X-Slow: ' + 'a'.repeat(100));
    expectEnvelope(r.status, r.headers, JSON.parse(r.body), 408);
    expect(r.headers.connection).toBe('close');
    expect(r.closed).toBe(true);
  });

  it('an unauthenticated webhook whose body drips one byte at a time gets 408 and is cut', async () => {
    const body = JSON.stringify({ event: 'patient.created', id: SECRET });
    const r = await rawRequest(
      `POST /webhooks/hint HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      body,
    );
    expectEnvelope(r.status, r.headers, JSON.parse(r.body), 408);
    expect(r.closed).toBe(true);
  });

  it('an authenticated API write whose body drips gets 408 and writes nothing', async () => {
    const before = await hub.database.db.query('SELECT count(*)::int AS n FROM patients');
    const body = JSON.stringify({ firstName: SECRET, lastName: 'Slow', dob: '1985-01-01' });
    const r = await rawRequest(
      `POST /api/v1/patients HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${hub.token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      body,
    );
    expectEnvelope(r.status, r.headers, JSON.parse(r.body), 408);
    const after = await hub.database.db.query('SELECT count(*)::int AS n FROM patients');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });
});
