// The SOQL subset of digest §5 over HTTP: field lists with a parent relationship, WHERE with
// = != < > LIKE IN, AND/OR/parentheses, date and dateTime literals incl. LAST_N_DAYS:n, ORDER BY
// with NULLS, LIMIT, OFFSET, COUNT(), queryAll, and Salesforce's errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesforce, type Harness } from './support.ts';

let h: Harness;
const query = async (soql: string, all = false) => {
  const response = await h.api('GET', `/${all ? 'queryAll' : 'query'}?q=${encodeURIComponent(soql)}`);
  return { status: response.status, body: await response.json() };
};
const names = async (where: string) =>
  (await query(`SELECT LastName FROM Contact WHERE FirstName = 'Q' AND (${where}) ORDER BY LastName`)).body.records.map(
    (r: any) => r.LastName,
  );

beforeAll(async () => {
  // clock frozen at 2026-06-01T12:00:00Z; sessions outlive the ten days the clock moves below
  h = await startSalesforce({
    config: { sessionIdleTimeoutMs: 30 * 86_400_000, sessionAbsoluteTimeoutMs: 30 * 86_400_000 },
  });
  const account = (await (await h.api('POST', '/sobjects/Account', { Name: 'Acme' })).json()).id;
  const people = [
    { LastName: 'Adams', Birthdate: '1980-06-01', Email: 'adams@example.com', AccountId: account },
    { LastName: "O'Brien", Birthdate: '1990-12-24', Email: null },
    { LastName: 'Baker', Birthdate: null, Email: 'baker@example.org', AccountId: account },
    { LastName: 'baker_2', Birthdate: '2001-01-15', Email: 'b2@example.org' },
  ];
  for (const p of people) await h.api('POST', '/sobjects/Contact', { FirstName: 'Q', ...p });
  await h.harness('POST', '/clock', { advanceMs: 10 * 86_400_000 });
  await h.api('POST', '/sobjects/Contact', { FirstName: 'Q', LastName: 'Zed', Birthdate: '1975-03-03' });
});
afterAll(async () => h?.close());

describe('SOQL', () => {
  it('filters with comparison, LIKE (escapes, case), IN / NOT IN, null and parentheses', async () => {
    expect(await names("LastName = 'o\\'brien'")).toEqual(["O'Brien"]);
    expect(await names("LastName LIKE 'BAK%'")).toEqual(['Baker', 'baker_2']);
    expect(await names("LastName LIKE 'baker\\_%'")).toEqual(['baker_2']);
    expect(await names("LastName IN ('Adams', 'Zed')")).toEqual(['Adams', 'Zed']);
    expect(await names("LastName NOT IN ('Adams', 'Zed')")).toEqual(['Baker', 'baker_2', "O'Brien"]);
    expect(await names('Email = null')).toEqual(["O'Brien", 'Zed']);
    expect(await names("(Email != null AND Birthdate > 1985-01-01) OR LastName = 'Zed'")).toEqual(['baker_2', 'Zed']);
    expect(await names('NOT Birthdate < 1990-01-01')).toEqual(['Baker', 'baker_2', "O'Brien"]);
  });

  it('takes date and dateTime literals, relative ones included, each only for its type', async () => {
    expect(await names('Birthdate = 1980-06-01')).toEqual(['Adams']);
    expect(await names('CreatedDate < 2026-06-05T00:00:00Z')).toEqual(['Adams', 'Baker', 'baker_2', "O'Brien"]);
    expect(await names('CreatedDate = LAST_N_DAYS:3')).toEqual(['Zed']);
    expect(await names('CreatedDate = TODAY')).toEqual(['Zed']);
    expect(await names('CreatedDate < LAST_N_DAYS:3')).toEqual(['Adams', 'Baker', 'baker_2', "O'Brien"]);
    const wrong = await query("SELECT Id FROM Contact WHERE Birthdate = '1980-06-01'");
    expect(wrong.status).toBe(400);
    expect(wrong.body[0].errorCode).toBe('INVALID_FIELD');
    expect(wrong.body[0].message).toContain('must be of type date and should not be enclosed in quotes');
    expect((await query('SELECT Id FROM Contact WHERE CreatedDate > 2026-01-01')).status).toBe(400);
  });

  it('orders (NULLS FIRST/LAST), limits, offsets, counts, and nests the parent', async () => {
    const ordered = await query(
      "SELECT LastName, Birthdate FROM Contact WHERE FirstName = 'Q' ORDER BY Birthdate DESC NULLS FIRST LIMIT 3 OFFSET 1",
    );
    expect(ordered.body.records.map((r: any) => r.LastName)).toEqual(['baker_2', "O'Brien", 'Adams']);
    expect(ordered.body.totalSize).toBe(3);
    const count = await query("SELECT COUNT() FROM Contact WHERE Account.Name = 'Acme'");
    expect(count.body).toEqual({ totalSize: 2, done: true, records: [] });
    const nested = await query(
      "SELECT Id, Account.Name FROM Contact WHERE LastName IN ('Adams', 'Zed') ORDER BY LastName",
    );
    expect(nested.body.records[0].Account).toMatchObject({ attributes: { type: 'Account' }, Name: 'Acme' });
    expect(nested.body.records[1].Account).toBeNull();
    expect((await query('SELECT Id FROM Contact OFFSET 2001')).body[0].errorCode).toBe('NUMBER_OUTSIDE_VALID_RANGE');
  });

  it('includes deleted rows only in queryAll', async () => {
    const zed = (await query("SELECT Id FROM Contact WHERE LastName = 'Zed'")).body.records[0].Id;
    await h.api('DELETE', `/sobjects/Contact/${zed}`);
    expect((await query("SELECT Id FROM Contact WHERE LastName = 'Zed'")).body.totalSize).toBe(0);
    const all = await query("SELECT Id, IsDeleted FROM Contact WHERE LastName = 'Zed'", true);
    expect(all.body.records).toEqual([expect.objectContaining({ Id: zed, IsDeleted: true })]);
  });

  it('answers MALFORMED_QUERY, INVALID_FIELD and INVALID_TYPE the Salesforce way', async () => {
    const mixed = await query("SELECT Id FROM Contact WHERE LastName = 'a' AND FirstName = 'b' OR Email = null");
    expect(mixed.body[0].errorCode).toBe('MALFORMED_QUERY');
    expect(mixed.body[0].message).toMatch(/ERROR at Row:1:Column:\d+\nunexpected token: OR/);
    expect((await query('SELECT Id, Nope FROM Contact')).body[0].errorCode).toBe('INVALID_FIELD');
    expect((await query('SELECT Id, Owner.Name FROM Contact')).body[0].errorCode).toBe('INVALID_FIELD');
    expect((await query('SELECT Id FROM Hint_Log__c')).body[0].errorCode).toBe('INVALID_TYPE');
    expect((await query('SELECT Id FROM Contact GROUP BY LastName')).body[0].errorCode).toBe('MALFORMED_QUERY');
    expect((await query("SELECT Id FROM Contact WHERE LastName = 'bad \\q escape'")).body[0].errorCode).toBe(
      'MALFORMED_QUERY',
    );
  });
});
