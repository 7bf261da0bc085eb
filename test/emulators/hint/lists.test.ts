import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHint, type Harness } from './support.ts';

describe('Hint emulator: list conventions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHint({ seed: 150 });
  });
  afterAll(async () => {
    await h.close();
  });

  const list = async (query: string) => {
    const res = await h.call('GET', `/api/provider/patients${query}`);
    expect(res.status).toBe(200);
    const body = await res.json();
    return {
      body: body as any[],
      count: Number(res.headers.get('x-count')),
      total: Number(res.headers.get('x-total-count')),
    };
  };

  it('returns a bare array with X-Count and X-Total-Count; default limit 10', async () => {
    const { body, count, total } = await list('');
    expect(Array.isArray(body)).toBe(true);
    expect(body).toHaveLength(10);
    expect(count).toBe(10);
    expect(total).toBeGreaterThan(100);
  });

  it('clamps limit to 100 and pages with offset', async () => {
    const all = await list('?limit=500');
    expect(all.body).toHaveLength(100);
    const second = await list('?limit=5&offset=5');
    expect(second.body.map((p) => p.id)).toEqual(all.body.slice(5, 10).map((p) => p.id));
    const past = await list(`?offset=${all.total}`);
    expect(past.body).toEqual([]);
    expect(past.count).toBe(0);
  });

  it('rejects malformed paging with 400 naming the parameter', async () => {
    for (const q of ['?limit=abc', '?limit=0', '?offset=-1']) {
      const res = await h.call('GET', `/api/provider/patients${q}`);
      expect(res.status).toBe(400);
      expect((await res.json()).message).toMatch(/limit|offset/);
    }
  });

  it('sorts ascending and descending on one field', async () => {
    const asc = (await list('?sort=last_name&limit=100')).body.map((p) => p.last_name.toLowerCase());
    expect(asc).toEqual([...asc].sort());
    const desc = (await list('?sort=-created_at&limit=100')).body.map((p) => Date.parse(p.created_at));
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    expect((await h.call('GET', '/api/provider/patients?sort=nope')).status).toBe(400);
  });

  it('excludes archived patients unless filter=archived|all', async () => {
    const live = await list('?limit=100');
    const archived = await list('?filter=archived&limit=100');
    const all = await list('?filter=all&limit=100');
    expect(archived.total).toBeGreaterThan(0);
    expect(archived.body.every((p) => p.membership_status === 'archived')).toBe(true);
    expect(live.body.some((p) => p.membership_status === 'archived')).toBe(false);
    expect(all.total).toBe(live.total + archived.total);
  });

  it('answers 404 for an archived patient by id ("may just mean archived"), unless configured visible', async () => {
    const [archived] = (await list('?filter=archived')).body;
    expect((await h.call('GET', `/api/provider/patients/${archived.id}`)).status).toBe(404);
    const setVisible = (value: string) =>
      fetch(`${h.url}/_emulator/config`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ archivedPatientsById: value }),
      });
    await setVisible('visible');
    try {
      const res = await h.call('GET', `/api/provider/patients/${archived.id}`);
      expect(res.status).toBe(200);
      expect((await res.json()).membership_status).toBe('archived');
    } finally {
      await setVisible('hidden');
    }
  });

  it('filters created_at / updated_at in JSON-object and bracket forms', async () => {
    const all = (await list('?filter=all&limit=100&sort=created_at')).body;
    const pivot = all[40].created_at as string;
    const json = await list(`?filter=all&limit=100&created_at=${encodeURIComponent(JSON.stringify({ gt: pivot }))}`);
    const bracket = await list(`?filter=all&limit=100&created_at[gt]=${encodeURIComponent(pivot)}`);
    expect(json.total).toBeGreaterThan(0);
    expect(json.total).toBe(bracket.total);
    expect(json.body.every((p) => Date.parse(p.created_at) > Date.parse(pivot))).toBe(true);
    const range = await list(
      `?filter=all&created_at[gte]=${encodeURIComponent(pivot)}&created_at[lte]=${encodeURIComponent(pivot)}`,
    );
    expect(range.body.every((p) => p.created_at === pivot)).toBe(true);
    const dateOnly = await list('?updated_at[gte]=2000-01-01');
    expect(dateOnly.total).toBe((await list('')).total);
    expect((await h.call('GET', '/api/provider/patients?created_at[gt]=yesterday')).status).toBe(400);
    expect((await h.call('GET', '/api/provider/patients?created_at={"since":"2020-01-01"}')).status).toBe(400);
  });

  it('matches string attributes exactly and case-insensitively', async () => {
    const first = (await list('')).body[0];
    const found = await list(`?first_name=${encodeURIComponent(String(first.first_name).toUpperCase())}&limit=100`);
    expect(found.body.map((p) => p.id)).toContain(first.id);
    expect(found.body.every((p) => p.first_name.toLowerCase() === first.first_name.toLowerCase())).toBe(true);
    expect((await list('?first_name=nobody-has-this')).total).toBe(0);
  });
});
