import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { startHintWorld, waitFor, type HintWorld } from './support.ts';

describe('Hint connection settings (field mapping as data)', () => {
  let w: HintWorld;
  let id: string;
  beforeAll(async () => {
    w = await startHintWorld();
    id = await w.connect();
  });
  afterAll(async () => {
    await w?.stop();
  });

  it('reads the defaults and refuses bad mappings naming the field, writing nothing', async () => {
    const defaults = await w.hub.api('GET', `/api/v1/hint/connections/${id}/settings`);
    expect(defaults.status).toBe(200);
    expect(defaults.body).toMatchObject({
      conflictPolicy: 'latest',
      createInHint: true,
      createInTandem: true,
      onHintDelete: 'keep',
      reconcileEveryMinutes: 5,
      rateLimitPerSecond: 20,
    });
    expect(defaults.body.fieldMapping).toContainEqual({
      canonical: 'preferredName',
      hint: 'chosen_first_name',
      direction: 'both',
    });
    const badKind = await w.hub.api('PATCH', `/api/v1/hint/connections/${id}/settings`, {
      fieldMapping: [{ canonical: 'dob', hint: 'first_name', direction: 'both' }],
    });
    expect(badKind.status).toBe(422);
    expect(badKind.body.details).toContainEqual({
      field: 'fieldMapping.0.hint',
      message: 'pairs fields of different kinds',
    });
    const twice = await w.hub.api('PATCH', `/api/v1/hint/connections/${id}/settings`, {
      fieldMapping: [
        { canonical: 'email', hint: 'email', direction: 'both' },
        { canonical: 'email', hint: 'first_name', direction: 'toHint' },
      ],
    });
    expect(twice.status).toBe(422);
    expect(twice.body.details[0].field).toBe('fieldMapping.1.canonical');
    const unknown = await w.hub.api('PATCH', `/api/v1/hint/connections/${id}/settings`, {
      conflictPolicy: 'coinflip',
      surprise: true,
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.details.map((d: any) => d.field).sort()).toEqual(['conflictPolicy', 'surprise']);
    expect((await w.hub.api('GET', `/api/v1/hint/connections/${id}/settings`)).body).toEqual(defaults.body);
    expect((await w.hub.api('GET', '/api/v1/hint/connections/not-a-uuid/settings')).status).toBe(404);
  });

  it("follows a field's direction: \"fromHint\" takes Hint's edits and never writes Tandem's", async () => {
    const mapping = (await w.hub.api('GET', `/api/v1/hint/connections/${id}/settings`)).body.fieldMapping.map(
      (r: any) => (r.canonical === 'email' ? { ...r, direction: 'fromHint' } : r),
    );
    expect(
      (await w.hub.api('PATCH', `/api/v1/hint/connections/${id}/settings`, { fieldMapping: mapping })).status,
    ).toBe(200);
    const res = await w.hub.api('POST', '/api/v1/patients', {
      firstName: 'Dee',
      lastName: 'Rection',
      email: 'dee@example.com',
    });
    const link = await waitFor(
      async () => (await w.hub.api('GET', `/api/v1/patients/${res.body.id}`)).body.links[0],
      'a Hint link',
    );
    expect((await w.hint('GET', `/provider/patients/${link.remoteId}`)).body.email).toBeNull();
    await w.harness('PATCH', `/practices/${w.hintPracticeId}/patients/${link.remoteId}`, {
      email: 'dee@hint.example.com',
      last_name: 'Rection2',
    });
    await waitFor(
      async () => (await w.hub.api('GET', `/api/v1/patients/${res.body.id}`)).body.email === 'dee@hint.example.com',
      "Hint's email in Tandem",
    );
  });
});

describe('sandbox mode', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ TANDEM_SANDBOX: 'on' });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('starts the Hint emulator, connects the default practice through InstantOn, and syncs it', async () => {
    const sandbox = await hub.api('GET', '/api/v1/sandbox');
    expect(sandbox.status).toBe(200);
    expect(sandbox.body.hint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { rows } = await hub.database.db.query(
      `SELECT c.id, c.status FROM connections c JOIN practices p ON p.id = c.practice_id WHERE p.is_default AND c.system = 'hint'`,
    );
    expect(rows).toEqual([expect.objectContaining({ status: 'active' })]);
    await waitFor(
      async () =>
        (
          await hub.database.db.query(
            `SELECT count(*)::int AS n FROM links WHERE connection_id = $1 AND entity_kind = 'patient'`,
            [rows[0].id],
          )
        ).rows[0].n >= 20,
      'the seeded patients linked',
      60_000,
    );
  });
});
