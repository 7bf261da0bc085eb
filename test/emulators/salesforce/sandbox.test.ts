// Sandbox mode: with no Salesforce connector yet, Tandem still starts the Salesforce emulator
// in-process (seeded) and lists it under GET /api/v1/sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../support/hub.ts';

let hub: TestHub;
beforeAll(async () => {
  // Real-looking credentials for the other two platforms keep their sandboxes out of this test.
  hub = await startTestHub({
    TANDEM_SANDBOX: 'auto',
    HINT_PARTNER_API_KEY: 'not-used',
    HEALTHENGINE_API_KEY: 'not-used',
  });
});
afterAll(async () => {
  await hub?.stop();
}, 120_000);

describe('Salesforce sandbox', () => {
  it('runs the emulator in-process and lists it as salesforce', async () => {
    const sandbox = await hub.api('GET', '/api/v1/sandbox');
    expect(sandbox.status).toBe(200);
    const url: string = sandbox.body.salesforce.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const creds: any = await (await fetch(`${url}/_emulator/credentials`)).json();
    expect(creds.instanceUrl).toBe(url);
    const versions: any = await (await fetch(`${url}/services/data/`)).json();
    expect(versions.at(-1)).toEqual({ label: "Summer '26", url: '/services/data/v67.0', version: '67.0' });
  });
});
