// The console's record pages in a real Chromium (1024×768) against a real Tandem in sandbox mode
// (the Hint emulator seeded and connected, its initial sync run): the overview, a patient created
// in Hint found by search (the words never in a URL) and by its Hint id, a bad edit refused under
// its field with nothing saved, an errored Hint link fixed and retried, a review accepted from
// the keyboard, Hint's integration_web_link opened signed out (sign-in, then that patient), and
// another practice's patient by URL. Every page is screenshotted into test-artifacts/.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/db/practices.ts';
import { hasChromium, startConsole, type ConsoleSession } from '../support/browser.ts';
import { waitFor } from '../hint/support.ts';

describe.skipIf(!hasChromium)('console record pages in a browser', () => {
  let ui: ConsoleSession;
  let page: Page;
  let token: string;
  let hintUrl: string;
  let hintPractice: { id: string; accessToken: string };
  let connectionId: string;
  let zora: { id: string; remoteId: string };
  const requested: string[] = [];

  /** The default practice's API (the one sandbox mode connects), as an API client. */
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${ui.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
  };
  const harness = async (method: string, path: string, body?: unknown) =>
    (
      await fetch(`${hintUrl}/_emulator${path}`, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      })
    ).json() as Promise<any>;
  const linkRow = () => page.getByTestId('link-hint');

  beforeAll(async () => {
    ui = await startConsole();
    page = ui.page;
    page.on('request', (r) => requested.push(r.url()));
    token = (await createApiToken(ui.hub.database.db, ui.practiceId, 'browser test')).token;
    hintUrl = (await api('GET', '/sandbox')).body.hint.url;
    const creds = await harness('GET', '/credentials');
    hintPractice = creds.practices[0];
    connectionId = (await api('GET', '/connections?system=hint')).body.data[0].id;
    // Sandbox mode runs Hint's initial sync at start: wait for it, as a practice would.
    await waitFor(
      async () => (await api('GET', '/batches')).body.data?.every((b: any) => b.status === 'completed'),
      'the sandbox initial sync',
      150_000,
    );
  }, 200_000); // a full suite on two loaded cores: the sandbox's initial sync can take a while
  afterAll(async () => ui?.stop());

  it('shows each connection on the overview, with counts linking to the filtered list', async () => {
    await page.goto(`${ui.url}/`);
    const hint = page.getByRole('region', { name: /\(Hint\)$/ });
    await hint.getByText('Healthy').waitFor();
    await hint.getByText(/reviews waiting/).waitFor();
    await ui.screenshot('overview');
    await hint.getByRole('link', { name: /errored patient links/ }).click();
    await page.waitForURL(/\/patients\?hint=errored$/);
    await page.getByRole('table', { name: 'Patients' }).waitFor();
    const rows = await page.getByRole('table', { name: 'Patients' }).locator('tbody tr').count();
    const { body } = await api('POST', '/patients/search', { hint: 'errored' });
    expect(rows).toBe(body.data.length);
    await ui.screenshot('patients-errored');
  });

  it('finds a patient created in Hint by name and by its Hint id; the search words never enter a URL', async () => {
    const created = await harness('POST', `/practices/${hintPractice.id}/patients`, {
      first_name: 'Zora',
      last_name: 'Quenneville',
      dob: '1984-05-06',
      email: 'zora.q@example.com',
    });
    const patient = await waitFor(async () => {
      const p = (await api('GET', `/patients/hint:${created.id}`)).body;
      return p?.links?.[0]?.status === 'synced' ? p : undefined;
    }, 'the Hint patient in Tandem');
    zora = { id: patient.id, remoteId: created.id };

    await page.goto(`${ui.url}/patients`);
    await page.getByLabel('Search', { exact: true }).fill('Quenneville');
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'Zora Quenneville' }).waitFor();
    await ui.screenshot('patients-search');
    await page.getByLabel('Search', { exact: true }).fill(`hint:${created.id}`);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('link', { name: 'Zora Quenneville' }).waitFor();
    expect(await page.getByRole('table', { name: 'Patients' }).locator('tbody tr').count()).toBe(1);
    expect(requested.filter((u) => /quenneville|zora/i.test(u))).toEqual([]);

    await page.getByRole('link', { name: 'Zora Quenneville' }).click();
    await page.waitForURL(`${ui.url}/patients/${zora.id}`);
    await page.getByRole('heading', { name: 'Zora Quenneville' }).waitFor();
    await page.getByRole('region', { name: 'In Hint' }).getByText('Open this patient in Hint').waitFor();
    await page.getByText(/Patient created by Hint/).waitFor();
    await ui.screenshot('patient');
    await page.goBack();
    await page.getByRole('link', { name: 'Zora Quenneville' }).waitFor(); // the search survives the back button
  });

  it('shows a bad value under its field and saves nothing; a good one is saved', async () => {
    await page.goto(`${ui.url}/patients/${zora.id}`);
    const email = page.getByLabel('Email', { exact: true });
    const before = (await api('GET', `/patients/${zora.id}`)).body;
    await email.fill('not-an-email');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Nothing was saved').waitFor();
    await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await email.getAttribute('aria-describedby')) ?? '';
    const errorText = await page
      .locator(`[id="${describedBy.split(' ').find((id) => id.endsWith('-error'))}"]`)
      .textContent();
    expect(errorText).toBe('must be an email address');
    await email.scrollIntoViewIfNeeded();
    await ui.screenshot('patient-bad-value');
    expect((await api('GET', `/patients/${zora.id}`)).body).toMatchObject({
      email: before.email,
      version: before.version,
    });

    await email.fill('zora.quenneville@example.com');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    expect((await api('GET', `/patients/${zora.id}`)).body.email).toBe('zora.quenneville@example.com');
  });

  it('shows an errored Hint link with its reason, and "retry now" syncs it once the cause is fixed', async () => {
    // The practice makes date of birth required in Hint, and Zora's is removed: she cannot sync.
    await api('PATCH', `/hint/connections/${connectionId}/settings`, { hintRequiredFields: ['dob'] });
    await api('PATCH', `/patients/${zora.id}`, { dob: null });
    await waitFor(
      async () => (await api('GET', `/patients/${zora.id}`)).body.links[0].status === 'errored',
      'the errored link',
    );
    await page.goto(`${ui.url}/patients/${zora.id}`);
    await linkRow().getByText('errored').waitFor();
    expect(await linkRow().getByTestId('link-error').textContent()).toBe('dob is required by Hint');
    await ui.screenshot('patient-errored-link');

    // The admin lifts the rule; the front desk retries from the patient's page.
    await api('PATCH', `/hint/connections/${connectionId}/settings`, { hintRequiredFields: [] });
    await linkRow().getByRole('button', { name: 'Retry the Hint sync now' }).click();
    await linkRow()
      .getByText(/^Queued at/)
      .waitFor();
    await linkRow().getByText('synced', { exact: true }).waitFor({ timeout: 20_000 });
    expect(await linkRow().getByTestId('link-error').count()).toBe(0);
    await page.getByText('Retry of the Hint sync asked by a console user').waitFor();
    await ui.screenshot('patient-retried');
    await page.getByRole('heading', { name: 'Timeline' }).scrollIntoViewIfNeeded();
    await ui.screenshot('patient-timeline');
  });

  it('works through the review queue from the keyboard; a candidate linked elsewhere in Hint is explained, not taken', async () => {
    const pending = async () => (await api('GET', '/match-reviews?status=pending')).body.data as any[];
    const reviewOf = (hintId: string) =>
      waitFor(async () => (await pending()).find((r) => r.remoteId === hintId), 'a review of the Hint patient', 60_000);
    // An uncertain match with a free candidate: a Tandem patient kept out of Hint for the moment,
    // then a Hint patient with the same name but no birth date to compare.
    const settings = `/hint/connections/${connectionId}/settings`;
    expect((await api('PATCH', settings, { createInHint: false })).status).toBe(200);
    let free: any;
    try {
      free = (await api('POST', '/patients', { firstName: 'Ottilie', lastName: 'Marchbanks', dob: '1981-09-23' })).body;
      const twin = await harness('POST', `/practices/${hintPractice.id}/patients`, {
        first_name: 'Ottilie',
        last_name: 'Marchbanks',
        email: 'ottilie.m@example.net',
      });
      const freeReview = await reviewOf(twin.id);
      // And one whose only candidate is already linked to another Hint patient: a Hint namesake
      // of a linked Tandem patient (a duplicate in Hint, or two people).
      const known = ((await api('GET', '/patients?limit=50')).body.data as any[]).find(
        (p) => p.dob && p.lastName && p.links?.some((l: any) => l.system === 'hint' && l.remoteId),
      );
      const namesake = await harness('POST', `/practices/${hintPractice.id}/patients`, {
        first_name: known.firstName,
        last_name: known.lastName,
        dob: known.dob,
        email: 'someone.else@example.net',
      });
      const linkedReview = await reviewOf(namesake.id);
      expect(linkedReview.candidates[0].alreadyLinkedTo).toMatch(/\S/);

      // The sandbox keeps syncing, so other reviews may come and go: find ours by its Hint id.
      const card = page.getByRole('region', { name: 'Current review' });
      const goTo = async (hintId: string) => {
        await page.goto(`${ui.url}/reviews`);
        await page.getByRole('heading', { name: /^Review 1 of \d+\+? waiting$/ }).waitFor();
        await card.getByRole('table').waitFor();
        for (let i = 0; i < 200; i++) {
          if (await card.getByText(hintId, { exact: true }).isVisible()) return;
          await page.keyboard.press('j');
          await page.waitForTimeout(50);
        }
        throw new Error(`review of ${hintId} not reached with J`);
      };
      await page.goto(`${ui.url}/reviews`);
      await page
        .getByRole('table', { name: 'Incoming record and candidates' })
        .getByText(/exact|different|missing/)
        .first()
        .waitFor();
      await ui.screenshot('reviews');
      // J and K move through the queue; 1–9 choose; A accepts; R rejects.
      await page.keyboard.press('j');
      await page.keyboard.press('k');
      await page.getByRole('heading', { name: /^Review 1 of \d+\+? waiting$/ }).waitFor();
      await goTo(twin.id);
      await page.keyboard.press('1');
      await page.keyboard.press('a');
      await page
        .getByRole('status')
        .getByText(/^Accepted:/)
        .waitFor();
      expect((await api('GET', `/match-reviews/${freeReview.id}`)).body).toMatchObject({
        status: 'accepted',
        resolution: { patientId: free.id },
      });

      await goTo(namesake.id);
      await card.getByText('already linked in Hint').waitFor();
      await card.getByText(/is already linked to another Hint record .*merge them in Hint first/).waitFor();
      const acceptButton = card.getByRole('button', { name: /^Accept candidate 1/ });
      expect(await acceptButton.isDisabled()).toBe(true);
      await ui.screenshot('review-candidate-linked-elsewhere');
      await page.keyboard.press('a');
      await page.keyboard.press('r');
      await page
        .getByRole('status')
        .getByText(/^Rejected:/)
        .waitFor();
      // A stayed a no-op: the review was rejected, never accepted, and the link did not move.
      expect((await api('GET', `/match-reviews/${linkedReview.id}`)).body.status).toBe('rejected');
      const stillLinked = (await api('GET', `/patients/${known.id}`)).body.links.find((l: any) => l.system === 'hint');
      expect(stillLinked.remoteId).toBe(linkedReview.candidates[0].alreadyLinkedTo);
      await ui.screenshot('reviews-after');
    } finally {
      await api('PATCH', settings, { createInHint: true });
    }
  });

  it("opens Hint's integration_web_link signed out: sign-in, then that patient's page", async () => {
    const inHint: any = await (
      await fetch(`${hintUrl}/api/provider/patients/${zora.remoteId}`, {
        headers: { authorization: `Bearer ${hintPractice.accessToken}` },
      })
    ).json();
    expect(inHint.integration_web_link).toBe(`${ui.url}/patients/${zora.id}`);
    const { context, page: signedOut } = await ui.newContext();
    try {
      await signedOut.goto(inHint.integration_web_link);
      await signedOut.waitForURL(/\/sign-in\?next=/);
      expect(signedOut.url()).not.toMatch(/zora|quenneville/i);
      await ui.screenshot('web-link-sign-in', signedOut);
      await signedOut.getByLabel('Email').fill(ui.admin.email);
      await signedOut.getByLabel(/^Password/).fill(ui.admin.password);
      await signedOut.getByRole('button', { name: 'Sign in' }).click();
      await signedOut.waitForURL(`${ui.url}/patients/${zora.id}`);
      await signedOut.getByRole('heading', { name: 'Zora Quenneville' }).waitFor();
      await ui.screenshot('web-link-patient', signedOut);
    } finally {
      await context.close();
    }
  });

  it("answers another practice's patient by URL with a clear not-found page", async () => {
    const other = await ui.hub.api('POST', '/api/v1/patients', { firstName: 'Ysolde', lastName: 'Farquharson' });
    expect(other.status).toBe(201);
    for (const id of [other.body.id, 'not-a-patient-id']) {
      await page.goto(`${ui.url}/patients/${id}`);
      await page.getByRole('heading', { name: 'Patient not found' }).waitFor();
      expect(await page.getByText(/Farquharson/).count()).toBe(0);
    }
    await ui.screenshot('patient-not-found');
    expect(ui.pageErrors).toEqual([]);
  });
});
