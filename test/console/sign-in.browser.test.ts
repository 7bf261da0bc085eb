// The console's way in, in a real Chromium against a real Tandem in sandbox mode: the setup
// link creates the first admin, sign out, sign in, wrong password, the rate limit, links that
// are used or expired, deep links through sign-in, the back button, a staff user's limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueSetupLink } from '../../src/http/setup-link.ts';
import { addUser } from '../support/console.ts';
import { hasChromium, startConsole, type ConsoleSession } from '../support/browser.ts';

describe.skipIf(!hasChromium)('console sign-in in a browser', () => {
  let ui: ConsoleSession;
  beforeAll(async () => {
    ui = await startConsole({ signIn: false });
  }, 180_000); // sandbox mode starts three emulators and their syncs: slow on two loaded cores
  afterAll(async () => ui?.stop());

  it('setup link → first admin → sign out → sign in → wrong password → rate limit', async () => {
    const { page } = ui;
    const { url } = await issueSetupLink(ui.hub.database.db, ui.practiceId, ui.url);
    await page.goto(url);
    await page.getByLabel('Email').fill('owner@clinic.example');
    await page.getByLabel('Practice name').fill('Harbour Family Clinic');
    await page.getByLabel('New password').fill('short');
    await page.getByLabel('Repeat the password').fill('short');
    await page.getByRole('button', { name: 'Create admin' }).click();
    await page.getByText('must be at least 10 characters').waitFor();
    await ui.screenshot('setup-password-too-short');
    await page.getByLabel('New password').fill('a good long password');
    await page.getByLabel('Repeat the password').fill('a good long password');
    await ui.screenshot('setup');
    await page.getByRole('button', { name: 'Create admin' }).click();
    await page.getByRole('button', { name: 'Account menu' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByText('Harbour Family Clinic').first().waitFor();
    await ui.screenshot('signed-in-overview');

    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(/\/sign-in$/);
    await ui.signIn('owner@clinic.example', 'a good long password');

    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(/\/sign-in$/);
    await page.getByLabel('Email').fill('owner@clinic.example');
    await page.getByLabel(/^Password/).fill('not my password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The email or password is not right').waitFor();
    await ui.screenshot('sign-in-wrong-password');
    for (let i = 0; i < 4; i++) {
      await page.getByLabel(/^Password/).fill('still not my password');
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/sign-in')),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
    }
    await page.getByLabel(/^Password/).fill('a good long password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(/Too many failed sign-ins for this account\. Try again in \d+ minutes?\./).waitFor();
    await ui.screenshot('sign-in-rate-limited');
    expect(new URL(page.url()).pathname).toBe('/sign-in');

    // The used link now says so, in words, with what to do instead.
    await page.goto(url);
    await page.getByText('This setup link has already been used').waitFor();
    await ui.screenshot('setup-link-used');
    const expired = await issueSetupLink(ui.hub.database.db, ui.practiceId, ui.url);
    await ui.hub.database.db.query(
      `UPDATE auth_links SET expires_at = now() - interval '1 second' WHERE used_at IS NULL`,
    );
    await page.goto(expired.url);
    await page.getByText('This setup link has expired').waitFor();
    await ui.screenshot('setup-link-expired');
    expect(ui.pageErrors).toEqual([]);
  });

  it('a deep link survives sign-in; the back button walks pages; unknown URLs say so; staff see no admin pages', async () => {
    await addUser(ui.hub.database.db, ui.practiceId, 'desk@clinic.example', 'staff');
    await addUser(ui.hub.database.db, ui.practiceId, 'chief@clinic.example', 'admin');
    const { context, page } = await ui.newContext();
    await page.goto(`${ui.url}/settings/users`);
    await page.waitForURL(/\/sign-in\?next=%2Fsettings%2Fusers$/);
    await page.getByLabel('Email').fill('chief@clinic.example');
    await page.getByLabel(/^Password/).fill(ui.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/settings\/users$/);
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.waitForURL(/\/settings\/tokens$/);
    await page.goBack();
    await page.waitForURL(/\/settings\/users$/);
    await page.goto(`${ui.url}/no/such/page`);
    await page.getByText('There is nothing at this address').waitFor();
    await ui.screenshot('not-found', page);
    await context.close();

    const staff = await ui.newContext();
    await ui.signIn('desk@clinic.example', ui.admin.password, staff.page);
    expect(await staff.page.getByRole('link', { name: 'Users' }).count()).toBe(0);
    await staff.page.goto(`${ui.url}/settings/users`);
    await staff.page.getByText('This page is for practice admins').waitFor();
    await ui.screenshot('staff-admins-only', staff.page);
    await staff.context.close();
    expect(ui.pageErrors).toEqual([]);
  });
});
