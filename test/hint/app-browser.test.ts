// The embedded app in real Chromium, inside the Hint emulator's host page, with Tandem in
// sandbox mode: the host performs the signed handshake and frames the app at 1024×768; the app
// follows the SDK's current patient; what a role may press is what the server allows; a page
// that is not Hint cannot frame it. Screenshots go to test-artifacts/screenshots/.
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/db/practices.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { launchChromium, waitFor } from './support.ts';

const SHOTS = 'test-artifacts/screenshots';

let hub: TestHub;
let browser: Browser;
let hintUrl: string;
let hintPracticeId: string;
let linkedHintId: string;
let linkedName: RegExp;
let unlinkedHintIds: string[];

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  // Hint in sandbox mode only: Healthengine "has credentials", so its emulator stays off.
  hub = await startTestHub({ TANDEM_SANDBOX: 'auto', HEALTHENGINE_API_KEY: 'not-used-in-this-test' });
  const {
    rows: [practice],
  } = await hub.database.db.query('SELECT id FROM practices WHERE is_default');
  const token = (await createApiToken(hub.database.db, practice.id, 'app-browser')).token;
  hintUrl = (await hub.api('GET', '/api/v1/sandbox', undefined, {}, token)).body.hint.url;
  const creds = (await (await fetch(`${hintUrl}/_emulator/credentials`)).json()) as any;
  hintPracticeId = creds.practices[0].id;
  const linked = await waitFor(
    async () => {
      const page = (await hub.api('GET', '/api/v1/patients?limit=100', undefined, {}, token)).body.data as any[];
      return page.find((p) => p.links.some((l: any) => l.system === 'hint' && l.status === 'synced'));
    },
    'a patient linked by the sandbox initial sync',
    60_000,
  );
  linkedHintId = linked.links.find((l: any) => l.system === 'hint').remoteId;
  linkedName = new RegExp(`^${linked.firstName}\\b.*\\b${linked.lastName}$`);
  // A Hint patient Tandem has never seen: created in Hint now, with Tandem creating nothing from Hint.
  await hub.api(
    'PATCH',
    `/api/v1/hint/connections/${linked.links[0].connectionId}/settings`,
    { createInTandem: false },
    {},
    token,
  );
  unlinkedHintIds = [];
  // Two different people: were they alike (same surname and birth date), the minute
  // reconciliation after the first is linked would rightly send the second to review, and the
  // panel would offer the review instead of "Link now".
  for (const [first, last, dob] of [
    ['Nadia', 'Unlinked', '1990-04-04'],
    ['Omar', 'Faraway', '1968-11-23'],
  ]) {
    const res = await fetch(`${hintUrl}/_emulator/practices/${hintPracticeId}/patients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ first_name: first, last_name: last, dob }),
    });
    unlinkedHintIds.push(((await res.json()) as any).id);
  }
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
}, 120_000);

async function openInHint(query: Record<string, string>): Promise<{ page: Page; app: FrameLocator }> {
  const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
  const params = new URLSearchParams({ practice: hintPracticeId, ...query });
  await page.goto(`${hintUrl}/_emulator/embed?${params}`);
  return { page, app: page.frameLocator('#app') };
}

describe('the Tandem app inside Hint', () => {
  it('shows the open patient, follows the SDK when the patient changes, and lets a clinician link', async () => {
    const { page, app } = await openInHint({ patient: linkedHintId, roles: 'tandem_clinician' });
    const frame = page.locator('#app');
    expect(await frame.getAttribute('width')).toBe('1024');
    expect(await frame.getAttribute('height')).toBe('768');
    await app.getByRole('heading', { name: linkedName }).waitFor();
    await app.getByRole('table', { name: 'Links' }).getByText('Hint', { exact: true }).waitFor();
    expect(await app.getByText('synced').first().isVisible()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/hint-app-core-linked.png` });

    await page.selectOption('#patient', unlinkedHintIds[0]!);
    await app.getByRole('heading', { name: 'Nadia Unlinked' }).waitFor();
    await app.getByTestId('not-linked').waitFor();
    await app.getByText('Tandem has not linked this Hint patient yet').waitFor();
    const link = app.getByRole('button', { name: 'Link now' });
    expect(await link.isEnabled()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/hint-app-core-unlinked.png` });
    await link.click();
    // Linked now (this practice creates no Tandem patient from Hint by itself; Link now does).
    await app.getByRole('table', { name: 'Links' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/hint-app-core-after-link.png` });
    await page.close();
  });

  it('a front-desk user cannot press what a clinician can', async () => {
    const { page, app } = await openInHint({ patient: linkedHintId, roles: 'tandem_front_desk' });
    await app.getByRole('heading', { name: linkedName }).waitFor();
    await page.selectOption('#patient', unlinkedHintIds[1]!);
    const link = app.getByRole('button', { name: 'Link now' });
    await link.waitFor();
    expect(await link.isDisabled()).toBe(true);
    await app.getByText('Linking needs the Tandem clinician or admin role.').waitFor();
    await page.screenshot({ path: `${SHOTS}/hint-app-front-desk.png` });
    await page.close();
  });

  it('a user with no Tandem role sees what to ask for, and nothing else', async () => {
    const { page, app } = await openInHint({ patient: linkedHintId, roles: 'billing_clerk' });
    await app.getByTestId('no-access').waitFor();
    await app.getByText('Ask your practice admin to assign a Tandem role').waitFor();
    expect(await app.getByRole('table').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/hint-app-no-role.png` });
    await page.close();
  });

  it('the settings surface, for a Hint admin', async () => {
    const { page, app } = await openInHint({ surface: 'settings', roles: 'admin' });
    const toggle = app.getByRole('switch', { name: /partner interactions/ });
    await toggle.waitFor();
    expect(await toggle.isChecked()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/hint-app-settings.png` });
    await page.close();
  });

  it('cannot be framed by a page that is not Hint', async () => {
    const handshake = await (
      await fetch(`${hintUrl}/_emulator/practices/${hintPracticeId}/handshake`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: { partner_roles: ['admin'] } }),
      })
    ).json();
    const evil: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(
        `<!doctype html><iframe id="x" src="${(handshake as any).iframeUrl}" width="1024" height="768"></iframe>`,
      );
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    try {
      const blocked = new Promise<string>((resolve) =>
        page.on('console', (m) => {
          if (/frame-ancestors/.test(m.text())) resolve(m.text());
        }),
      );
      await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      expect(await blocked).toMatch(/Content Security Policy/);
      expect(await page.frameLocator('#x').getByRole('heading').count()).toBe(0);
    } finally {
      await page.close();
      evil.close();
    }
  });
});
