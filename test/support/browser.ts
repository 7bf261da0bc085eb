// Browser tests of the console: a real Tandem (sandbox mode: the Hint and Healthengine emulators
// run in-process) on a free port with a fresh test database, Debian's Chromium driven by
// playwright-core, an admin of the default practice, and screenshots into test-artifacts/.
//
//   const ui = await startConsole();            // signed in as ui.admin, 1024×768
//   await ui.page.goto(`${ui.url}/patients`);
//   await ui.screenshot('patients-list');        // test-artifacts/screenshots/patients-list.png
//   await ui.stop();
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ensureDefaultPractice } from '../../src/db/practices.ts';
import { addUser, TEST_PASSWORD } from './console.ts';
import { startTestHub, type TestHub } from './hub.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const SCREENSHOT_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../test-artifacts/screenshots',
);

export interface ConsoleSession {
  hub: TestHub;
  /** Tandem's base URL (the console is at `/`). */
  url: string;
  /** The default practice: the one sandbox mode connects to the emulators. */
  practiceId: string;
  admin: { email: string; password: string };
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Uncaught errors in the page (a test can assert there are none). */
  pageErrors: string[];
  /** Signs in through the sign-in form and waits for the shell. */
  signIn(email?: string, password?: string, page?: Page): Promise<void>;
  /** A second browser context (its own cookies): another person, another tab set. */
  newContext(): Promise<{ context: BrowserContext; page: Page }>;
  screenshot(name: string, page?: Page): Promise<string>;
  stop(): Promise<void>;
}

export interface StartConsoleOptions {
  env?: Record<string, string>;
  /** Create the admin and sign in (default true). */
  signIn?: boolean;
  viewport?: { width: number; height: number };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export async function startConsole(options: StartConsoleOptions = {}): Promise<ConsoleSession> {
  const hub = await startTestHub({ TANDEM_SANDBOX: 'on', ...options.env });
  const practiceId = (await ensureDefaultPractice(hub.database.db)).id;
  const admin = { email: 'admin@clinic.example', password: TEST_PASSWORD };
  const browser = await launchChromium();
  const viewport = options.viewport ?? { width: 1024, height: 768 };
  const pageErrors: string[] = [];
  const open = async () => {
    const context = await browser.newContext({ viewport, baseURL: hub.url });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return { context, page };
  };
  const { context, page } = await open();

  const signIn: ConsoleSession['signIn'] = async (email = admin.email, password = admin.password, on = page) => {
    await on.goto(`${hub.url}/sign-in`);
    await on.getByLabel('Email').fill(email);
    await on.getByLabel(/^Password/).fill(password);
    await on.getByRole('button', { name: 'Sign in' }).click();
    await on.getByRole('button', { name: 'Account menu' }).waitFor();
  };

  if (options.signIn ?? true) {
    await addUser(hub.database.db, practiceId, admin.email, 'admin', admin.password);
    await signIn();
  }

  return {
    hub,
    url: hub.url,
    practiceId,
    admin,
    browser,
    context,
    page,
    pageErrors,
    signIn,
    newContext: open,
    async screenshot(name, on = page) {
      await mkdir(SCREENSHOT_DIR, { recursive: true });
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await on.screenshot({ path: file, fullPage: false });
      return file;
    },
    async stop() {
      await browser.close().catch(() => {});
      await hub.stop();
    },
  };
}
