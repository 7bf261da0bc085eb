// Sandbox mode: for every platform with no real credentials configured (or all of them with
// TANDEM_SANDBOX=on), its emulator starts in-process, seeded, and the default practice is
// connected to it, so a newcomer sees sync happening with no account and no network.
import type { Config } from './config.ts';
import type { Connector, RunningSandbox, SandboxDeps } from './connectors/types.ts';
import type { Logger } from './logger.ts';
import type { StartEmulator } from './emulators/shared/types.ts';

// Platforms whose connector is still to come: sandbox mode runs their emulator in-process (seeded)
// and lists it, so it is there to explore and to build the connector against.
// (Salesforce was one until its connector came; none is today.)
const EMULATOR_ONLY: { system: Connector['system']; load: () => Promise<{ startEmulator: StartEmulator }> }[] = [];

export async function startSandboxes(
  config: Config,
  connectors: Connector[],
  deps: SandboxDeps,
  logger: Logger,
): Promise<RunningSandbox[]> {
  if (config.sandbox === 'off') return [];
  const running: RunningSandbox[] = [];
  for (const connector of connectors) {
    if (!connector.startSandbox) continue;
    if (config.sandbox === 'auto' && connector.hasRealCredentials()) continue;
    try {
      const sandbox = await connector.startSandbox(deps);
      running.push(sandbox);
      logger.info(
        { sandbox: sandbox.name, url: sandbox.url },
        `SANDBOX MODE: ${sandbox.name} emulator at ${sandbox.url} (no real ${sandbox.name} credentials configured)`,
      );
    } catch (error) {
      logger.error({ err: error, system: connector.system }, `could not start the ${connector.system} sandbox`);
    }
  }
  for (const { system, load } of EMULATOR_ONLY) {
    if (connectors.some((c) => c.system === system)) continue;
    try {
      const emulator = await (await load()).startEmulator({ seed: 25 });
      running.push({ name: system, url: emulator.url, stop: () => emulator.close() });
      logger.info(
        { sandbox: system, url: emulator.url },
        `SANDBOX MODE: ${system} emulator at ${emulator.url} (no connector yet)`,
      );
    } catch (error) {
      logger.error({ err: error, system }, `could not start the ${system} sandbox`);
    }
  }
  return running;
}
