// The console walk of issue 13, in a real Chromium against a real Tandem in sandbox mode with
// nothing connected yet (TANDEM_SANDBOX_CONNECT=off: the emulators wait, as real platforms do):
// setup link → first admin → Hint connected through InstantOn (two clicks) → field mapping
// (an inline error, then saved) → initial-sync preview → the run, its progress seen moving →
// a patient created in the Hint emulator appears with its Hint facts → an errored patient fixed
// and retried from its page → a review accepted → Healthengine linked from the console and a
// booking made through the emulator's harness on the patient's page and timeline → logs
// filtered → a failed job retried. Every page is screenshotted into test-artifacts/screenshots.
// The steps share one browser and run in order; each waits on what the page shows.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueSetupLink } from '../../src/http/setup-link.ts';
import { enqueue } from '../../src/jobs/queue.ts';
import { addUser } from '../support/console.ts';
import { hasChromium, startConsole, type ConsoleSession } from '../support/browser.ts';
import { waitFor } from '../hint/support.ts';
import { nextMonday, patient as bookingPatient } from '../healthengine/support.ts';

const STEP_MS = 180_000;

describe.skipIf(!hasChromium)('the console walk', () => {
  let ui: ConsoleSession;
  let hintUrl: string;
  let heUrl: string;
  let hintConnectionId: string;
  let hintPracticeId: string;
  let fenwick: { hintId: string; patientId: string };
  const admin = { email: 'owner@walk.example', password: 'a long walk password' };

  /** The API as the signed-in browser speaks it: its session cookie, and the CSRF header on writes. */
  const api = async (method: string, route: string, body?: unknown) => {
    const cookies = await ui.context.cookies();
    const csrf = cookies.find((c) => c.name === 'tandem_csrf')?.value ?? '';
    const res = await ui.page.request.fetch(`${ui.url}/api/v1${route}`, {
      method,
      headers: method === 'GET' ? {} : { 'x-csrf-token': csrf },
      data: body,
    });
    const text = await res.text();
    return { status: res.status(), body: text ? JSON.parse(text) : undefined };
  };
  const shot = (name: string) => ui.screenshot(`walk-${name}`);
  const nav = (name: string) => ui.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
  // Each step builds on the one before: after a failure the rest are skipped, not failed again.
  let broken = false;
  const step = (name: string, fn: () => Promise<void>) =>
    it(
      name,
      async (ctx) => {
        if (broken) ctx.skip();
        try {
          await fn();
        } catch (error) {
          broken = true;
          await shot('failed').catch(() => {});
          throw error;
        }
      },
      STEP_MS,
    );

  beforeAll(async () => {
    ui = await startConsole({ signIn: false, env: { TANDEM_SANDBOX_CONNECT: 'off' } });
  }, STEP_MS);
  afterAll(async () => ui?.stop(), STEP_MS);

  step('creates the first admin from the setup link', async () => {
    const { page } = ui;
    // The link start-up logs when there is no user yet (`tandem user setup-link` issues the same).
    const { url } = await issueSetupLink(ui.hub.database.db, ui.practiceId, ui.url);
    await page.goto(url);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Practice name').fill('Walkers Family Practice');
    await page.getByLabel('New password').fill(admin.password);
    await page.getByLabel('Repeat the password').fill(admin.password);
    await shot('01-setup');
    await page.getByRole('button', { name: 'Create admin' }).click();
    await page.getByRole('button', { name: 'Account menu' }).waitFor();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await shot('02-overview-empty');
    const sandbox = await api('GET', '/sandbox');
    hintUrl = sandbox.body.hint.url;
    heUrl = sandbox.body.healthengine.url;
  });

  step('connects Hint through InstantOn in two clicks, landing on the field mapping', async () => {
    const { page } = ui;
    await nav('Connections').click();
    await page.getByText('No connections yet').waitFor();
    await shot('03-connections-empty');
    // Click 1: Tandem starts the connect session and opens Hint's marketplace.
    await page.getByRole('button', { name: 'Connect Hint' }).click();
    await page.waitForURL(/\/marketplace\/connect\?practice=/);
    hintPracticeId = new URL(page.url()).searchParams.get('practice')!;
    await shot('04-hint-marketplace');
    // Click 2: Connect on Tandem's tile; Hint redirects back with the code.
    await page.getByRole('button', { name: 'Connect' }).first().click();
    await page.waitForURL(/\/connections\/[0-9a-f-]{36}\?setup=mapping$/);
    hintConnectionId = new URL(page.url()).pathname.split('/')[2]!;
    // The default mapping is filled in.
    await expect
      .poll(() => page.getByRole('combobox', { name: 'Tandem field, row 1', exact: true }).inputValue())
      .toBe('firstName');
    expect(await page.getByRole('combobox', { name: 'Hint field, row 1', exact: true }).inputValue()).toBe(
      'first_name',
    );
    expect(await page.getByRole('combobox', { name: 'Direction, row 1', exact: true }).inputValue()).toBe('Both ways');
    await shot('05-mapping');
    const links = await ui.hub.database.db.query('SELECT count(*)::int AS n FROM links WHERE connection_id = $1', [
      hintConnectionId,
    ]);
    expect(links.rows[0].n).toBe(0);
  });

  step('shows the API’s mapping error on the row that caused it, then saves and previews', async () => {
    const { page } = ui;
    await page.getByRole('combobox', { name: 'Tandem field, row 2', exact: true }).click();
    await page.getByRole('option', { name: 'firstName', exact: true }).click();
    await page.getByRole('button', { name: 'Save and preview' }).click();
    await page.getByText('maps firstName twice').waitFor();
    await shot('06-mapping-error');
    await page.getByRole('combobox', { name: 'Tandem field, row 2', exact: true }).click();
    await page.getByRole('option', { name: 'middleName', exact: true }).click();
    await page.getByRole('combobox', { name: 'Direction, row 4', exact: true }).click();
    await page.getByRole('option', { name: 'From Hint only' }).click();
    await page.getByRole('button', { name: 'Save and preview' }).click();
    await page.waitForURL(/setup=preview&batch=/);
    await page.getByText('A sample').waitFor({ timeout: 120_000 });
    const settings = await api('GET', `/hint/connections/${hintConnectionId}/settings`);
    expect(settings.body.fieldMapping[3].direction).toBe('fromHint');
    // A preview writes nothing: still no link, and the counts say what would happen.
    const links = await ui.hub.database.db.query('SELECT count(*)::int AS n FROM links WHERE connection_id = $1', [
      hintConnectionId,
    ]);
    expect(links.rows[0].n).toBe(0);
    const count = async (action: string) =>
      Number((await page.locator(`[data-action="${action}"]`).textContent())!.replace(/\D/g, ''));
    expect(await count('create_remote')).toBeGreaterThan(250);
    expect(await count('create_local')).toBeGreaterThan(0);
    await page.getByTestId('batch-report').waitFor();
    await shot('07-preview');
  });

  step('runs the initial sync with its progress moving, and reports it as a table and a CSV', async () => {
    const { page } = ui;
    await page.getByRole('button', { name: 'Run the initial sync' }).click();
    await page.waitForURL(/\/batches\/[0-9a-f-]{36}$/);
    const batchId = new URL(page.url()).pathname.split('/')[2]!;
    const seen = new Set<string>();
    let midway = false;
    await waitFor(
      async () => {
        const percent = await page.getByTestId('batch-progress').getAttribute('data-percent');
        if (percent !== null && percent !== '') seen.add(percent);
        if (!midway && percent && Number(percent) > 0 && Number(percent) < 100) {
          midway = true;
          await shot('08-batch-running');
        }
        return page.getByText('Every record was worked through').isVisible();
      },
      'the initial sync to finish',
      150_000,
    );
    // The bar moved: it showed at least one value between the start and the end.
    expect([...seen].some((p) => Number(p) > 0 && Number(p) < 100)).toBe(true);
    expect(seen.has('100')).toBe(true);
    await shot('09-batch-done');
    const batch = (await api('GET', `/batches/${batchId}`)).body;
    expect(batch).toMatchObject({ status: 'completed', dryRun: false });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the report as CSV' }).click(),
    ]);
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('entity_kind,remote_id,local_id,action,message,at');
    expect(lines.length - 1).toBe(batch.processed);
    await nav('Batches').click();
    await page.getByTestId('batches').waitFor();
    await shot('10-batches');
  });

  step('shows a patient created in the Hint emulator with its Hint facts', async () => {
    const { page } = ui;
    const created = await fetch(`${hintUrl}/_emulator/practices/${hintPracticeId}/patients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        first_name: 'Walker',
        last_name: 'Fenwick',
        dob: '1984-06-02',
        email: 'walker.fenwick@example.com',
        patient_agreement_accepted: true,
      }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    const inTandem = await waitFor(async () => {
      const res = await api('GET', `/patients/hint:${created.id}`);
      return res.status === 200 ? res.body : undefined;
    }, 'the Hint patient in Tandem');
    fenwick = { hintId: created.id, patientId: inTandem.id };
    await nav('Patients').click();
    await page.getByRole('textbox', { name: 'Search', exact: true }).fill('Fenwick');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('link', { name: /Walker Fenwick/ }).waitFor();
    await shot('11-patients-search');
    await page.getByRole('link', { name: /Walker Fenwick/ }).click();
    await page.waitForURL(`**/patients/${fenwick.patientId}`);
    const facts = page.getByRole('table', { name: 'Hint facts' });
    await facts.waitFor();
    expect(await facts.textContent()).toMatch(/Membership/);
    // Hint-owned acceptances, read-only: the member contract accepted (with when), HIPAA not yet.
    expect(await facts.getByRole('row', { name: /Member contract/ }).textContent()).toMatch(/Accepted \w+/);
    expect(await facts.getByRole('row', { name: /HIPAA authorization/ }).textContent()).toMatch(/Not accepted/);
    expect(await page.getByRole('link', { name: 'Open this patient in Hint' }).getAttribute('href')).toContain(
      created.id,
    );
    await shot('12-patient-hint-facts');
  });

  step('fixes an errored patient on its page and retries it', async () => {
    const { page } = ui;
    // The practice's Hint set-up requires an email: set in the generated settings form.
    await page.goto(`${ui.url}/connections/${hintConnectionId}?tab=settings`);
    await page.getByLabel('Fields your Hint set-up requires').first().click();
    await page.getByRole('option', { name: 'email', exact: true }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    expect((await api('GET', `/hint/connections/${hintConnectionId}/settings`)).body.hintRequiredFields).toEqual([
      'email',
    ]);
    await page.getByLabel('Fields your Hint set-up requires').first().scrollIntoViewIfNeeded();
    await shot('13-hint-settings');
    // Staff remove the patient's email in Tandem: Hint cannot take that, the link shows why.
    await page.goto(`${ui.url}/patients/${fenwick.patientId}`);
    await page.getByLabel('Email').fill('');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await waitFor(
      async () => (await api('GET', `/patients/${fenwick.patientId}`)).body.links[0]?.status === 'errored',
      'the link errored',
      60_000,
    );
    // The patient page does not follow the link after a save; a reload shows its new state.
    await page.reload();
    await page.getByTestId('link-error').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('link-error').textContent()).toMatch(/email is required by Hint/);
    await shot('14-patient-errored');
    // Fixed on the page, then retried from it.
    await page.getByLabel('Email').fill('walker.f@example.com');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Retry the Hint sync now' }).click();
    await waitFor(
      async () => (await api('GET', `/patients/${fenwick.patientId}`)).body.links[0]?.status === 'synced',
      'the patient synced again',
      60_000,
    );
    await page.getByTestId('link-hint').getByText('synced').waitFor();
    await shot('15-patient-fixed');
    const inHint = await fetch(`${hintUrl}/_emulator/practices/${hintPracticeId}/patients/${fenwick.hintId}`).then(
      (r) => (r.ok ? (r.json() as Promise<{ email?: string }>) : undefined),
    );
    if (inHint) expect(inHint.email).toBe('walker.f@example.com');
  });

  step('accepts a review', async () => {
    const { page } = ui;
    // An uncertain match: a Tandem patient kept out of Hint for the moment (Hint settings), then
    // a Hint patient with the same name and no birth date to compare it by.
    const settings = `/hint/connections/${hintConnectionId}/settings`;
    expect((await api('PATCH', settings, { createInHint: false })).status).toBe(200);
    const local = (await api('POST', '/patients', { firstName: 'Ottilie', lastName: 'Marchbanks', dob: '1981-09-23' }))
      .body;
    const twin = (await fetch(`${hintUrl}/_emulator/practices/${hintPracticeId}/patients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ first_name: 'Ottilie', last_name: 'Marchbanks', email: 'ottilie.m@example.net' }),
    }).then((r) => r.json())) as { id: string };
    const review = await waitFor(
      async () =>
        ((await api('GET', '/match-reviews?status=pending')).body.data as { id: string; remoteId: string }[]).find(
          (r) => r.remoteId === twin.id,
        ),
      'the review of the Hint patient',
      60_000,
    );
    await nav('Review queue').click();
    await page.getByRole('region', { name: 'Current review' }).waitFor();
    // Other reviews may wait too: J until this one shows (its Hint id in the card).
    const card = page.getByRole('region', { name: 'Current review' });
    await card.getByRole('table').waitFor();
    for (let i = 0; i < 200 && !(await card.getByText(twin.id, { exact: true }).isVisible()); i++) {
      await page.keyboard.press('j');
      await page.waitForTimeout(50);
    }
    await page.getByRole('link', { name: 'Ottilie Marchbanks' }).waitFor();
    await shot('16-review');
    await page.getByRole('button', { name: /^Accept candidate 1/ }).click();
    await page
      .getByRole('status')
      .getByText(/^Accepted:/)
      .waitFor();
    expect((await api('GET', `/match-reviews/${review.id}`)).body.status).toBe('accepted');
    await waitFor(
      async () =>
        ((await api('GET', `/patients/${local.id}`)).body.links as { remoteId: string; status: string }[]).some(
          (l) => l.remoteId === twin.id && l.status === 'synced',
        ),
      'the Hint patient linked and synced',
      60_000,
    );
    expect((await api('PATCH', settings, { createInHint: true })).status).toBe(200);
    await shot('17-review-accepted');
  });

  step(
    'links Healthengine from the console; a booking made on the emulator shows on the patient’s page and timeline',
    async () => {
      const { page } = ui;
      const creds = (await fetch(`${heUrl}/_emulator/credentials`).then((r) => r.json())) as {
        practices: { practiceId: string; practiceKey: string }[];
      };
      const he = creds.practices[0]!;
      await nav('Connections').click();
      await page.getByRole('button', { name: 'Link a Healthengine practice' }).click();
      await page.getByLabel('Practice ID').fill(he.practiceId);
      await page.getByLabel('Practice key').fill(he.practiceKey);
      await page.getByLabel(/Tandem Demo Clinic/).check();
      await shot('18-healthengine-link');
      await page.getByRole('button', { name: 'Link practice' }).click();
      await page.waitForURL(/\/connections\/[0-9a-f-]{36}$/);
      const heConnectionId = new URL(page.url()).pathname.split('/')[2]!;
      await waitFor(
        async () => {
          const c = (await api('GET', `/healthengine/connections/${heConnectionId}`)).body;
          return c.status === 'active' && c.lastFullPublishAt;
        },
        'Healthengine linked and availability published',
        90_000,
      );
      await page.reload();
      await page.getByText('Last full publication').waitFor();
      await shot('19-healthengine-connection');
      await page.getByRole('tab', { name: 'Settings' }).click();
      await page.getByText('Days of availability published').waitFor();
      await shot('20-healthengine-settings');

      const day = nextMonday(3);
      const published = (await fetch(`${heUrl}/_emulator/practices/${he.practiceId}/availability?date=${day}`).then(
        (r) => r.json(),
      )) as { slots: { pmsResourceId: string; start: string; pmsAppointmentTypeIds?: string[] }[] };
      const slot = published.slots[0]!;
      const booked = (await fetch(`${heUrl}/_emulator/practices/${he.practiceId}/bookings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          pmsResourceId: slot.pmsResourceId,
          start: slot.start,
          pmsAppointmentTypeId: slot.pmsAppointmentTypeIds?.[0],
          patient: bookingPatient({ firstname: 'Bea', lastname: 'Booker', email: 'bea.booker@example.com' }),
        }),
      }).then((r) => r.json())) as { bookingId: number };
      const appointment = await waitFor(
        async () =>
          (await api('GET', '/appointments?limit=50')).body.data.find(
            (a: { external?: { healthengine?: { bookingId?: number } } }) =>
              a.external?.healthengine?.bookingId === booked.bookingId,
          ),
        'the booking in the appointment book',
        60_000,
      );
      await page.goto(`${ui.url}/patients/${appointment.patientId}`);
      const appointments = page.getByRole('table', { name: 'Appointments' });
      await appointments.waitFor();
      expect(await appointments.textContent()).toMatch(/Healthengine|healthengine/);
      await page
        .getByRole('list', { name: 'Timeline entries' })
        .or(page.getByLabel('Timeline entries'))
        .first()
        .waitFor();
      expect(await page.getByLabel('Timeline entries').textContent()).toMatch(/Healthengine|booking/i);
      await shot('21-patient-booking');
    },
  );

  step('filters the log by level, connection and record', async () => {
    const { page } = ui;
    await nav('Logs').click();
    await page.getByTestId('log-entries').waitFor();
    await shot('22-logs');
    await page.getByText('Errors', { exact: true }).click();
    await page.getByRole('combobox', { name: 'Connection' }).click();
    await page.getByRole('option', { name: /^Hint:/ }).click();
    await page.waitForURL(/level=error/);
    await page.waitForURL(/connectionId=/);
    await page.getByTestId('log-entries').waitFor();
    const levels = await page.getByTestId('log-entries').locator('tbody tr td:nth-child(2)').allTextContents();
    expect(levels.length).toBeGreaterThan(0);
    expect(levels.every((l) => l === 'error' || l === 'exception')).toBe(true);
    await page.getByLabel('Record id').fill(fenwick.patientId);
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(new RegExp(`entityId=${fenwick.patientId}`));
    await page.getByText('email is required by Hint').first().waitFor();
    await shot('23-logs-filtered');
  });

  step('retries a failed job from the jobs page', async () => {
    const { page } = ui;
    // Hint is down: a reconciliation run with a single attempt fails for good.
    await fetch(`${hintUrl}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 503, count: 1000, path: '/api/provider/' }),
    });
    await enqueue(
      ui.hub.database.db,
      'hint:reconcile',
      { practiceId: ui.practiceId, connectionId: hintConnectionId },
      { maxAttempts: 1, jobKey: 'walk-reconcile' },
    );
    const failed = await waitFor(
      async () =>
        (await api('GET', '/jobs/failed')).body.data.find((j: { task: string }) => j.task === 'hint:reconcile'),
      'the failed job',
      90_000,
    );
    await fetch(`${hintUrl}/_emulator/faults`, { method: 'DELETE' });
    await nav('Jobs').click();
    await page.getByTestId('failed-jobs').waitFor();
    expect(await page.getByTestId('failed-jobs').textContent()).toMatch(/503/);
    await shot('24-jobs-failed');
    await page.getByRole('button', { name: `Retry job ${failed.id}` }).click();
    await page.getByText('No failed jobs').waitFor({ timeout: 60_000 });
    expect((await api('GET', '/jobs/failed')).body.data).toEqual([]);
    await page.getByTestId('inbox').waitFor();
    await shot('25-jobs-retried');
  });

  step('keeps connection changes from staff: buttons disabled, the API refuses', async () => {
    await addUser(ui.hub.database.db, ui.practiceId, 'desk@walk.example', 'staff');
    const { context, page } = await ui.newContext();
    await ui.signIn('desk@walk.example', undefined, page);
    await page.goto(`${ui.url}/connections`);
    await page.getByRole('button', { name: 'Connect Hint' }).waitFor();
    expect(await page.getByRole('button', { name: 'Connect Hint' }).isDisabled()).toBe(true);
    await ui.screenshot('walk-26-staff-connections', page);
    const csrf = (await context.cookies()).find((c) => c.name === 'tandem_csrf')?.value ?? '';
    const refused = await page.request.post(`${ui.url}/api/v1/hint/connections/${hintConnectionId}/sync`, {
      headers: { 'x-csrf-token': csrf },
      data: { dryRun: true },
    });
    expect(refused.status()).toBe(403);
    const batch = (await api('GET', '/batches?limit=1')).body.data[0];
    const abort = await page.request.post(`${ui.url}/api/v1/batches/${batch.id}/abort`, {
      headers: { 'x-csrf-token': csrf },
    });
    expect(abort.status()).toBe(403);
    await context.close();
    expect(ui.pageErrors).toEqual([]);
  });
});
