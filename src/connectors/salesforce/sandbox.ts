// Sandbox mode for Salesforce: the emulator runs in-process (seed 25, matching the Hint
// sandbox), Tandem's package is deployed into it, the console's OAuth callback is registered
// on its connected app, and the default practice is connected with the JWT bearer flow, with
// automatic contact creation on and the seeded "Hint Patients (Default)" account as Default
// Account — so a newcomer sees contacts and patients linked with no Salesforce account.
// The emulator is loaded by path at run time: connector code never imports it statically.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { RunningSandbox, SandboxDeps } from '../types.ts';
import { listConnections, setCredentials, updateConnection } from '../../db/connections.ts';
import { jwtBearerToken, identityIds } from './auth.ts';
import { activate, connectWithJwt, CALLBACK_PATH } from './activation.ts';
import type { CaptureManager } from './capture.ts';
import { clientFor, loadConnection, type SalesforceCredentials, type SalesforceDeps } from './connection.ts';
import { DEFAULT_SETTINGS } from './settings.ts';
import { saveSyncState } from './store.ts';

const EMULATOR = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../emulators/salesforce/index.ts');
export const SANDBOX_NAME = 'Salesforce sandbox';

const credentialsSchema = z
  .object({
    loginUrl: z.string(),
    clientId: z.string(),
    clientSecret: z.string(),
    callbackUrls: z.array(z.string()),
    username: z.string(),
    jwt: z.object({ privateKeyPem: z.string() }).loose(),
  })
  .loose();

interface Emulator {
  url: string;
  close(): Promise<void>;
}

export async function startSalesforceSandbox(
  deps: SalesforceDeps,
  capture: CaptureManager,
  sandbox: SandboxDeps,
): Promise<RunningSandbox> {
  const { startEmulator } = (await import(pathToFileURL(EMULATOR).href)) as {
    startEmulator(o: { seed?: number }): Promise<Emulator>;
  };
  const emulator = await startEmulator({ seed: 25 });
  const harness = (p: string, init?: { method: string; body?: unknown }) =>
    fetch(`${emulator.url}/_emulator${p}`, {
      method: init?.method ?? 'GET',
      headers: init?.body === undefined ? {} : { 'content-type': 'application/json' },
      body: init?.body === undefined ? undefined : JSON.stringify(init.body),
    });
  try {
    const creds = credentialsSchema.parse(await (await harness('/credentials')).json());
    await harness('/setup/deploy', { method: 'POST', body: {} });
    await harness('/connected-app', {
      method: 'PATCH',
      body: { callbackUrls: [...new Set([...creds.callbackUrls, `${sandbox.publicUrl()}${CALLBACK_PATH}`])] },
    });
    deps.sandbox = {
      loginUrl: creds.loginUrl,
      clientId: creds.clientId,
      clientSecret: creds.clientSecret,
      username: creds.username,
      privateKeyPem: creds.jwt.privateKeyPem,
    };
    const running = { name: 'salesforce', url: emulator.url, stop: () => emulator.close() };
    // TANDEM_SANDBOX_CONNECT=off: an admin connects from the console, as with a real org.
    if (!sandbox.config.sandboxConnect) return running;
    await connectDefaultPractice(deps, capture, sandbox.defaultPractice.id);
    return running;
  } catch (error) {
    await emulator.close();
    throw error;
  }
}

async function connectDefaultPractice(deps: SalesforceDeps, capture: CaptureManager, practiceId: string) {
  const s = deps.sandbox!;
  const input = { loginUrl: s.loginUrl, clientId: s.clientId, username: s.username, privateKeyPem: s.privateKeyPem };
  const existing = (await listConnections(deps.db, practiceId, 'salesforce')).find((c) => c.name === SANDBOX_NAME);
  let connectionId: string;
  if (existing) {
    // A new emulator each run (new port, new key, its own replay ids): new tokens, capture from now.
    const grant = await jwtBearerToken(input);
    const credentials: SalesforceCredentials = {
      flow: 'jwt',
      ...input,
      instanceUrl: grant.instanceUrl,
      accessToken: grant.accessToken,
      issuedAt: Date.now(),
      ...identityIds(grant.identity),
    };
    await setCredentials(deps.db, deps.secrets, practiceId, existing.id, credentials);
    await saveSyncState(deps.db, practiceId, existing.id, { replayId: null, pollCursor: null, capture: 'cdc' });
    await activate(deps, capture, existing);
    connectionId = existing.id;
  } else {
    const { connection } = await connectWithJwt(deps, capture, practiceId, {
      ...input,
      name: SANDBOX_NAME,
      settings: { ...DEFAULT_SETTINGS, createContactWhenNoMatch: true },
    });
    connectionId = connection.id;
  }
  // The seeded Default Account receives the contacts Tandem creates.
  const loaded = await loadConnection(deps, practiceId, connectionId, { anyStatus: true });
  const [account] = await clientFor(deps, loaded).query<{ Id: string }>(
    "SELECT Id FROM Account WHERE Name = 'Hint Patients (Default)' LIMIT 1",
  );
  if (account)
    await updateConnection(deps.db, practiceId, connectionId, {
      settings: { ...loaded.connection.settings, defaultAccountId: account.Id, createContactWhenNoMatch: true },
    });
}
