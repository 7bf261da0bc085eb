// The harness: acting as a Salesforce user (events, audit fields), the report export with and
// without its trailing text block, change events switched off per object, undelete, a
// namespaced package, bad harness input, and --state persistence across a restart.
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesforce, type Harness } from './support.ts';

let h: Harness;
beforeAll(async () => {
  h = await startSalesforce({ seed: 10 });
});
afterAll(async () => h?.close());

const events = async () => (await (await h.harness('GET', '/events?channel=/data/ContactChangeEvent')).json()) as any[];

describe('acting as a Salesforce user', () => {
  it('creates, edits, deletes and undeletes contacts with change events and moving audit fields', async () => {
    const created = await h.harness('POST', '/ui/Contact', { fields: { FirstName: 'Uma', LastName: 'User' } });
    expect(created.status).toBe(201);
    const contact = await created.json();
    expect(contact.CreatedById).toBe(h.creds.users.find((u) => u.username === 'staff@clinic.example')!.id);
    await h.harness('POST', '/clock', { advanceMs: 60_000 });
    const edited = await (
      await h.harness('PATCH', `/ui/Contact/${contact.Id}`, { fields: { Email: 'uma@example.com' } })
    ).json();
    expect(edited.LastModifiedDate).toBe('2026-06-01T12:01:00.000+0000');
    expect(edited.SystemModstamp).toBe('2026-06-01T12:01:00.000+0000');
    expect((await h.harness('DELETE', `/ui/Contact/${contact.Id}`)).status).toBe(204);
    expect((await h.harness('POST', `/ui/Contact/${contact.Id}/undelete`, {})).status).toBe(200);
    const mine = (await events()).filter((e) => e.payload.ChangeEventHeader.recordIds[0] === contact.Id);
    expect(mine.map((e) => e.payload.ChangeEventHeader.changeType)).toEqual(['CREATE', 'UPDATE', 'DELETE', 'UNDELETE']);
    expect(mine.every((e) => e.payload.ChangeEventHeader.changeOrigin === '')).toBe(true);
    expect(mine[0].payload.Name).toEqual({ FirstName: 'Uma', LastName: 'User' });
    const bad = await h.harness('PATCH', `/ui/Contact/${contact.Id}`, { fields: { Email: 'nope' } });
    expect((await bad.json())[0].errorCode).toBe('INVALID_EMAIL_ADDRESS');
  });

  it('stops recording events for an object whose change data capture is off', async () => {
    await h.harness('PATCH', '/config', { cdc: { Contact: false, Account: true } });
    const before = (await events()).length;
    await h.harness('POST', '/ui/Contact', { fields: { LastName: 'Quiet' } });
    expect((await events()).length).toBe(before);
    const endpoint = `${h.url}/cometd/62.0`;
    const post = async (body: unknown) =>
      (
        await fetch(endpoint, {
          method: 'POST',
          headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).json() as Promise<any[]>;
    const [hand] = await post([
      { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] },
    ]);
    const [sub] = await post([
      { channel: '/meta/subscribe', clientId: hand.clientId, subscription: '/data/ContactChangeEvent' },
    ]);
    expect(sub.successful).toBe(false);
    expect(sub.error).toContain('does not exist');
    await h.harness('PATCH', '/config', { cdc: { Contact: true, Account: true } });
  });
});

describe('report export', () => {
  it('exports contact ids as CSV with 15-character ids and the trailing text block, or without it', async () => {
    const withFooter = await (
      await fetch(`${h.url}/_emulator/report?where=${encodeURIComponent('LastName != null')}&limit=3`)
    ).text();
    const lines = withFooter.trimEnd().split('\n');
    expect(lines[0]).toBe('"Contact ID","First Name","Last Name","Birthdate","Email","Account Name"');
    expect(lines[1]).toMatch(/^"003[A-Za-z0-9]{12}",/);
    expect(lines[4]).toBe('');
    expect(lines.slice(5, 8)).toEqual([
      '""',
      '"Contacts & Accounts"',
      '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."',
    ]);
    const bare = await (await fetch(`${h.url}/_emulator/report?limit=3&footer=false&idLength=18`)).text();
    expect(bare.trimEnd().split('\n')).toHaveLength(4);
    expect(bare.split('\n')[1]).toMatch(/^"003[A-Za-z0-9]{15}",/);
  });
});

describe('setup and input', () => {
  it('deploys the package under a namespace', async () => {
    const setup = await (await h.harness('POST', '/setup/deploy', { namespace: 'hint' })).json();
    expect(setup.objects).toContain('hint__Hint_Log__c');
    expect(setup.buttons).toEqual(['hint__Sync_to_Hint', 'hint__Open_in_Tandem']);
    const created = await h.api('POST', '/sobjects/Contact', { LastName: 'Ns', hint__Hint_Patient_Id__c: 'pat-ns' });
    expect(created.status).toBe(201);
    expect(
      (await h.api('POST', '/sobjects/hint__Hint_Log__c', { hint__Level__c: 'Error', hint__Message__c: 'x' })).status,
    ).toBe(201);
    await h.harness('POST', '/setup/undeploy');
  });

  it('refuses bad harness input with a 400 naming the field, changing nothing', async () => {
    const bad = await h.harness('PUT', '/rules/duplicate', { active: 'yes' });
    expect(bad.status).toBe(400);
    expect((await bad.json())[0]).toMatchObject({ errorCode: 'INVALID_INPUT', fields: ['active'] });
    const rule = await h.harness('POST', '/rules/validation', {
      name: 'R',
      object: 'Contact',
      errorCondition: 'LastName = ',
      message: 'm',
    });
    expect(rule.status).toBe(400);
    expect((await (await h.harness('GET', '/rules')).json()).validation).toEqual([]);
    expect((await h.harness('POST', '/faults', { status: 200 })).status).toBe(400);
  });
});

describe('--state', () => {
  it('keeps records, the connected app and its key across a restart', async () => {
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'sf-state-')), 'org.json');
    const first = await startSalesforce({ seed: 3, stateFile: file });
    const id = (await (await first.api('POST', '/sobjects/Contact', { LastName: 'Kept' })).json()).id;
    await first.close();
    const second = await startSalesforce({ stateFile: file });
    try {
      expect(second.creds.clientId).toBe(first.creds.clientId);
      expect(second.creds.jwt.certificatePem).toBe(first.creds.jwt.certificatePem);
      const read = await (await second.api('GET', `/sobjects/Contact/${id}?fields=LastName`)).json();
      expect(read.LastName).toBe('Kept');
    } finally {
      await second.close();
    }
  });
});
