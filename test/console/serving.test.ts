// The console is served by Tandem itself: index.html for every page URL (not for API, webhook,
// Hint or health paths), hashed assets cached forever, frame-ancestors 'none' kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub.ts';

describe('console serving', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => hub?.stop());

  it('answers page URLs with the app, never cached, never framed', async () => {
    for (const url of ['/', '/patients/00000000-0000-0000-0000-000000000001', '/settings/users?x=1', '/sign-in']) {
      const res = await fetch(`${hub.url}${url}`);
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(await res.text()).toContain('<div id="root">');
    }
  });

  it('serves hashed assets as immutable', async () => {
    const html = await (await fetch(`${hub.url}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const res = await fetch(`${hub.url}${script}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/immutable/);
    expect(res.headers.get('cache-control')).toMatch(/max-age=31536000/);
    expect((await fetch(`${hub.url}/assets/nope-123.js`)).status).toBe(404);
  });

  it('does not swallow server paths: their unknown URLs stay JSON 404s', async () => {
    for (const url of [
      '/api/v1/nothing-here',
      '/api',
      '/webhooks/nothing',
      '/hint/nothing',
      '/health/nothing',
      '/connect/x',
      '/favicon.ico',
    ]) {
      const res = await fetch(`${hub.url}${url}`);
      expect(res.status, url).toBe(404);
      expect(res.headers.get('content-type'), url).toMatch(/application\/json/);
    }
    expect((await fetch(`${hub.url}/health`)).headers.get('content-type')).toMatch(/json/);
  });
});
