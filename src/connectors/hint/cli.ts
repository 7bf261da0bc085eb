// The connector's runtime for CLI commands: same client, same code paths as the server,
// with the database and secret key the CLI opened.
import type { Config } from '../../config.ts';
import { publicUrl } from '../../config.ts';
import { getConnectionById } from '../../db/connections.ts';
import type { Db } from '../../db/pool.ts';
import { createLogger } from '../../logger.ts';
import { loadOrCreateSecretKey, SecretBox } from '../../security/secrets.ts';
import { ConnectionGone } from '../types.ts';
import { hintDeps, loadConnection, type LoadedConnection, type HintDeps } from './connection.ts';

export async function cliRuntime(config: Config, db: Db): Promise<HintDeps> {
  const secrets = new SecretBox(await loadOrCreateSecretKey(config.secretKey, config.home));
  return hintDeps({
    config,
    db,
    logger: createLogger('silent'),
    secrets,
    publicUrl: () => publicUrl(config, config.port),
  });
}

export type Loaded = { ok: true; deps: HintDeps; loaded: LoadedConnection } | { ok: false; reason: string };

/** The active Hint connection with this id, ready to use, or why not. */
export async function cliConnection(config: Config, db: Db, connectionId: string): Promise<Loaded> {
  const connection = await getConnectionById(db, connectionId);
  if (!connection || connection.system !== 'hint') return { ok: false, reason: `no Hint connection ${connectionId}` };
  const deps = await cliRuntime(config, db);
  try {
    return { ok: true, deps, loaded: await loadConnection(deps, connection.practiceId, connection.id) };
  } catch (e) {
    if (!(e instanceof ConnectionGone)) throw e;
    return { ok: false, reason: `Hint connection ${connectionId} is ${connection.status}, not active` };
  }
}
