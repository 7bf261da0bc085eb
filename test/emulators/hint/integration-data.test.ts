import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHint, type Harness, request } from './support.ts';

describe('Hint emulator: integration data per partner', () => {
  let h: Harness;
  let otherToken: string;
  beforeAll(async () => {
    h = await startHint({ seed: 4 });
    otherToken = h.creds.partners[1]?.practices[0]?.accessToken ?? '';
  });
  afterAll(async () => {
    await h.close();
  });

  /** The update schema requires the legal names on every patient PATCH (strictRequests). */
  const names = { first_name: 'Iso', last_name: 'Lated' };
  const newPatient = async (extra: Record<string, unknown> = {}) =>
    (
      await h.call('POST', '/api/provider/patients', h.token, { first_name: 'Iso', last_name: 'Lated', ...extra })
    ).json();

  it('stores integration fields per partner: another partner sees its own nulls', async () => {
    const p = await newPatient({ integration_record_id: 'emr-1', integration_web_link: 'https://emr.example.com/1' });
    expect(p).toMatchObject({
      integration_record_id: 'emr-1',
      integration_web_link: 'https://emr.example.com/1',
      integration_sync_status: 'synced',
    });
    expect(p.integration_last_synced_at).not.toBeNull();
    const seenByOther = await (await h.call('GET', `/api/provider/patients/${p.id}`, otherToken)).json();
    expect(seenByOther).toMatchObject({
      integration_record_id: null,
      integration_web_link: null,
      integration_error_message: null,
      integration_last_synced_at: null,
      integration_sync_status: 'enabled',
    });
    // the other partner may use the same record id for its own link
    await h.call('PATCH', `/api/provider/patients/${p.id}`, otherToken, { ...names, integration_record_id: 'emr-1' });
    const mine = await (await h.call('GET', `/api/provider/patients/${p.id}`)).json();
    expect(mine.integration_record_id).toBe('emr-1');
    const records = await (await h.call('GET', `/api/provider/patients/${p.id}/integration_records`)).json();
    expect(records).toEqual([
      { integration_record_id: 'emr-1', partner: { id: h.creds.partners[0]?.id, name: 'Tandem' } },
    ]);
  });

  it("accepts the caller's integration_record_id in place of the Hint id (GET, PATCH, DELETE)", async () => {
    const p = await newPatient({ integration_record_id: 'emr-alias' });
    const got = await (await h.call('GET', '/api/provider/patients/emr-alias')).json();
    expect(got.id).toBe(p.id);
    expect((await h.call('GET', '/api/provider/patients/emr-alias', otherToken)).status).toBe(404);
    const patched = await (
      await h.call('PATCH', '/api/provider/patients/emr-alias', h.token, { first_name: 'Iso', last_name: 'Aliased' })
    ).json();
    expect(patched).toMatchObject({ id: p.id, last_name: 'Aliased' });
    expect((await h.call('DELETE', '/api/provider/patients/emr-alias')).status).toBe(204);
    expect((await h.call('GET', `/api/provider/patients/${p.id}`)).status).toBe(404);
  });

  it('rejects a duplicate integration_record_id with 422 and changes nothing', async () => {
    await newPatient({ integration_record_id: 'emr-dup' });
    const before = Number((await h.call('GET', '/api/provider/patients')).headers.get('x-total-count'));
    const res = await h.call('POST', '/api/provider/patients', h.token, {
      first_name: 'Dup',
      last_name: 'Licate',
      integration_record_id: 'emr-dup',
    });
    expect(res.status).toBe(422);
    expect((await res.json()).message).toMatch(/Integration record/);
    expect(Number((await h.call('GET', '/api/provider/patients')).headers.get('x-total-count'))).toBe(before);
    const other = await newPatient();
    const patch = await h.call('PATCH', `/api/provider/patients/${other.id}`, h.token, {
      ...names,
      integration_record_id: 'emr-dup',
      first_name: 'Nope',
    });
    expect(patch.status).toBe(422);
    expect((await (await h.call('GET', `/api/provider/patients/${other.id}`)).json()).first_name).toBe('Iso');
  });

  it('derives integration_sync_status: enabled → synced → unsynced → errored → synced', async () => {
    const p = await newPatient();
    expect(p.integration_sync_status).toBe('enabled');
    const synced = await (
      await h.call('PATCH', `/api/provider/patients/${p.id}`, h.token, { ...names, integration_record_id: 'emr-s1' })
    ).json();
    expect(synced.integration_sync_status).toBe('synced');
    h.clock.advance(60_000);
    // a practice user edits the patient in Hint's UI
    await request(`${h.url}/_emulator/practices/${h.creds.practices[0]?.id}/patients/${p.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'changed@example.com' }),
    });
    expect((await (await h.call('GET', `/api/provider/patients/${p.id}`)).json()).integration_sync_status).toBe(
      'unsynced',
    );
    const errored = await (
      await h.call('PATCH', `/api/provider/patients/${p.id}`, h.token, {
        ...names,
        integration_error_message: 'Email rejected by EMR',
      })
    ).json();
    expect(errored).toMatchObject({
      integration_sync_status: 'errored',
      integration_error_message: 'Email rejected by EMR',
    });
    const cleared = await (
      await h.call('PATCH', `/api/provider/patients/${p.id}`, h.token, { ...names, integration_error_message: null })
    ).json();
    expect(cleared).toMatchObject({ integration_sync_status: 'synced', integration_error_message: null });
    // the other partner's view is untouched by all of this
    expect(
      (await (await h.call('GET', `/api/provider/patients/${p.id}`, otherToken)).json()).integration_sync_status,
    ).toBe('enabled');
  });

  it('can report "enabled" always, as every recorded Hint example does', async () => {
    const p = await newPatient({ integration_record_id: 'emr-static' });
    await request(`${h.url}/_emulator/config`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ syncStatusRules: 'always-enabled' }),
    });
    try {
      expect((await (await h.call('GET', `/api/provider/patients/${p.id}`)).json()).integration_sync_status).toBe(
        'enabled',
      );
    } finally {
      await request(`${h.url}/_emulator/config`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ syncStatusRules: 'inferred' }),
      });
    }
  });

  it('aliases practitioners by integration_record_id and keeps it per partner', async () => {
    const created = await (
      await h.call('POST', '/api/provider/practitioners', h.token, {
        name: 'Dr. Alias',
        integration_record_id: 'doc-1',
      })
    ).json();
    expect(created.id).toMatch(/^pct-/);
    expect((await (await h.call('GET', '/api/provider/practitioners/doc-1')).json()).id).toBe(created.id);
    expect(
      (await (await h.call('GET', `/api/provider/practitioners/${created.id}`, otherToken)).json())
        .integration_record_id,
    ).toBeNull();
    expect(
      (
        await h.call('POST', '/api/provider/practitioners', h.token, {
          name: 'Dr. Dup',
          integration_record_id: 'doc-1',
        })
      ).status,
    ).toBe(422);
    expect((await h.call('DELETE', '/api/provider/practitioners/doc-1')).status).toBe(204);
  });

  it("stores the practice's integration_record_id per partner", async () => {
    const mine = await (
      await h.call('PATCH', '/api/provider/practice', h.token, { integration_record_id: 'clinic-9' })
    ).json();
    expect(mine.integration_record_id).toBe('clinic-9');
    expect((await (await h.call('GET', '/api/provider/practice', otherToken)).json()).integration_record_id).toBeNull();
  });
});
