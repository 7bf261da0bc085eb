// Bad input never gets a 500, always gets Hint's {status, message}, and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, startHint, type Harness } from './support.ts';

const BODIES: unknown[] = [
  null,
  'text',
  42,
  [],
  [1],
  { first_name: 5 },
  { status: {} },
  { integration_record_id: ['x'] },
  { webhook_url: 'ftp://nope' },
  { quantity: -1, price_in_cents: 'free', name: '' },
  { grant_type: 1 },
  { seed: 'x' },
  { x: '\u0000' },
];

describe('Hint emulator: robustness against bad input', () => {
  let h: Harness;
  let ids: Record<string, string>;
  beforeAll(async () => {
    h = await startHint({ seed: 5 });
    const patient = (await (await h.call('GET', '/api/provider/patients')).json())[0];
    const invoice = (await (await h.call('GET', '/api/provider/customer_invoices')).json())[0];
    const integration = (await (await h.call('GET', '/api/integrations', h.creds.partnerApiKey)).json())[0];
    ids = { pat: patient.id, inv: invoice.id, int: integration.id, pra: h.creds.practices[0]?.id ?? '' };
  });
  afterAll(async () => {
    await h.close();
  });

  const routes = () =>
    [
      ['POST', '/api/provider/patients'],
      ['PATCH', `/api/provider/patients/${ids.pat}`],
      ['POST', '/api/provider/patients/matching'],
      ['POST', '/api/provider/practitioners'],
      ['PATCH', '/api/provider/practice'],
      ['POST', '/api/provider/locations'],
      ['POST', '/api/provider/companies'],
      ['POST', '/api/provider/customer_invoices'],
      ['PATCH', `/api/provider/customer_invoices/${ids.inv}`],
      ['POST', `/api/provider/customer_invoices/${ids.inv}/charges`],
      ['POST', `/api/provider/customer_invoices/${ids.inv}/payments`],
      ['POST', `/api/provider/patients/${ids.pat}/interactions/partner`],
      ['PATCH', '/api/partner', 'partner'],
      ['POST', '/api/global_webhook_endpoints', 'partner'],
      ['PATCH', `/api/integrations/${ids.int}`, 'partner'],
      ['POST', `/api/integrations/${ids.int}/webhook_endpoints`, 'partner'],
      ['POST', '/api/oauth/tokens', 'partner'],
      ['POST', `/_emulator/practices/${ids.pra}/patients`, 'none'],
      ['POST', '/_emulator/faults', 'none'],
      ['PATCH', '/_emulator/config', 'none'],
      ['POST', '/_emulator/clock', 'none'],
      ['PATCH', '/_emulator/partner', 'none'],
      ['POST', `/_emulator/practices/${ids.pra}/memberships`, 'none'],
    ] as const;

  it('never answers 5xx to malformed bodies on any write route; errors are {status, message}; nothing changes', async () => {
    const snapshot = async () =>
      JSON.stringify([
        await (await h.call('GET', '/api/provider/patients?filter=all&limit=100')).json(),
        await (await h.call('GET', '/api/provider/customer_invoices?limit=100&expand=charges')).json(),
        await (await request(`${h.url}/_emulator/config`)).json(),
        await (await request(`${h.url}/_emulator/credentials`)).json(),
      ]);
    const before = await snapshot();
    for (const [method, path, who] of routes()) {
      for (const body of BODIES) {
        const token = who === 'partner' ? h.creds.partnerApiKey : who === 'none' ? null : h.token;
        const res = await h.call(method, path, token, body);
        const text = await res.text();
        const label = `${method} ${path} ${JSON.stringify(body)} → ${res.status} ${text.slice(0, 200)}`;
        expect(res.status, label).toBeLessThan(500);
        // Unknown attributes are ignored (a partial update with none of them is a no-op), so only
        // bodies of the wrong JSON type must be refused everywhere.
        if (body === null || typeof body !== 'object' || Array.isArray(body))
          expect(res.status, label).toBeGreaterThanOrEqual(400);
        if (res.status < 400) continue;
        const parsed = JSON.parse(text);
        expect(parsed.status, label).toBe(res.status);
        expect(typeof parsed.message, label).toBe('string');
      }
    }
    expect(await snapshot()).toBe(before);
  });

  it('answers 400 to malformed JSON and odd query strings, never 500', async () => {
    const raw = await request(`${h.url}/api/provider/patients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
      body: '{',
    });
    expect(raw.status).toBe(400);
    for (const q of [
      'limit=1&limit=2',
      'sort=-',
      'sort=a&sort=b',
      'created_at=%7B',
      'created_at[gt]=1&created_at[gt]=2',
      'filter=nope',
      'offset=1.5',
      'created_at={"gt":null}',
      'updated_at=[]',
    ]) {
      const res = await h.call('GET', `/api/provider/patients?${q}`);
      expect(res.status, q).toBe(400);
      expect((await res.json()).status, q).toBe(400);
    }
    const unsupported = await request(`${h.url}/api/provider/patients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.token}`, 'content-type': 'text/plain' },
      body: 'hi',
    });
    expect(unsupported.status).toBe(422); // a text body is not a patient
    expect((await unsupported.json()).status).toBe(422);
    const charset = await request(`${h.url}/api/provider/patients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ first_name: 'Char', last_name: 'Set' }),
    });
    expect(charset.status).toBe(200);
  });
});
