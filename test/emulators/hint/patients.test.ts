import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHint, type Harness, request } from './support.ts';

describe('Hint emulator: patients', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHint({ seed: 12 });
  });
  afterAll(async () => {
    await h.close();
  });

  it('creates a patient (200) in the GET shape, with nested objects and legacy fields echoed', async () => {
    const res = await h.call('POST', '/api/provider/patients', h.token, {
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: 'ada@example.com',
      dob: '1985-12-10',
      sex: 'female',
      phones: [{ number: '4155550101', type: 'mobile' }],
      import_id: 'legacy-1',
      import_source: 'csv',
      external_link_id: 'x-1',
      ssn: { number: '123-45-6789' },
    });
    expect(res.status).toBe(200);
    const p = await res.json();
    expect(p.id).toMatch(/^pat-[0-9A-Za-z]{12}$/);
    expect(p).toMatchObject({
      name: 'Ada Lovelace',
      membership_status: 'inactive',
      import_id: 'legacy-1',
      import_source: 'csv',
      external_link_id: 'x-1',
      provider_web_link: `https://app.hint.com/patients/${p.id}`,
      account: { name: 'Ada Lovelace', past_due_in_cents: 0 },
      ssn: { masked_number: '***-**-6789' },
      integration_sync_status: 'enabled',
      integration_record_id: null,
    });
    expect(p.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d$/);
    expect(p.phones[0]).toEqual({ number: '4155550101', type: 'mobile', us_formattable: true });
    // legacy fields are never used for lookup
    expect((await h.call('GET', '/api/provider/patients/legacy-1')).status).toBe(404);
  });

  it('rejects invalid input with 422 naming the field, and changes nothing', async () => {
    const before = Number((await h.call('GET', '/api/provider/patients?filter=all')).headers.get('x-total-count'));
    const cases: [unknown, RegExp][] = [
      [{ last_name: 'Only' }, /First name can't be blank/],
      [{ first_name: 'A', last_name: 'B', dob: '1985-13-45' }, /Dob/],
      [{ first_name: 'A', last_name: 'B', sex: 'robot' }, /Sex/],
      [{ first_name: 'A', last_name: 'B', practitioner: { id: 'pct-nope' } }, /practitioner/],
      [{ first_name: 'A', last_name: 'B', phones: [{ number: '1' }] }, /Phones/],
      [[1, 2], /Validation failed/],
    ];
    for (const [body, message] of cases) {
      const res = await h.call('POST', '/api/provider/patients', h.token, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      const err = await res.json();
      expect(Object.keys(err).sort()).toEqual(['message', 'status']);
      expect(err.message).toMatch(message);
    }
    const malformed = await request(`${h.url}/api/provider/patients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
      body: '{"first_name":',
    });
    expect(malformed.status).toBe(400);
    const after = Number((await h.call('GET', '/api/provider/patients?filter=all')).headers.get('x-total-count'));
    expect(after).toBe(before);
  });

  it('updates partially (PATCH and PUT) with the names the update schema requires, and a bad update changes nothing', async () => {
    const created = await (
      await h.call('POST', '/api/provider/patients', h.token, { first_name: 'Grace', last_name: 'Hopper' })
    ).json();
    const names = { first_name: 'Grace', last_name: 'Hopper' };
    const patched = await (
      await h.call('PATCH', `/api/provider/patients/${created.id}`, h.token, { ...names, email: 'grace@example.com' })
    ).json();
    expect(patched).toMatchObject({ first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com' });
    const put = await h.call('PUT', `/api/provider/patients/${created.id}`, h.token, {
      ...names,
      middle_name: 'Brewster',
    });
    expect((await put.json()).name).toBe('Grace Brewster Hopper');
    const bad = await h.call('PATCH', `/api/provider/patients/${created.id}`, h.token, {
      email: 'not-an-email',
      first_name: 'Changed',
      last_name: 'Hopper',
    });
    expect(bad.status).toBe(422);
    const now = await (await h.call('GET', `/api/provider/patients/${created.id}`)).json();
    expect(now.first_name).toBe('Grace');
  });

  it('deletes with 204, then 404', async () => {
    const created = await (
      await h.call('POST', '/api/provider/patients', h.token, { first_name: 'Tmp', last_name: 'Person' })
    ).json();
    const res = await h.call('DELETE', `/api/provider/patients/${created.id}`);
    expect(res.status).toBe(204);
    expect((await h.call('GET', `/api/provider/patients/${created.id}`)).status).toBe(404);
  });

  it('matches candidates on names plus dob, email or phone', async () => {
    const created = await (
      await h.call('POST', '/api/provider/patients', h.token, {
        first_name: 'Matchy',
        last_name: 'McMatch',
        dob: '1970-01-02',
        email: 'mm@example.com',
        phones: [{ number: '4155550199', type: 'mobile' }],
      })
    ).json();
    const exact = await (
      await h.call('POST', '/api/provider/patients/matching', h.token, { first_name: 'matchy', last_name: 'MCMATCH' })
    ).json();
    expect(exact.map((p: { id: string }) => p.id)).toEqual([created.id]);
    const byDob = await (
      await h.call('POST', '/api/provider/patients/matching', h.token, {
        first_name: 'Matt',
        last_name: 'McMatch',
        dob: '1970-01-02',
      })
    ).json();
    expect(byDob.map((p: { id: string }) => p.id)).toContain(created.id);
    const byPhone = await (
      await h.call('POST', '/api/provider/patients/matching', h.token, {
        first_name: 'Matchy',
        last_name: 'Other',
        phones: [{ number: '(415) 555-0199' }],
      })
    ).json();
    expect(byPhone.map((p: { id: string }) => p.id)).toContain(created.id);
    const none = await (
      await h.call('POST', '/api/provider/patients/matching', h.token, { first_name: 'Nobody', last_name: 'Atall' })
    ).json();
    expect(none).toEqual([]);
    expect((await h.call('POST', '/api/provider/patients/matching', h.token, { first_name: 'A' })).status).toBe(422);
  });

  it('gives seeded patients realistic memberships, plans, employers and balances', async () => {
    const all = await (await h.call('GET', '/api/provider/patients?filter=all&limit=100')).json();
    const statuses = new Set(all.map((p: { membership_status: string }) => p.membership_status));
    expect(statuses.has('active')).toBe(true);
    const withPlan = all.find((p: any) => p.memberships.length > 0);
    expect(withPlan.memberships[0].plan).toMatchObject({
      id: expect.stringMatching(/^pln-/),
      plan_type: expect.any(String),
    });
    const owing = all.filter((p: any) => p.account.past_due_in_cents > 0);
    for (const p of owing) expect(['unpaid', 'archived']).toContain(p.membership_status);
  });
});

describe('Hint emulator: seeded data is deterministic', () => {
  it('gives the same ids, people and credentials for the same seed', async () => {
    const a = await startHint({ seed: 33 });
    const b = await startHint({ seed: 33 });
    const c = await startHint({ seed: 34 });
    try {
      expect(b.creds).toEqual(a.creds);
      expect(c.creds.partnerApiKey).not.toBe(a.creds.partnerApiKey);
      const strip = (list: any[]) =>
        list.map((p) => ({
          id: p.id,
          name: p.name,
          dob: p.dob,
          status: p.membership_status,
          due: p.account.past_due_in_cents,
        }));
      const listA = await (await a.call('GET', '/api/provider/patients?filter=all&limit=100')).json();
      const listB = await (await b.call('GET', '/api/provider/patients?filter=all&limit=100')).json();
      expect(strip(listB)).toEqual(strip(listA));
      expect(listA).toHaveLength(33);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('creates one practice with a handful of patients when no seed is given', async () => {
    const h = await startHint();
    try {
      // docs/emulators/hint.md quotes these; change both together.
      expect(h.creds.partnerApiKey).toBe('wuaCt3EQ1QwzN9hGt3yNUAE96iHU60aDH3Jf');
      expect(h.creds.webhookSecret).toBe('jB37I9A8OM1aji0S9GYdhRq1Li4ariiLgoT2');
      expect(h.creds.practices).toEqual([
        {
          id: 'pra-ZvssmgFGA7Zu',
          name: 'Sunrise Direct Primary Care',
          accessToken: 'VVe59X1AaeNMl8O4a7krXusATUsMaqZgzqib',
        },
      ]);
      expect(h.creds.practices).toHaveLength(1);
      const res = await h.call('GET', '/api/provider/patients?filter=all');
      expect(Number(res.headers.get('x-total-count'))).toBe(5);
    } finally {
      await h.close();
    }
  });
});
