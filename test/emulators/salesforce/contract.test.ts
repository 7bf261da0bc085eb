// Contract tests: every operation of the digest's openapi.yaml is called over real HTTP (with
// its error answers too); each response must carry a declared status and satisfy its schema,
// and, where the digest recorded an example, carry every key of it with the same JSON types.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SalesforceContract, shapeDifferences } from './contract-support.ts';
import { jwtAssertion, startSalesforce, tokenRequest, waitFor, type Harness, type SfResponse } from './support.ts';

let h: Harness;
const contract = new SalesforceContract();
const q = (soql: string) => `/query?q=${encodeURIComponent(soql)}`;

async function check(
  operationId: string,
  response: SfResponse | Response,
  status: number,
  example?: string,
  pick?: (body: any) => unknown,
) {
  const text = await response.text();
  const body = text === '' ? undefined : JSON.parse(text);
  expect(response.status, `${operationId}: ${text.slice(0, 300)}`).toBe(status);
  expect(contract.violations(operationId, status, body), operationId).toEqual([]);
  if (example) {
    const recorded = contract.examples.get(example);
    if (!recorded) throw new Error(`no example ${example}`);
    const sample = (recorded.example ?? (recorded as any).responses?.[String(status)]) as unknown;
    expect(shapeDifferences(sample, pick ? pick(body) : body), `${operationId} vs ${example}`).toEqual([]);
  }
  return body;
}

beforeAll(async () => {
  h = await startSalesforce({ seed: 450 });
  await h.harness('POST', '/setup/deploy', {});
});
afterAll(async () => h?.close());

