// sObject CRUD, upsert, describe and the org-setup knob, field-level security, errors with the
// codes of digest §10, ids, the daily allowance and faults — all over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksum, to18 } from '../../../src/emulators/salesforce/ids.ts';
import { jwtAssertion, startSalesforce, tokenRequest, type Harness } from './support.ts';

let h: Harness;
beforeAll(async () => {
  h = await startSalesforce({ seed: 20 });
});
afterAll(async () => h?.close());

describe('record ids', () => {
  it('computes the case-safe suffix of real ids and accepts 15-character forms', () => {
    expect(checksum('003AU00001J7b4G')).toBe('YAR');
    expect(to18('001D000000IqhSL')).toBe('001D000000IqhSLIAZ');
    expect(to18('0038M0000016Wv8')).toBe('0038M0000016Wv8QAE');
    expect(to18('0038M0000016Wv8qae')).toBe('0038M0000016Wv8QAE');
    expect(to18('0038M0000016Wv8AAA')).toBeUndefined();
    expect(to18('003-bad')).toBeUndefined();
  });
});

describe('org setup', () => {
  it('has no custom fields or log object until the harness deploys the package', async () => {
    const fresh = await (await h.api('GET', '/sobjects/Contact/describe')).json();
    expect(fresh.fields.some((f: any) => f.name === 'Hint_Patient_Id__c')).toBe(false);
    const log = await h.api('GET', '/sobjects/Hint_Log__c/describe');
    expect(log.status).toBe(404);
    expect((await h.api('POST', '/sobjects/Contact', { LastName: 'X', Hint_Patient_Id__c: 'p' })).status).toBe(400);
    expect((await h.harness('POST', '/setup/deploy', {})).status).toBe(200);
    const deployed = await (await h.api('GET', '/sobjects/Contact/describe')).json();
    const field = deployed.fields.find((f: any) => f.name === 'Hint_Patient_Id__c');
    expect(field).toMatchObject({ type: 'string', length: 50, externalId: true, unique: true, updateable: true });
    const global = await (await h.api('GET', '/sobjects')).json();
    expect(global.sobjects.map((s: any) => s.name)).toEqual(['Contact', 'Account', 'Hint_Log__c']);
    const logDescribe = await (await h.api('GET', '/sobjects/Hint_Log__c/describe')).json();
    expect(logDescribe.fields.find((f: any) => f.name === 'Level__c').picklistValues.map((p: any) => p.value)).toEqual([
      'Debug',
      'Error',
      'Exception',
    ]);
  });

  it('shows Hint-owned fields read-only to a standard user and refuses their writes', async () => {
    const staff = h.creds.users.find((u) => u.profile === 'Standard User')!;
    // a standard user signs in through the web-server flow in real life; the harness acts as one here
    const created = await h.harness('POST', '/ui/Contact', {
      as: staff.username,
      fields: { LastName: 'Reader', Hint_Insurance_Payer__c: 'Aetna' },
    });
    expect(created.status).toBe(400);
    expect((await created.json())[0]).toMatchObject({
      errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
      fields: ['Hint_Insurance_Payer__c'],
    });
    // the integration user may write them
    const byApi = await h.api('POST', '/sobjects/Contact', { LastName: 'Writer', Hint_Insurance_Payer__c: 'Aetna' });
    expect(byApi.status).toBe(201);
  });
});

