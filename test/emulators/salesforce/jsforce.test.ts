// A client written independently of the connector — jsforce 3.10.16, as users would run it —
// drives the emulator: the web-server flow (with PKCE) and token refresh, query paging,
// collections (mixed results and allOrNone), upsert, retrieve, search, and the Streaming API
// with replay. It must succeed without knowing it talks to an emulator.
import { Connection, OAuth2 } from 'jsforce';
import { StreamingExtension } from 'jsforce/lib/api/streaming.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesforce, waitFor, type Harness } from './support.ts';

/** The Faye client jsforce hands out (its bundled typings omit these methods). */
interface FayeClient {
  subscribe(
    channel: string,
    listener: (message: any) => void,
  ): {
    callback(fn: () => void): void;
    errback(fn: (error: Error) => void): void;
  };
  disconnect(): void;
}

let h: Harness;
let conn: Connection;
const refreshed: string[] = [];
const callback = 'http://localhost:1717/OauthRedirect';

/** The admin clicks Allow on the authorize page; the browser lands on the callback with ?code=. */
async function approve(authorizationUrl: string): Promise<string> {
  const html = await (await fetch(authorizationUrl)).text();
  const form = Object.fromEntries([...html.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  const answer = await fetch(`${h.url}/services/oauth2/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...form, username: h.creds.username, decision: 'allow' }).toString(),
  });
  return new URL(answer.headers.get('location')!).searchParams.get('code')!;
}

beforeAll(async () => {
  h = await startSalesforce({ seed: 2500 });
  await h.harness('POST', '/setup/deploy', {});
  const oauth2 = new OAuth2({
    loginUrl: h.url,
    clientId: h.creds.clientId,
    clientSecret: h.creds.clientSecret,
    redirectUri: callback,
    useVerifier: true,
  });
  conn = new Connection({ oauth2, version: '62.0' });
  conn.on('refresh', (token: string) => refreshed.push(token));
  const code = await approve(oauth2.getAuthorizationUrl({ scope: 'api refresh_token', state: 'x' }));
  await conn.authorize(code);
});
afterAll(async () => h?.close());

describe('jsforce 3.10.16 against the emulator', () => {
  it('authorized through the web-server flow and refreshes an expired session by itself', async () => {
    expect(conn.instanceUrl).toBe(h.url);
    expect(conn.refreshToken).toMatch(/^5Aep861/);
    expect(conn.userInfo?.organizationId).toBe(h.creds.orgId);
    const before = conn.accessToken;
    await h.harness('POST', '/sessions/expire');
    const result = await conn.query('SELECT COUNT() FROM Contact');
    expect(result.totalSize).toBe(2500);
    expect(refreshed).toHaveLength(1);
    expect(conn.accessToken).not.toBe(before);
    expect(conn.limitInfo.apiUsage?.limit).toBe(15000);
  });

  it('pages a 2,500-contact query through nextRecordsUrl', async () => {
    const first = await conn.query(
      'SELECT Id, FirstName, LastName, Birthdate, Account.Name FROM Contact ORDER BY LastName, Id',
    );
    expect(first.totalSize).toBe(2500);
    expect(first.done).toBe(false);
    expect(first.records).toHaveLength(2000);
    expect(first.nextRecordsUrl).toMatch(
      /\/services\/data\/v62\.0\/query\/0r8[A-Za-z0-9]{15}-2000$/ /* jsforce makes it absolute */,
    );
    const second = await conn.queryMore(first.nextRecordsUrl!);
    expect(second.done).toBe(true);
    expect(second.records).toHaveLength(500);
    const all = await conn.query('SELECT Id FROM Contact', { autoFetch: true, maxFetch: 5000 });
    expect(all.records).toHaveLength(2500);
    expect(new Set(all.records.map((r: any) => r.Id)).size).toBe(2500);
  });

  it('creates a collection with one invalid record (mixed result), then rolls back with allOrNone', async () => {
    const records = [
      { FirstName: 'Col', LastName: 'One' },
      { FirstName: 'Col', LastName: 'Two', Email: 'bad@@example' },
      { FirstName: 'Col', LastName: 'Three' },
    ];
    const mixed: any[] = await conn.sobject('Contact').create(records, { allOrNone: false });
    expect(mixed.map((r) => r.success)).toEqual([true, false, true]);
    expect(mixed[1].errors[0]).toMatchObject({ statusCode: 'INVALID_EMAIL_ADDRESS', fields: ['Email'] });
    const count = async () => (await conn.query("SELECT COUNT() FROM Contact WHERE FirstName = 'Col'")).totalSize;
    expect(await count()).toBe(2);
    const rolledBack: any[] = await conn.sobject('Contact').create(records, { allOrNone: true });
    expect(rolledBack.map((r) => r.success)).toEqual([false, false, false]);
    expect(rolledBack[0].errors[0].statusCode).toBe('ALL_OR_NONE_OPERATION_ROLLED_BACK');
    expect(await count()).toBe(2);
  });

  it('upserts by external id through collections and retrieves the records', async () => {
    const rows = [
      { Hint_Patient_Id__c: 'pat-1', LastName: 'Upsert', FirstName: 'A' },
      { Hint_Patient_Id__c: 'pat-2', LastName: 'Upsert', FirstName: 'B' },
    ];
    const created: any[] = await conn.sobject('Contact').upsert(rows, 'Hint_Patient_Id__c');
    expect(created.map((r) => r.created)).toEqual([true, true]);
    const updated: any[] = await conn
      .sobject('Contact')
      .upsert([{ ...rows[0]!, HomePhone: '555-0101' }], 'Hint_Patient_Id__c');
    expect(updated[0]).toMatchObject({ success: true, created: false, id: created[0].id });
    const fetched: any[] = await conn
      .sobject('Contact')
      .retrieve([created[0].id, created[1].id.slice(0, 15)], { fields: ['Id', 'HomePhone'] });
    expect(fetched.map((r) => r.Id)).toEqual([created[0].id, created[1].id]);
    expect(fetched[0].HomePhone).toBe('555-0101');
  });

  it('searches by name with SOSL', async () => {
    const found: any = await conn.search(
      'FIND {Upsert} IN NAME FIELDS RETURNING Contact(Id, FirstName ORDER BY FirstName)',
    );
    expect(found.searchRecords.map((r: any) => r.FirstName)).toEqual(['A', 'B']);
  });

  it('streams ContactChangeEvent, and a client resuming from the stored replay id gets only what it missed', async () => {
    const channel = '/data/ContactChangeEvent';
    const seen: any[] = [];
    const first = conn.streaming.createClient([new StreamingExtension.Replay(channel, -1)]) as unknown as FayeClient;
    const subscription = first.subscribe(channel, (message: any) => seen.push(message));
    await new Promise<void>((resolve, reject) => {
      subscription.callback(() => resolve());
      subscription.errback((error: Error) => reject(error));
    });
    const target = (await conn.query("SELECT Id FROM Contact WHERE Hint_Patient_Id__c = 'pat-2'")).records[0] as any;
    await h.harness('PATCH', `/ui/Contact/${target.Id}`, { fields: { Email: 'b@example.com' } });
    await waitFor(() => seen.length === 1, 'the first change event');
    const header = seen[0].payload.ChangeEventHeader;
    expect(header).toMatchObject({
      entityName: 'Contact',
      changeType: 'UPDATE',
      recordIds: [target.Id],
      changeOrigin: '',
    });
    expect(header.changedFields).toEqual(['Email', 'LastModifiedDate']);
    const stored = seen[0].event.replayId as number;
    first.disconnect();

    await h.harness('PATCH', `/ui/Contact/${target.Id}`, { fields: { HomePhone: '555-0202' } });
    await conn.sobject('Contact').update({ Id: target.Id, MobilePhone: '5035550303' });
    const resumed: any[] = [];
    const second = conn.streaming.createClient([
      new StreamingExtension.Replay(channel, stored),
    ]) as unknown as FayeClient;
    second.subscribe(channel, (message: any) => resumed.push(message));
    await waitFor(() => resumed.length === 2, 'the two missed events');
    expect(resumed.map((m) => m.payload.ChangeEventHeader.changedFields[0])).toEqual(['HomePhone', 'MobilePhone']);
    expect(resumed.every((m) => m.event.replayId > stored)).toBe(true);
    expect(resumed[1].payload.ChangeEventHeader.changeOrigin).toBe('com/salesforce/api/rest/62.0');
    second.disconnect();
  });
});
