// The API behind the console's record pages, against the real Hint emulator: the patient list
// filtered by link status and searched by alias, the overview, a patient's timeline, and
// "retry now" on an errored link.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHintWorld, waitFor, type HintWorld } from '../hint/support.ts';
import { addUser, CookieClient } from '../support/console.ts';

describe('console records API', () => {
  let w: HintWorld;
  let connectionId: string;
  let synced: { id: string; remoteId: string };
  let errored: string;

  const patient = async (id: string) => (await w.hub.api('GET', `/api/v1/patients/${id}`)).body;

  beforeAll(async () => {
    w = await startHintWorld();
    connectionId = await w.connect();
    const a = await w.hub.api('POST', '/api/v1/patients', {
      firstName: 'Ada',
      lastName: 'Quill',
      dob: '1981-04-02',
      email: 'ada.quill@example.com',
    });
    const b = await w.hub.api('POST', '/api/v1/patients', {
      firstName: 'Bert',
      lastName: 'Quill',
      dob: '1979-01-09',
      email: 'bert.quill@example.com',
    });
    const linkOf = (id: string) =>
      waitFor(async () => {
        const l = (await patient(id)).links[0];
        return l?.status === 'synced' ? l : undefined;
      }, 'patient synced');
    synced = { id: a.body.id, remoteId: (await linkOf(a.body.id)).remoteId };
    errored = b.body.id;
    await linkOf(errored);
    // The practice requires an email in Hint; Bert's is removed in Tandem, so he cannot sync.
    await w.hub.api('PATCH', `/api/v1/hint/connections/${connectionId}/settings`, { hintRequiredFields: ['email'] });
    await w.hub.api('PATCH', `/api/v1/patients/${errored}`, { email: null });
    await waitFor(async () => (await patient(errored)).links[0]?.status === 'errored', 'Bert errored');
  });
  afterAll(async () => w?.stop());

  it('filters the patient list by link status per system, and finds a patient by its Hint id', async () => {
    const list = async (q: string) => (await w.hub.api('GET', `/api/v1/patients?${q}`)).body.data.map((p: any) => p.id);
    expect(await list('hint=errored')).toEqual([errored]);
    expect(await list('hint=synced')).toEqual([synced.id]);
    expect(await list('hint=unsynced')).toEqual([]);
    expect(await list('healthengine=none')).toEqual(expect.arrayContaining([synced.id, errored]));
    expect(await list(`search=${encodeURIComponent(`hint:${synced.remoteId}`)}`)).toEqual([synced.id]);
    expect(await list('search=hint:pat-doesnotexist')).toEqual([]);
    expect(await list('search=quill&hint=errored')).toEqual([errored]);
    const bad = await w.hub.api('GET', '/api/v1/patients?hint=broken');
    expect(bad.status).toBe(422);
    expect(bad.body.details[0]).toMatchObject({ field: 'hint' });
  });

  it('sums up each connection on the overview', async () => {
    const res = await w.hub.api('GET', '/api/v1/overview');
    expect(res.status).toBe(200);
    const hint = res.body.connections.find((c: any) => c.id === connectionId);
    expect(hint).toMatchObject({
      system: 'hint',
      status: 'active',
      patientLinks: { errored: 1, unsynced: 0 },
      health: { ok: true },
    });
    expect(hint.patientLinks.linked).toBeGreaterThanOrEqual(2);
    expect(hint.health.facts).toContain('Hint webhook endpoint registered');
    expect(Date.parse(hint.lastSyncedAt)).toBeGreaterThan(0);
    expect(res.body).toMatchObject({ pendingReviews: 0, failedJobs: 0 });
  });

  it('retries an errored link once the cause is fixed, and the timeline tells the story without PHI', async () => {
    const before = await w.hub.api('GET', `/api/v1/patients/${errored}/timeline`);
    expect(before.status).toBe(200);
    expect(before.body.data[0]).toMatchObject({ kind: 'error', system: 'hint' });
    // The practice no longer requires an email: a retry now succeeds without any edit.
    await w.hub.api('PATCH', `/api/v1/hint/connections/${connectionId}/settings`, { hintRequiredFields: [] });
    const retry = await w.hub.api('POST', `/api/v1/patients/${errored}/links/${connectionId}/retry`);
    expect(retry.status).toBe(202);
    await waitFor(async () => (await patient(errored)).links[0]?.status === 'synced', 'Bert synced after the retry');
    const timeline = (await w.hub.api('GET', `/api/v1/patients/${errored}/timeline`)).body.data as any[];
    const titles = timeline.map((e) => e.title);
    expect(titles).toContain('Retry of the Hint sync asked by an API client');
    expect(titles.some((t) => /cannot sync with Hint: email is required by Hint/.test(t))).toBe(true);
    expect(titles.some((t) => /^Patient created by an API client$/.test(t))).toBe(true);
    const times = timeline.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(JSON.stringify(timeline)).not.toMatch(/Bert|Quill|1979/);
  });

  it('shows inbound Hint events about the record on its timeline', async () => {
    await w.harness('PATCH', `/practices/${w.hintPracticeId}/patients/${synced.remoteId}`, { first_name: 'Adah' });
    const timeline = await waitFor(async () => {
      const data = (await w.hub.api('GET', `/api/v1/patients/${synced.id}/timeline`)).body.data as any[];
      const changed = data.some((e) => e.kind === 'inbound' && /Patient updated by Hint/.test(e.title));
      // The inbox row is marked processed just after the change is written: wait for both.
      const processed = data.some((e) => /patient\.updated/.test(e.title) && e.detail === 'processed');
      return changed && processed ? data : undefined;
    }, 'the change from Hint on the timeline');
    const webhook = timeline.find((e) => e.kind === 'inbound' && /patient\.updated/.test(e.title));
    expect(webhook).toMatchObject({ system: 'hint', detail: 'processed' });
  });

  it('lets a staff member signed in to the console search, retry and read the timeline (search words in the body)', async () => {
    await addUser(w.hub.database.db, w.hub.practiceId, 'desk@clinic.example', 'staff');
    const staff = new CookieClient(w.hub.url);
    expect((await staff.signIn('desk@clinic.example')).status).toBe(200);
    const found = await staff.call('POST', '/api/v1/patients/search', { search: 'quill', hint: 'synced' });
    expect(found.status).toBe(200);
    expect(found.body.data.map((p: any) => p.id)).toEqual(expect.arrayContaining([synced.id]));
    const bad = await staff.call('POST', '/api/v1/patients/search', { hint: 'sometimes' });
    expect(bad.status).toBe(422);
    expect(bad.body.details[0].field).toBe('hint');
    const retry = await staff.call('POST', `/api/v1/patients/${synced.id}/links/${connectionId}/retry`);
    expect(retry.status).toBe(202);
    const noCsrf = await staff.call('POST', `/api/v1/patients/${synced.id}/links/${connectionId}/retry`, undefined, {
      csrf: false,
    });
    expect(noCsrf.status).toBe(403);
    const timeline = await staff.call('GET', `/api/v1/patients/${synced.id}/timeline`);
    expect(timeline.body.data.map((e: any) => e.title)).toContain('Retry of the Hint sync asked by a console user');
  });

  it('answers 404 for another practice’s patient and 409 for a retry on a connection that is not active', async () => {
    const other = await w.hub.newPractice('Other practice');
    for (const route of [`/api/v1/patients/${synced.id}/timeline`, `/api/v1/patients/${synced.id}`]) {
      const res = await w.hub.api('GET', route, undefined, {}, other.token);
      expect(res.status).toBe(404);
    }
    const retry = await w.hub.api(
      'POST',
      `/api/v1/patients/${synced.id}/links/${connectionId}/retry`,
      undefined,
      {},
      other.token,
    );
    expect(retry.status).toBe(404);
    const missing = await w.hub.api('POST', `/api/v1/patients/${synced.id}/links/not-a-connection/retry`);
    expect(missing.status).toBe(404);
    expect((await w.hub.api('GET', `/api/v1/patients/${synced.id}/timeline?limit=0`)).status).toBe(422);
  });
});