describe('CRUD', () => {
  it('creates, reads (with ?fields=, 15-char id), updates (204), deletes (204) and reports the recycle bin', async () => {
    const created = await h.api('POST', '/sobjects/Contact', {
      FirstName: 'Ana',
      LastName: 'Rivera',
      Birthdate: '1984-02-29',
      Email: 'ana@example.com',
    });
    expect(created.status).toBe(201);
    const { id, success, errors } = await created.json();
    expect({ success, errors }).toEqual({ success: true, errors: [] });
    expect(id).toMatch(/^003[A-Za-z0-9]{15}$/);
    expect(to18(id.slice(0, 15))).toBe(id);
    expect(created.headers.get('location')).toBe(`/services/data/v62.0/sobjects/Contact/${id}`);
    const read = await (
      await h.api('GET', `/sobjects/Contact/${id.slice(0, 15)}?fields=FirstName,Birthdate,CreatedDate`)
    ).json();
    expect(read).toEqual({
      attributes: { type: 'Contact', url: `/services/data/v62.0/sobjects/Contact/${id}` },
      FirstName: 'Ana',
      Birthdate: '1984-02-29',
      CreatedDate: '2026-06-01T12:00:00.000+0000',
    });
    const full = await (await h.api('GET', `/sobjects/Contact/${id}`)).json();
    expect(full.Name).toBe('Ana Rivera');
    expect(full.MailingAddress).toBeNull();
    await h.harness('POST', '/clock', { advanceMs: 5000 });
    const patch = await h.api('PATCH', `/sobjects/Contact/${id}`, { HomePhone: '555-0101', email: null });
    expect(patch.status).toBe(204);
    expect(await patch.text()).toBe('');
    const after = await (await h.api('GET', `/sobjects/Contact/${id}`)).json();
    expect(after).toMatchObject({
      HomePhone: '555-0101',
      Email: null,
      LastModifiedDate: '2026-06-01T12:00:05.000+0000',
      SystemModstamp: '2026-06-01T12:00:05.000+0000',
    });
    expect((await h.api('DELETE', `/sobjects/Contact/${id}`)).status).toBe(204);
    const gone = await h.api('GET', `/sobjects/Contact/${id}`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual([{ message: 'entity is deleted', errorCode: 'ENTITY_IS_DELETED', fields: [] }]);
    const unknown = await h.api('GET', '/sobjects/Contact/003000000000000AAA');
    expect(await unknown.json()).toEqual([
      { message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' },
    ]);
    const malformed = await h.api('GET', '/sobjects/Contact/001000000000000AAA');
    expect((await malformed.json())[0].errorCode).toBe('MALFORMED_ID');
  });

  it('answers each validation failure with its Salesforce code, naming the field, and writes nothing', async () => {
    const cases: [Record<string, unknown>, string, string[] | undefined][] = [
      [{ FirstName: 'NoLast' }, 'REQUIRED_FIELD_MISSING', ['LastName']],
      [{ LastName: 'L'.repeat(81) }, 'STRING_TOO_LONG', ['LastName']],
      [{ LastName: 'Okafor', Email: 'ben@@example' }, 'INVALID_EMAIL_ADDRESS', ['Email']],
      [{ LastName: 'X', Bogus__c: 1 }, 'INVALID_FIELD', ['Bogus__c']],
      [{ LastName: 'X', Birthdate: '1984-02-30' }, 'JSON_PARSER_ERROR', undefined],
      [{ LastName: 'X', AccountId: '003000000000000AAA' }, 'MALFORMED_ID', ['AccountId']],
      [{ LastName: 'X', Name: 'Computed' }, 'INVALID_FIELD_FOR_INSERT_UPDATE', ['Name']],
    ];
    const before = (await (await h.api('GET', `/query?q=${encodeURIComponent('SELECT COUNT() FROM Contact')}`)).json())
      .totalSize;
    for (const [body, code, fields] of cases) {
      const response = await h.api('POST', '/sobjects/Contact', body);
      expect(response.status, code).toBe(400);
      const [error] = await response.json();
      expect(error.errorCode).toBe(code);
      if (fields) expect(error.fields).toEqual(fields);
    }
    const after = (await (await h.api('GET', `/query?q=${encodeURIComponent('SELECT COUNT() FROM Contact')}`)).json())
      .totalSize;
    expect(after).toBe(before);
    const notJson = await fetch(`${h.url}/services/data/v62.0/sobjects/Contact`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
      body: '{"LastName":',
    });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as any)[0].errorCode).toBe('JSON_PARSER_ERROR');
  });

  it('upserts by external id: 201 created, 200 updated, DUPLICATE_VALUE on a second contact with the same id', async () => {
    const first = await h.api('PATCH', '/sobjects/Contact/Hint_Patient_Id__c/pat-ab12C345DeF6', {
      FirstName: 'Ana',
      LastName: 'Rivera',
    });
    expect(first.status).toBe(201);
    const created = await first.json();
    expect(created).toMatchObject({ success: true, errors: [], created: true });
    const second = await h.api('PATCH', '/sobjects/Contact/Hint_Patient_Id__c/pat-ab12C345DeF6', { HomePhone: '555' });
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ id: created.id, success: true, errors: [], created: false });
    const caseDiffers = await h.api('PATCH', '/sobjects/Contact/Hint_Patient_Id__c/PAT-AB12C345DEF6?updateOnly=true', {
      HomePhone: '1',
    });
    expect(caseDiffers.status).toBe(404); // the field is case-sensitive and updateOnly forbids creating
    const clash = await h.api('POST', '/sobjects/Contact', {
      LastName: 'Jones',
      Hint_Patient_Id__c: 'pat-ab12C345DeF6',
    });
    expect((await clash.json())[0]).toEqual({
      message: `duplicate value found: Hint_Patient_Id__c duplicates value on record with id: ${created.id}`,
      errorCode: 'DUPLICATE_VALUE',
      fields: [],
    });
    const byKey = await (
      await h.api('GET', '/sobjects/Contact/Hint_Patient_Id__c/pat-ab12C345DeF6?fields=Id,HomePhone')
    ).json();
    expect(byKey.HomePhone).toBe('555');
  });
});

