// Settings → Users and Settings → API tokens in a real Chromium: invite a staff user (one-time
// link), the invitee sets a password and signs in as staff, a bad email is named under its
// field, the last admin cannot demote themselves, disable with confirmation; create a token
// (shown once, works over the API), revoke it (stops working).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, startConsole, type ConsoleSession } from '../support/browser.ts';

describe.skipIf(!hasChromium)('console settings in a browser', () => {
  let ui: ConsoleSession;
  beforeAll(async () => {
    ui = await startConsole();
  }, 180_000); // sandbox mode starts three emulators and their syncs: slow on two loaded cores
  afterAll(async () => ui?.stop());

  it('invites a staff user who sets a password through the link; disables them after a confirmation', async () => {
    const { page } = ui;
    await page.getByRole('link', { name: 'Users' }).click();
    await page.waitForURL(/\/settings\/users$/);
    const form = page.getByRole('form', { name: 'Invite a user' });
    await form.getByLabel('Email').fill('not an email');
    await form.getByRole('button', { name: 'Invite' }).click();
    await form.getByText('is not an email address').waitFor();
    await ui.screenshot('users-invite-bad-email');

    await form.getByLabel('Email').fill('desk@clinic.example');
    await form.getByRole('button', { name: 'Invite' }).click();
    const link = await page.getByTestId('one-time-secret').textContent();
    expect(link).toMatch(new RegExp(`^${ui.url}/set-password\\?code=`));
    await page
      .getByRole('row', { name: /desk@clinic\.example/ })
      .getByText('Invited (no password yet)')
      .waitFor();
    await ui.screenshot('users-invited');

    const invitee = await ui.newContext();
    await invitee.page.goto(link!);
    await invitee.page.getByLabel('Email').and(invitee.page.locator('[readonly]')).waitFor();
    await invitee.page.getByLabel('New password').fill('front desk password');
    await invitee.page.getByLabel('Repeat the password').fill('front desk password');
    await ui.screenshot('set-password', invitee.page);
    await invitee.page.getByRole('button', { name: 'Set password and sign in' }).click();
    await invitee.page.getByRole('button', { name: 'Account menu' }).waitFor();
    expect(await invitee.page.getByRole('button', { name: 'Account menu' }).textContent()).toContain('staff');
    expect(await invitee.page.getByRole('link', { name: 'API tokens' }).count()).toBe(0);

    // The only admin cannot make themselves staff: the reason shows next to their row.
    await page.reload();
    await page
      .getByRole('textbox', { name: `Role of ${ui.admin.email}` })
      .or(page.getByRole('combobox', { name: `Role of ${ui.admin.email}` }))
      .first()
      .click();
    await page.getByRole('option', { name: 'staff' }).click();
    await page.getByText('A practice needs at least one enabled admin').waitFor();
    await ui.screenshot('users-last-admin');

    await page.getByRole('button', { name: 'Disable desk@clinic.example' }).click();
    await page.getByRole('dialog').getByText('They are signed out of this practice at once').waitFor();
    await ui.screenshot('users-disable-confirm');
    await page.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
    await page
      .getByRole('row', { name: /desk@clinic\.example/ })
      .getByText('disabled')
      .waitFor();
    await ui.screenshot('users-disabled');

    // The disabled user's open console notices on its next request and goes to sign-in.
    await invitee.page.reload();
    await invitee.page.waitForURL(/\/sign-in/);
    await invitee.context.close();
    expect(ui.pageErrors).toEqual([]);
  });

  it('creates an API token shown once, which works until it is revoked', async () => {
    const { page } = ui;
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.waitForURL(/\/settings\/tokens$/);
    await page.getByLabel('Token name').fill('EMR nightly export');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.getByTestId('one-time-secret').textContent())!;
    expect(token).toMatch(/^tdm_/);
    await ui.screenshot('tokens-created');
    const call = () => fetch(`${ui.url}/api/v1/patients`, { headers: { authorization: `Bearer ${token}` } });
    expect((await call()).status).toBe(200);

    await page.getByRole('button', { name: 'Revoke EMR nightly export' }).click();
    await ui.screenshot('tokens-revoke-confirm');
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('row', { name: /EMR nightly export/ }).waitFor({ state: 'detached' });
    expect((await call()).status).toBe(401);
    await page.reload();
    await page
      .getByText('No API tokens')
      .or(page.getByRole('table', { name: 'API tokens' }))
      .first()
      .waitFor();
    expect(await page.getByRole('row', { name: /EMR nightly export/ }).count()).toBe(0);
    expect(ui.pageErrors).toEqual([]);
  });
});
