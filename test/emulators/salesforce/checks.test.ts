// The "How it will be checked" list, driven by a client independent of the project
// (plain fetch for OAuth and REST, the hand-written Bayeux client beside this file for CometD):
// both OAuth flows; a collection with one invalid record (mixed result, then allOrNone
// rollback); a 2,500-contact query paged through nextRecordsUrl; a name search; a
// ContactChangeEvent for a harness user's edit with changedFields; a reconnect from the stored
// replay id that gets nothing twice; the API allowance exhausted → REQUEST_LIMIT_EXCEEDED.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmulatorClock } from '../../../src/emulators/shared/clock.ts';
import { BayeuxClient } from './bayeux.ts';
import { jwtAssertion, startSalesforce, tokenRequest, waitFor, type Harness, type SfResponse } from './support.ts';

let h: Harness;
let token = '';
const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${h.url}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } }) as Promise<SfResponse>;
const send = (method: string, path: string, body: unknown) =>
  fetch(`${h.url}/services/data/v62.0${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }) as Promise<SfResponse>;

beforeAll(async () => {
  // A running clock (real time): tokens, events and the long poll behave as in production.
  h = await startSalesforce({ seed: 2500, clock: new EmulatorClock() });
});
afterAll(async () => h?.close());

describe('how issue 15 will be checked', () => {
  it('1. authenticates with the web-server flow (PKCE) and the JWT bearer flow', async () => {
    const verifier = createHash('sha256').update('checks').digest('base64url') + 'x'.repeat(20);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirect = h.creds.callbackUrls[0]!;
    const authorize = `${h.url}/services/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: h.creds.clientId, redirect_uri: redirect, code_challenge: challenge, code_challenge_method: 'S256', scope: 'api refresh_token' })}`;
    const page = await (await fetch(authorize)).text();
    const form = Object.fromEntries([...page.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    const approved = await fetch(`${h.url}/services/oauth2/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form, username: h.creds.username, decision: 'allow' }).toString(),
    });
    const code = new URL(approved.headers.get('location')!).searchParams.get('code')!;
    const web = await (
      await tokenRequest(h.url, {
        grant_type: 'authorization_code',
        code,
        client_id: h.creds.clientId,
        client_secret: h.creds.clientSecret,
        redirect_uri: redirect,
        code_verifier: verifier,
      })
    ).json();
    expect(web.refresh_token).toBeTruthy();
    const jwt = await (
      await tokenRequest(h.url, {
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: jwtAssertion(h.creds, { exp: Math.floor(Date.now() / 1000) + 180 }),
      })
    ).json();
    expect(jwt.access_token).toBeTruthy();
    token = jwt.access_token;
    expect((await get(`/services/data/v62.0/limits`)).status).toBe(200);
    token = web.access_token;
  });

  it('2. creates contacts in a collection with one invalid record: mixed result, then allOrNone rollback', async () => {
    const records = ['Alpha', 'Bravo', 'Charlie'].map((last, i) => ({
      attributes: { type: 'Contact' },
      FirstName: 'Check',
      LastName: last,
      ...(i === 1 ? { Email: 'not an email' } : {}),
    }));
    const mixed = await (await send('POST', '/composite/sobjects', { allOrNone: false, records })).json();
    expect(mixed.map((r: any) => r.success)).toEqual([true, false, true]);
    expect(mixed[1].errors[0].statusCode).toBe('INVALID_EMAIL_ADDRESS');
    const rolled = await (await send('POST', '/composite/sobjects', { allOrNone: true, records })).json();
    expect(rolled.map((r: any) => r.errors[0]?.statusCode)).toEqual([
      'ALL_OR_NONE_OPERATION_ROLLED_BACK',
      'INVALID_EMAIL_ADDRESS',
      'ALL_OR_NONE_OPERATION_ROLLED_BACK',
    ]);
    const count = await (
      await get(
        `/services/data/v62.0/query?q=${encodeURIComponent("SELECT COUNT() FROM Contact WHERE FirstName = 'Check'")}`,
      )
    ).json();
    expect(count.totalSize).toBe(2);
  });

  it('3. pages a 2,500-contact query', async () => {
    const ids = new Set<string>();
    let page = await (
      await get(
        `/services/data/v62.0/query?q=${encodeURIComponent("SELECT Id, Name FROM Contact WHERE FirstName != 'Check'")}`,
        { 'Sforce-Query-Options': 'batchSize=1000' },
      )
    ).json();
    let pages = 1;
    for (;;) {
      for (const r of page.records) ids.add(r.Id);
      expect(page.totalSize).toBe(2500);
      if (page.done) break;
      page = await (await get(page.nextRecordsUrl)).json();
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(ids.size).toBe(2500);
  });

  it('4. searches by name', async () => {
    const found = await (
      await get(`/services/data/v62.0/parameterizedSearch?q=Bravo&sobject=Contact&Contact.fields=Id,FirstName,LastName`)
    ).json();
    expect(found.searchRecords).toEqual([]); // Bravo was rolled back and never created
    const sosl = await (
      await get(
        `/services/data/v62.0/search?q=${encodeURIComponent('FIND {Char*} IN NAME FIELDS RETURNING Contact(Id, FirstName, LastName)')}`,
      )
    ).json();
    expect(sosl.searchRecords.map((r: any) => `${r.FirstName} ${r.LastName}`)).toContain('Check Charlie');
  });

  it('5. receives a harness user edit as a ContactChangeEvent and, reconnecting with the stored replay id, gets nothing twice', async () => {
    const endpoint = `${h.url}/cometd/62.0`;
    const target = (
      await (
        await get(
          `/services/data/v62.0/query?q=${encodeURIComponent("SELECT Id FROM Contact WHERE LastName = 'Alpha'")}`,
        )
      ).json()
    ).records[0].Id;
    const first = new BayeuxClient(endpoint, token);
    expect((await first.handshake()).successful).toBe(true);
    expect((await first.subscribe('/data/ContactChangeEvent', -1)).successful).toBe(true);
    first.start();
    await h.harness('PATCH', `/ui/Contact/${target}`, { fields: { MobilePhone: '5035550123' } });
    await waitFor(() => first.received.length > 0, 'the change event');
    const event = first.received[0];
    const header = event!.data.payload.ChangeEventHeader;
    expect(header).toMatchObject({
      entityName: 'Contact',
      changeType: 'UPDATE',
      recordIds: [target],
      changedFields: ['MobilePhone', 'LastModifiedDate'],
    });
    expect(event!.data.payload.MobilePhone).toBe('5035550123');
    const stored = event!.data.event.replayId;
    await first.stop();

    await h.harness('PATCH', `/ui/Contact/${target}`, { fields: { HomePhone: '5035550456' } });
    const second = new BayeuxClient(endpoint, token);
    await second.handshake();
    expect((await second.subscribe('/data/ContactChangeEvent', stored)).successful).toBe(true);
    second.start();
    await waitFor(() => second.received.length >= 1, 'the missed event');
    await h.harness('PATCH', `/ui/Contact/${target}`, { fields: { Title: 'Ops' } });
    await waitFor(() => second.received.length >= 2, 'the next event');
    await second.stop();
    const replayIds = second.received.map((m) => m.data.event.replayId);
    expect(replayIds).not.toContain(stored);
    expect(new Set(replayIds).size).toBe(replayIds.length);
    expect(second.received.map((m) => m.data.payload.ChangeEventHeader.changedFields[0])).toEqual([
      'HomePhone',
      'Title',
    ]);
  });

  it('6. exhausts the API allowance and gets REQUEST_LIMIT_EXCEEDED', async () => {
    await h.harness('POST', '/limits', { max: 30, used: 0 });
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await get('/services/data/v62.0/limits')).status);
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    const over = await get('/services/data/v62.0/limits');
    expect(over.status).toBe(403);
    expect(over.headers.get('sforce-limit-info')).toBe('api-usage=30/30');
    expect(await over.json()).toEqual([
      { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
    ]);
  });
});