describe('Salesforce REST contract', () => {
  it('versions, describe, records and upsert', async () => {
    await check('listVersions', await fetch(`${h.url}/services/data/`), 200, 'versions-200');
    await check('getSObjectBasicInfo', await h.api('GET', '/sobjects/Contact'), 200);
    await check('getSObjectBasicInfo', await h.api('GET', '/sobjects/Nope__c'), 404);
    await check(
      'describeSObject',
      await h.api('GET', '/sobjects/Contact/describe'),
      200,
      'describe-contact-excerpt-200',
    );
    const unchanged = await h.api('GET', '/sobjects/Contact/describe', undefined, {
      'If-Modified-Since': 'Tue, 01 Jun 2027 00:00:00 GMT',
    });
    await check('describeSObject', unchanged, 304);
    await check('describeSObject', await fetch(`${h.url}/services/data/v62.0/sobjects/Contact/describe`), 401);
    const account = await (
      await h.api('GET', q("SELECT Id FROM Account WHERE Name = 'Hint Patients (Default)'"))
    ).json();
    const accountId = account.records[0].Id;
    const created = await check(
      'createRecord',
      await h.api('POST', '/sobjects/Contact', {
        LastName: 'Rivera',
        FirstName: 'Ana',
        Birthdate: '1984-02-29',
        Email: 'ana.rivera@example.com',
        AccountId: accountId,
        Hint_Patient_Id__c: 'pat-ab12C345DeF6',
        Synced_to_Hint__c: true,
      }),
      201,
    );
    await check('createRecord', await h.api('POST', '/sobjects/Contact', { FirstName: 'Ana' }), 400);
    await h.harness('POST', '/limits', { used: 15000 });
    await check('createRecord', await h.api('POST', '/sobjects/Contact', { LastName: 'Over' }), 403);
    await h.harness('POST', '/limits', { used: 0 });
    const record = await check(
      'getRecord',
      await h.api('GET', `/sobjects/Contact/${created.id}`),
      200,
      'contact-record-real-2025',
    );
    expect(record.attributes.url).toBe(`/services/data/v62.0/sobjects/Contact/${created.id}`);
    await check(
      'getRecord',
      await h.api('GET', `/sobjects/Contact/${created.id}?fields=Id,FirstName,LastName,Birthdate,Hint_Patient_Id__c`),
      200,
    );
    await check('getRecord', await h.api('GET', `/sobjects/Contact/${created.id}?fields=Nope`), 400);
    await check('getRecord', await h.api('GET', '/sobjects/Contact/0035e00000Bq7XZAAZ'), 404);
    await check(
      'updateRecord',
      await h.api('PATCH', `/sobjects/Contact/${created.id}`, { HomePhone: '555-0101' }),
      204,
    );
    await check('updateRecord', await h.api('PATCH', `/sobjects/Contact/${created.id}`, { LastName: null }), 400);
    await check('updateRecord', await h.api('PATCH', '/sobjects/Contact/0035e00000Bq7XZAAZ', { HomePhone: '1' }), 404);
    await check(
      'getRecordByExternalId',
      await h.api('GET', '/sobjects/Contact/Hint_Patient_Id__c/pat-ab12C345DeF6'),
      200,
    );
    await check('getRecordByExternalId', await h.api('GET', '/sobjects/Contact/Hint_Patient_Id__c/pat-none'), 404);
    await check(
      'upsertByExternalId',
      await h.api('PATCH', '/sobjects/Contact/Hint_Patient_Id__c/pat-new', {
        FirstName: 'Ana',
        LastName: 'Rivera',
        Birthdate: '1984-02-29',
      }),
      201,
      'upsert-by-external-id',
    );
    await check(
      'upsertByExternalId',
      await h.api('PATCH', '/sobjects/Contact/Hint_Patient_Id__c/pat-new', { HomePhone: '2' }),
      200,
      'upsert-by-external-id',
    );
    await check(
      'upsertByExternalId',
      await h.api('PATCH', '/sobjects/Contact/Hint_Patient_Id__c/pat-x', { Email: 'no' }),
      400,
    );
    // Last_Batch_Sync_Id__c is an external id but not unique: two matches answer 300
    await h.api('PATCH', `/sobjects/Contact/${created.id}`, { Last_Batch_Sync_Id__c: 'B-1' });
    const other = await (
      await h.api('POST', '/sobjects/Contact', { LastName: 'Other', Last_Batch_Sync_Id__c: 'B-1' })
    ).json();
    await check(
      'upsertByExternalId',
      await h.api('PATCH', '/sobjects/Contact/Last_Batch_Sync_Id__c/B-1', { HomePhone: '3' }),
      300,
      'upsert-by-external-id',
    );
    await check('getRecordByExternalId', await h.api('GET', '/sobjects/Contact/Last_Batch_Sync_Id__c/B-1'), 300);
    await check('deleteRecord', await h.api('DELETE', `/sobjects/Contact/${other.id}`), 204);
    await check('deleteRecord', await h.api('DELETE', `/sobjects/Contact/${other.id}`), 404);
    await check('getRecord', await h.api('GET', `/sobjects/Contact/${other.id}`), 404);
  });

  it('query, paging, queryAll, search and limits', async () => {
    const page1 = await check(
      'query',
      await h.api(
        'GET',
        q(
          'SELECT Id, FirstName, LastName, Birthdate, Email, Hint_Patient_Id__c, Synced_to_Hint__c, SystemModstamp FROM Contact ORDER BY SystemModstamp, Id',
        ),
        undefined,
        { 'Sforce-Query-Options': 'batchSize=200' },
      ),
      200,
      'query-contacts-page1-200',
    );
    expect(page1.records).toHaveLength(200);
    const page2 = await check(
      'queryMore',
      await fetch(`${h.url}${page1.nextRecordsUrl}`, { headers: { authorization: `Bearer ${h.token}` } }),
      200,
    );
    const page3 = await check(
      'queryMore',
      await fetch(`${h.url}${page2.nextRecordsUrl}`, { headers: { authorization: `Bearer ${h.token}` } }),
      200,
      'query-contacts-page3-200',
    );
    expect(page3.done).toBe(true);
    expect('nextRecordsUrl' in page3).toBe(false);
    await check('queryMore', await h.api('GET', '/query/0r8xx3X4Qm7YhdXAAQ-200'), 400);
    await check(
      'query',
      await h.api(
        'GET',
        q("SELECT Id, LastName, Account.Name FROM Contact WHERE Account.Name = 'Hint Patients (Default)' LIMIT 1"),
      ),
      200,
      'query-count-and-relationship-200',
    );
    const count = await check(
      'query',
      await h.api('GET', q('SELECT COUNT() FROM Contact WHERE Synced_to_Hint__c = true')),
      200,
    );
    expect(count).toEqual({ totalSize: 1, done: true, records: [] });
    await check('query', await h.api('GET', q("SELECT Id FROM Contact WHERE LastName = O'Brien")), 400);
    await check(
      'queryAll',
      await h.api(
        'GET',
        `/queryAll?q=${encodeURIComponent('SELECT Id, IsDeleted FROM Contact WHERE IsDeleted = true')}`,
      ),
      200,
    );
    await check('queryAll', await h.api('GET', '/queryAll?q=SELECT'), 400);
    await check(
      'search',
      await h.api(
        'GET',
        `/search?q=${encodeURIComponent('FIND {Riv*} IN NAME FIELDS RETURNING Contact(Id,FirstName,LastName,Birthdate,Email LIMIT 20)')}`,
      ),
      200,
      'search-sosl-contacts-200',
    );
    await check('search', await h.api('GET', `/search?q=${encodeURIComponent('FIND {a} RETURNING Contact')}`), 400);
    await check(
      'parameterizedSearch',
      await h.api(
        'GET',
        '/parameterizedSearch?q=Riv*&sobject=Contact&Contact.fields=Id,FirstName,LastName,Birthdate,Email&Contact.limit=20',
      ),
      200,
      'search-sosl-contacts-200',
    );
    await check('parameterizedSearch', await h.api('GET', '/parameterizedSearch?sobject=Contact'), 400);
    await check('getLimits', await h.api('GET', '/limits'), 200, 'limits-excerpt-200');
    await check(
      'getLimits',
      await fetch(`${h.url}/services/data/v62.0/limits`, { headers: { authorization: 'Bearer nope' } }),
      401,
    );
  });

  it('collections and composite', async () => {
    const records = [
      {
        attributes: { type: 'Contact' },
        FirstName: 'Cai',
        LastName: 'Chen',
        Hint_Patient_Id__c: 'pat-ef56G789HiJ0',
        Synced_to_Hint__c: true,
      },
      { attributes: { type: 'Contact' }, FirstName: 'Ben', LastName: 'Okafor', Email: 'ben@@example' },
      { attributes: { type: 'Contact' }, FirstName: 'Cai' },
      { attributes: { type: 'Contact' }, FirstName: 'Dee', LastName: 'Jones', Hint_Patient_Id__c: 'pat-ef56G789HiJ0' },
      { attributes: { type: 'Hint_Log__c' }, Level__c: 'Debug', Message__c: 'Batch B-20260302-01 chunk 1 started' },
    ];
    const mixed = await check(
      'collectionsCreate',
      await h.api('POST', '/composite/sobjects', { allOrNone: false, records }),
      200,
      'collections-create-mixed-200',
    );
    expect(mixed.map((r: any) => r.errors[0]?.statusCode ?? 'OK')).toEqual([
      'OK',
      'INVALID_EMAIL_ADDRESS',
      'REQUIRED_FIELD_MISSING',
      'DUPLICATE_VALUE',
      'OK',
    ]);
    await check('collectionsCreate', await h.api('POST', '/composite/sobjects', { records: 'no' }), 400);
    const [a, , , , log] = mixed;
    const b = (await (await h.api('POST', '/sobjects/Contact', { LastName: 'Okafor', FirstName: 'Ben' })).json()).id;
    const rolled = await check(
      'collectionsUpdate',
      await h.api('PATCH', '/composite/sobjects', {
        allOrNone: true,
        records: [
          { attributes: { type: 'Contact' }, id: a.id, Last_Batch_Sync_Id__c: 'B-20260302-01', HomePhone: '555-0101' },
          { attributes: { type: 'Contact' }, id: b, Last_Batch_Sync_Id__c: 'B-20260302-01', LastName: 'O'.repeat(81) },
        ],
      }),
      200,
      'collections-update-allornone-rolledback-200',
    );
    expect(rolled.map((r: any) => r.errors[0].statusCode)).toEqual([
      'ALL_OR_NONE_OPERATION_ROLLED_BACK',
      'STRING_TOO_LONG',
    ]);
    const unchanged = await (await h.api('GET', `/sobjects/Contact/${a.id}?fields=HomePhone`)).json();
    expect(unchanged.HomePhone).toBeNull();
    await check('collectionsUpdate', await h.api('PATCH', '/composite/sobjects', {}), 400);
    const retrieved = await check(
      'collectionsRetrieveByBody',
      await h.api('POST', '/composite/sobjects/Contact', {
        ids: [a.id, b.slice(0, 15), '0035e00000Bq7XZAAZ'],
        fields: ['Id', 'FirstName', 'LastName', 'Birthdate', 'Hint_Patient_Id__c', 'Synced_to_Hint__c'],
      }),
      200,
      'collections-retrieve-post-200',
    );
    expect(retrieved[1].Id).toBe(b);
    expect(retrieved[2]).toBeNull();
    await check(
      'collectionsRetrieveByBody',
      await h.api('POST', '/composite/sobjects/Contact', { ids: [a.id], fields: ['Nope'] }),
      400,
    );
    await check(
      'collectionsRetrieve',
      await h.api('GET', `/composite/sobjects/Contact?ids=${a.id},${b}&fields=Id,LastName`),
      200,
    );
    await check('collectionsRetrieve', await h.api('GET', `/composite/sobjects/Contact?ids=${a.id}&fields=Nope`), 400);
    const upserted = await check(
      'collectionsUpsert',
      await h.api('PATCH', '/composite/sobjects/Contact/Hint_Patient_Id__c', {
        allOrNone: false,
        records: [
          { attributes: { type: 'Contact' }, Hint_Patient_Id__c: 'pat-ef56G789HiJ0', HomePhone: '1' },
          { attributes: { type: 'Contact' }, Hint_Patient_Id__c: 'pat-zz', LastName: 'Zed' },
        ],
      }),
      200,
    );
    expect(upserted.map((r: any) => r.created)).toEqual([false, true]);
    await check(
      'collectionsUpsert',
      await h.api('PATCH', '/composite/sobjects/Contact/Hint_Patient_Id__c', {
        records: Array.from({ length: 201 }, () => ({ attributes: { type: 'Contact' }, LastName: 'x' })),
      }),
      400,
    );
    await check(
      'collectionsDelete',
      await h.api('DELETE', `/composite/sobjects?ids=${log.id},0035e00000Bq7XZAAZ&allOrNone=false`),
      200,
    );
    await check('collectionsDelete', await h.api('DELETE', '/composite/sobjects'), 400);

    const composite = await check(
      'composite',
      await h.api('POST', '/composite', {
        allOrNone: true,
        compositeRequest: [
          {
            method: 'PATCH',
            url: `/services/data/v62.0/sobjects/Contact/${b}`,
            referenceId: 'linkContact',
            body: { Hint_Patient_Id__c: 'pat-cd34E567FgH8', Synced_to_Hint__c: true },
          },
          {
            method: 'POST',
            url: '/services/data/v62.0/sobjects/Hint_Log__c',
            referenceId: 'log',
            body: { Level__c: 'Debug', Message__c: 'Linked contact to pat-cd34E567FgH8', Contact__c: b },
          },
        ],
      }),
      200,
      'composite-link-and-log-200',
    );
    expect(composite.compositeResponse.map((r: any) => r.httpStatusCode)).toEqual([204, 201]);
    const failed = await check(
      'composite',
      await h.api('POST', '/composite', {
        allOrNone: true,
        compositeRequest: [
          {
            method: 'PATCH',
            url: `/services/data/v62.0/sobjects/Contact/${a.id}`,
            referenceId: 'linkContact',
            body: { Hint_Patient_Id__c: 'pat-cd34E567FgH8' },
          },
          {
            method: 'POST',
            url: '/services/data/v62.0/sobjects/Hint_Log__c',
            referenceId: 'log',
            body: { Level__c: 'Debug', Message__c: 'never' },
          },
        ],
      }),
      200,
    );
    expect(
      shapeDifferences((contract.examples.get('composite-link-and-log-200') as any).failureExample, failed),
    ).toEqual([]);
    expect(failed.compositeResponse.map((r: any) => r.body[0].errorCode)).toEqual([
      'DUPLICATE_VALUE',
      'PROCESSING_HALTED',
    ]);
    await check('composite', await h.api('POST', '/composite', { compositeRequest: 'x' }), 400);
  });

  it('getUpdated and getDeleted windows', async () => {
    await h.harness('POST', '/clock', { advanceMs: 3_600_000 });
    const fresh = await tokenRequest(h.url, {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: jwtAssertion(h.creds, { exp: Math.floor(Date.parse('2026-06-01T13:05:00Z') / 1000) }),
    });
    const token = (await fresh.json()).access_token;
    const call = (path: string) =>
      fetch(`${h.url}/services/data/v62.0${path}`, { headers: { authorization: `Bearer ${token}` } });
    const window = `start=${encodeURIComponent('2026-06-01T11:00:00+00:00')}&end=${encodeURIComponent('2026-06-01T13:00:00+00:00')}`;
    const updated = await check(
      'getUpdated',
      await call(`/sobjects/Contact/updated/?${window}`),
      200,
      'updated-contacts-200',
    );
    expect(updated.ids.length).toBeGreaterThan(3);
    expect(updated.latestDateCovered).toBe('2026-06-01T13:00:00.000+0000');
    await check(
      'getUpdated',
      await call(
        `/sobjects/Contact/updated/?start=${encodeURIComponent('2026-04-01T00:00:00+00:00')}&end=${encodeURIComponent('2026-06-01T13:00:00+00:00')}`,
      ),
      400,
    );
    const deleted = await check(
      'getDeleted',
      await call(`/sobjects/Contact/deleted/?${window}`),
      200,
      'deleted-contacts-200',
    );
    expect(deleted.deletedRecords.length).toBeGreaterThanOrEqual(1);
    await check('getDeleted', await call('/sobjects/Contact/deleted/?start=bad&end=bad'), 400);
  });

  it('token and revoke', async () => {
    const jwt = await check(
      'token',
      await tokenRequest(h.url, {
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: jwtAssertion(h.creds, { exp: Math.floor(Date.parse('2026-06-01T13:05:00Z') / 1000) }),
      }),
      200,
      'token-jwt-bearer-response-200',
    );
    await check(
      'token',
      await tokenRequest(h.url, {
        grant_type: 'refresh_token',
        refresh_token: 'nope',
        client_id: h.creds.clientId,
        client_secret: h.creds.clientSecret,
      }),
      400,
      'token-error-invalid-grant-400',
    );
    await check(
      'revoke',
      await fetch(`${h.url}/services/oauth2/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `token=${jwt.access_token}`,
      }),
      200,
    );
    await check(
      'revoke',
      await fetch(`${h.url}/services/oauth2/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'token=unknown',
      }),
      400,
    );
  });

  it('change events match the CometD examples', async () => {
    await h.harness('POST', '/clock', { frozen: false });
    const examples = { CREATE: 'cdc-contact-create-cometd', UPDATE: 'cdc-contact-update-cometd' } as const;
    const events = async () =>
      (await (await h.harness('GET', '/events?channel=/data/ContactChangeEvent')).json()) as any[];
    const before = (await events()).length;
    const fresh = await tokenRequest(h.url, {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: jwtAssertion(h.creds, { exp: Math.floor(Date.now() / 1000) + 86_400 * 400 }),
    });
    const token = (await fresh.json()).access_token;
    const send = (method: string, path: string, body: unknown) =>
      fetch(`${h.url}/services/data/v62.0${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'Sforce-Call-Options': 'client=HintSync',
        },
        body: JSON.stringify(body),
      });
    const accounts: any = await (
      await fetch(`${h.url}/services/data/v62.0${q('SELECT Id FROM Account LIMIT 1')}`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json();
    const made: any = await (
      await send('POST', '/sobjects/Contact', {
        FirstName: 'Cai',
        LastName: 'Chen2',
        AccountId: accounts.records[0].Id,
        Hint_Patient_Id__c: 'pat-cdc',
        Synced_to_Hint__c: true,
      })
    ).json();
    await send('PATCH', `/sobjects/Contact/${made.id}`, { HomePhone: '555-0101' });
    const list = await waitFor(
      async () => ((await events()).length >= before + 2 ? events() : undefined),
      'two events',
    );
    const [created, updated] = list!.slice(before);
    const asCometd = (e: any) => ({
      data: { schema: 'x', payload: e.payload, event: { replayId: e.replayId } },
      channel: e.channel,
    });
    expect(shapeDifferences((contract.examples.get(examples.CREATE) as any).example, asCometd(created))).toEqual([]);
    expect(shapeDifferences((contract.examples.get(examples.UPDATE) as any).example, asCometd(updated))).toEqual([]);
    expect(updated.payload.ChangeEventHeader).toMatchObject({
      changeType: 'UPDATE',
      changeOrigin: 'com/salesforce/api/rest/62.0;client=HintSync',
      changedFields: ['HomePhone', 'LastModifiedDate'],
    });
  });

  it('covered every operation of the spec', () => {
    expect(contract.operationIds().filter((id) => !contract.checked.has(id))).toEqual([]);
  });
});
