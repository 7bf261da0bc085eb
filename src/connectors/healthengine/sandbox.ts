// Sandbox mode for Healthengine: the emulator runs in-process (seeded, consent granted), the
// default practice gets the demo clinic if it is empty, and that location is linked to the
// emulator's practice with the real linking flow. The emulator is loaded by path at run
// time: connector code never imports it statically (it must not share the client's bugs).
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { createConnection, listConnections, setCredentials, updateConnection } from '../../db/connections.ts';
import { forgetConnectionState } from './store.ts';
import type { RunningSandbox, SandboxDeps } from '../types.ts';
import type { StoredCredentials } from './connection.ts';
import { settingsSchema } from './settings.ts';
import { seedDemoClinic } from './sandbox-clinic.ts';
import { newWebhookSecret, requestLink } from './activation.ts';

const EMULATOR = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../emulators/healthengine/index.ts');

const credentialsSchema = z
  .object({
    apiKey: z.string(),
    practices: z.array(z.object({ practiceId: z.string(), practiceKey: z.string() }).loose()).min(1),
  })
  .loose();
const practiceSchema = z.object({ practiceId: z.string(), practiceKey: z.string(), timezone: z.string() }).loose();

/**
 * The emulator's practice in the demo clinic's time zone: its seeded practice when the zones
 * agree, else a new one (Healthengine's health rules and slots are computed in the practice's
 * zone, so a Perth practice for a Sydney clinic would be live and bookable at the wrong hours).
 */
async function practiceIn(url: string, seeded: z.infer<typeof practiceSchema>, timeZone: string) {
  if (seeded.timezone === timeZone) return seeded;
  const response = await fetch(`${url}/_emulator/practices`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ timezone: timeZone, name: 'Tandem Demo Clinic' }),
  });
  if (response.status !== 201) throw new Error(`the Healthengine emulator refused a practice in ${timeZone}`);
  return practiceSchema.parse(await response.json());
}

interface Emulator {
  url: string;
  close(): Promise<void>;
}

/** The emulator's URL and consumer key, for Healthengine practices linked from the console in sandbox mode. */
export interface SandboxApi {
  apiUrl: string;
  apiKey: string;
}

export async function startHealthengineSandbox(deps: SandboxDeps): Promise<RunningSandbox & { api: SandboxApi }> {
  const { startEmulator } = (await import(pathToFileURL(EMULATOR).href)) as {
    startEmulator(o: { logger?: boolean }): Promise<Emulator>;
  };
  const emulator = await startEmulator({ logger: false });
  try {
    const creds = credentialsSchema.parse(await (await fetch(`${emulator.url}/_emulator/credentials`)).json());
    const practiceId = deps.defaultPractice.id;
    const { locationId } = await seedDemoClinic(deps.db, practiceId);
    const {
      rows: [location],
    } = await deps.db.query('SELECT time_zone FROM locations WHERE practice_id = $1 AND id = $2', [
      practiceId,
      locationId,
    ]);
    const practice = await practiceIn(emulator.url, practiceSchema.parse(creds.practices[0]), location.time_zone);
    const running = {
      name: 'healthengine',
      url: emulator.url,
      api: { apiUrl: emulator.url, apiKey: creds.apiKey },
      stop: () => emulator.close(),
    };
    // TANDEM_SANDBOX_CONNECT=off: an admin links the emulated practice from the console.
    if (!deps.config.sandboxConnect) return running;
    const credentials: StoredCredentials = {
      practiceId: practice.practiceId,
      practiceKey: practice.practiceKey,
      webhookSecret: newWebhookSecret(),
      apiUrl: emulator.url,
      apiKey: creds.apiKey,
    };
    // The emulator starts empty on every run (new port, no state): relink the sandbox connection from scratch.
    const existing = (await listConnections(deps.db, practiceId, 'healthengine')).find(
      (c) => c.name === 'Healthengine sandbox',
    );
    if (existing) {
      await setCredentials(deps.db, deps.secrets, practiceId, existing.id, credentials);
      await updateConnection(deps.db, practiceId, existing.id, {
        status: 'pending',
        remoteAccountId: practice.practiceId,
        statusMessage: 'Linking the sandbox',
      });
      await forgetConnectionState(deps.db, existing.id);
      await requestLink(deps.db, practiceId, existing.id);
    } else {
      const connection = await createConnection(deps.db, deps.secrets, {
        practiceId,
        system: 'healthengine',
        name: 'Healthengine sandbox',
        status: 'pending',
        statusMessage: 'Linking the sandbox',
        remoteAccountId: practice.practiceId,
        settings: settingsSchema.parse({ locationIds: [locationId] }),
        credentials,
      });
      await requestLink(deps.db, practiceId, connection.id);
    }
    return running;
  } catch (error) {
    await emulator.close();
    throw error;
  }
}