describe('rules, limits and faults', () => {
  it('applies a harness validation rule and the duplicate rule (blocking, then alert-only with the header)', async () => {
    await h.harness('POST', '/rules/validation', {
      name: 'Mobile10',
      object: 'Contact',
      errorCondition: "MobilePhone != null AND (NOT MobilePhone LIKE '__________')",
      message: 'Mobile phone must be 10 digits',
      field: 'MobilePhone',
    });
    const rejected = await h.api('POST', '/sobjects/Contact', { LastName: 'Val', MobilePhone: '123' });
    expect(await rejected.json()).toEqual([
      {
        message: 'Mobile phone must be 10 digits',
        errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        fields: ['MobilePhone'],
      },
    ]);
    expect((await h.api('POST', '/sobjects/Contact', { LastName: 'Val', MobilePhone: '5035550101' })).status).toBe(201);
    await h.harness('DELETE', '/rules/validation/Mobile10');

    await h.api('POST', '/sobjects/Contact', { FirstName: 'Dup', LastName: 'Licate', Email: 'dup@example.com' });
    await h.harness('PUT', '/rules/duplicate', { active: true, allowSave: false });
    const blocked = await h.api('POST', '/sobjects/Contact', {
      FirstName: 'dup',
      LastName: 'LICATE',
      Email: 'dup@example.com',
    });
    const [error] = await blocked.json();
    expect(error.errorCode).toBe('DUPLICATES_DETECTED');
    expect(error.duplicateResult.allowSave).toBe(false);
    expect(error.duplicateResult.matchResults[0].matchRecords).toHaveLength(1);
    await h.harness('PUT', '/rules/duplicate', { active: true, allowSave: true });
    expect(
      (await h.api('POST', '/sobjects/Contact', { FirstName: 'Dup', LastName: 'Licate', Email: 'dup@example.com' }))
        .status,
    ).toBe(400);
    const allowed = await h.api(
      'POST',
      '/sobjects/Contact',
      { FirstName: 'Dup', LastName: 'Licate', Email: 'dup@example.com' },
      { 'Sforce-Duplicate-Rule-Header': 'allowSave=true' },
    );
    expect(allowed.status).toBe(201);
    await h.harness('PUT', '/rules/duplicate', { active: false });
  });

  it('counts API requests in Sforce-Limit-Info and /limits, and answers REQUEST_LIMIT_EXCEEDED past the allowance', async () => {
    const first = await h.api('GET', '/limits');
    const [used, max] = first.headers.get('sforce-limit-info')!.replace('api-usage=', '').split('/').map(Number);
    expect(max).toBe(15000);
    const limits = await first.json();
    expect(limits.DailyApiRequests).toEqual({ Max: 15000, Remaining: 15000 - used! });
    expect((await fetch(`${h.url}/services/data/`)).headers.get('sforce-limit-info')).toBeNull();
    await h.harness('POST', '/limits', { used: 14999 });
    expect((await h.api('GET', '/limits')).status).toBe(200);
    const over = await h.api('GET', '/limits');
    expect(over.status).toBe(403);
    expect(over.headers.get('sforce-limit-info')).toBe('api-usage=15000/15000');
    expect(await over.json()).toEqual([
      { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
    ]);
    await h.harness('POST', '/clock', { advanceMs: 25 * 3_600_000 }); // rolling 24 h window
    const fresh = await tokenRequest(h.url, {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: jwtAssertion(h.creds, { exp: Math.floor((Date.parse('2026-06-02T13:00:00Z') + 300_000) / 1000) }),
    });
    const token = (await fresh.json()).access_token;
    const again = await fetch(`${h.url}/services/data/v62.0/limits`, { headers: { authorization: `Bearer ${token}` } });
    expect(again.status).toBe(200);
  });

  it('injects UNABLE_TO_LOCK_ROW on a path for a count of requests', async () => {
    await h.harness('POST', '/faults', { status: 400, count: 1, path: '/sobjects/Contact/', method: 'PATCH' });
    const fault = await h.harness('GET', '/faults');
    expect((await fault.json())[0].remaining).toBe(1);
    const session = (
      await (
        await tokenRequest(h.url, {
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          assertion: jwtAssertion(h.creds, { exp: Math.floor(Date.parse('2026-06-02T13:05:00Z') / 1000) }),
        })
      ).json()
    ).access_token;
    const created: any = await (
      await fetch(`${h.url}/services/data/v62.0/sobjects/Contact`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' },
        body: '{"LastName":"Lock"}',
      })
    ).json();
    const patch = (body: string) =>
      fetch(`${h.url}/services/data/v62.0/sobjects/Contact/${created.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' },
        body,
      });
    const locked = await patch('{"FirstName":"A"}');
    expect(locked.status).toBe(400);
    expect(((await locked.json()) as any)[0].errorCode).toBe('UNABLE_TO_LOCK_ROW');
    expect((await patch('{"FirstName":"A"}')).status).toBe(204);
  });
});
