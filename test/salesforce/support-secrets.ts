// Opens a connection's sealed credentials with the test hub's key (as Tandem does), to act
// behind Tandem's back in tests (revoke its refresh token, call with its access token).
import { readCredentials } from '../../src/db/connections.ts';
import { loadOrCreateSecretKey, SecretBox } from '../../src/security/secrets.ts';
import type { SfWorld } from './support.ts';

export async function openCredentials(w: SfWorld, connectionId: string): Promise<any> {
  const { config } = w.hub.tandem;
  const secrets = new SecretBox(await loadOrCreateSecretKey(config.secretKey, config.home));
  const { rows } = await w.hub.database.db.query('SELECT practice_id FROM connections WHERE id = $1', [connectionId]);
  return readCredentials(w.hub.database.db, secrets, rows[0].practice_id, connectionId);
}
