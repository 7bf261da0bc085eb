import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHint } from './support.ts';

describe('Hint emulator: optional persistence', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'hint-state-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps patients, integration data, tokens and endpoints across restarts', async () => {
    const stateFile = path.join(dir, 'hint.json');
    const first = await startHint({ seed: 4, stateFile });
    const patient = await (
      await first.call('POST', '/api/provider/patients', first.token, {
        first_name: 'Kept',
        last_name: 'Around',
        integration_record_id: 'emr-keep',
      })
    ).json();
    await first.call('POST', '/api/global_webhook_endpoints', first.creds.partnerApiKey, {
      webhook_url: 'http://127.0.0.1:9/keep',
    });
    await first.close();

    const second = await startHint({ stateFile });
    try {
      expect(second.creds).toEqual(first.creds);
      const again = await (await second.call('GET', '/api/provider/patients/emr-keep')).json();
      expect(again).toMatchObject({ id: patient.id, first_name: 'Kept', integration_record_id: 'emr-keep' });
      const endpoints = await (
        await second.call('GET', '/api/global_webhook_endpoints', second.creds.partnerApiKey)
      ).json();
      expect(endpoints.map((e: { webhook_url: string }) => e.webhook_url)).toEqual(['http://127.0.0.1:9/keep']);
      const created = await (
        await second.call('POST', '/api/provider/patients', second.token, { first_name: 'New', last_name: 'One' })
      ).json();
      expect(created.id).not.toBe(patient.id);
    } finally {
      await second.close();
    }
  });
});
