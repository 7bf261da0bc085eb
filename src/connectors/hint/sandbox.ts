// Sandbox mode for Hint: the emulator runs in-process (seeded), and the default practice is
// connected to it through the real InstantOn flow — a connect session for the default practice,
// the emulator's marketplace "Connect" click, its redirect with ?code=, and the code exchange —
// so a newcomer sees sync happen.
// The emulator is loaded by path at run time: connector code never imports it statically.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { RunningSandbox, SandboxDeps } from '../types.ts';
import { listConnections } from '../../db/connections.ts';
import { startInitialSync } from './initial-sync.ts';
import { SESSION_COOKIE } from './activation-routes.ts';
import { createConnectSession } from './store.ts';
import type { HintDeps } from './connection.ts';
import { HANDSHAKE_PATH, SURFACES } from './app/routes.ts';

const EMULATOR = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../emulators/hint/index.ts');

const credentialsSchema = z
  .object({
    partnerApiKey: z.string(),
    webhookSecret: z.string(),
    partners: z.array(z.object({ id: z.string() }).loose()),
    practices: z.array(z.object({ id: z.string() }).loose()),
  })
  .loose();

interface Emulator {
  url: string;
  close(): Promise<void>;
}

export async function startHintSandbox(deps: HintDeps, sandbox: SandboxDeps): Promise<RunningSandbox> {
  const { startEmulator } = (await import(pathToFileURL(EMULATOR).href)) as {
    startEmulator(o: { seed?: number }): Promise<Emulator>;
  };
  const emulator = await startEmulator({ seed: 25 });
  const harness = (p: string, init?: RequestInit) => fetch(`${emulator.url}/_emulator${p}`, init);
  const creds = credentialsSchema.parse(await (await harness('/credentials')).json());
  deps.env.apiUrl = emulator.url;
  deps.env.partnerApiKey = creds.partnerApiKey;
  deps.env.webhookSecret = creds.webhookSecret;
  deps.env.marketplacePracticeId = creds.practices[0]?.id;
  deps.env.appOrigins = [...new Set([...deps.env.appOrigins, new URL(emulator.url).origin])];
  const base = sandbox.publicUrl();
  // The partner's registration: the InstantOn redirect, and the embedded app's handshake and surfaces.
  await harness('/partner', {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      redirectUrl: `${base}/connect/hint/callback?code=`,
      handshakeUrl: `${base}${HANDSHAKE_PATH}`,
      surfaces: Object.fromEntries(Object.entries(SURFACES).map(([name, p]) => [name, `${base}${p}`])),
    }),
  });
  const running = { name: 'hint', url: emulator.url, stop: () => emulator.close() };
  // TANDEM_SANDBOX_CONNECT=off: an admin connects from the console, as with the real Hint.
  if (!sandbox.config.sandboxConnect) return running;
  // The practice admin clicks Connect in Hint's marketplace; the browser follows the redirect.
  const click = await fetch(`${emulator.url}/marketplace/connect`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      practice: creds.practices[0]?.id ?? '',
      partner: creds.partners[0]?.id ?? '',
    }).toString(),
  });
  const location = click.headers.get('location');
  if (!location) throw new Error(`Hint sandbox: the marketplace did not redirect (${click.status})`);
  // As an admin would, the sandbox starts the connection in Tandem first: the session cookie
  // binds the code to the default practice (a code without one would be parked for approval).
  const session = await createConnectSession(sandbox.db, sandbox.defaultPractice.id);
  const landed = await fetch(location, { headers: { cookie: `${SESSION_COOKIE}=${session.id}` } });
  if (!landed.ok) throw new Error(`Hint sandbox: InstantOn callback answered ${landed.status}`);
  // Bring the seeded Hint patients and practitioners in, as a practice would on day one.
  const [connection] = await listConnections(sandbox.db, sandbox.defaultPractice.id, 'hint');
  if (connection) await startInitialSync(deps, connection, false);
  return running;
}
