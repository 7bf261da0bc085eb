// LISTEN for 'tandem_auth' (notified by triggers on api_tokens and practices, migration 012):
// each Tandem process keeps credentials cached, and must drop them the moment a token is revoked
// or a practice disabled, whichever process (or psql session) made the change.
import type { Db, Tx } from './pool.ts';

export const AUTH_CHANNEL = 'tandem_auth';

export interface AuthChangeListener {
  /** True while LISTEN is in place; a cache must not be trusted otherwise (a change could be missed). */
  listening(): boolean;
  /** Resolves once the first LISTEN has succeeded or failed. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

const RECONNECT_MS = 1_000;

/** Calls onChange on every notification, and whenever the listening connection is lost or (re)made. */
export function listenForAuthChanges(db: Db, onChange: () => void): AuthChangeListener {
  let client: Tx | undefined;
  let active = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const lost = (error?: Error) => {
    active = false;
    onChange();
    client?.removeAllListeners('notification');
    client?.release(error ?? true);
    client = undefined;
    if (!stopped) timer = setTimeout(connect, RECONNECT_MS);
  };

  async function connect(): Promise<void> {
    timer = undefined;
    try {
      const c = await db.connect();
      client = c;
      c.on('notification', (n) => {
        if (n.channel === AUTH_CHANNEL) onChange();
      });
      c.once('error', (error: Error) => {
        if (client === c) lost(error);
      });
      await c.query(`LISTEN ${AUTH_CHANNEL}`);
      if (stopped) return;
      active = true;
      onChange(); // anything cached before LISTEN was in place may be stale
    } catch (error) {
      if (client) lost(error as Error);
      else if (!stopped) timer = setTimeout(connect, RECONNECT_MS);
    } finally {
      markReady();
    }
  }
  void connect();

  return {
    listening: () => active,
    ready,
    async stop() {
      stopped = true;
      active = false;
      if (timer) clearTimeout(timer);
      const c = client;
      client = undefined;
      // Destroyed rather than returned to the pool: a pooled connection must not keep listening.
      c?.removeAllListeners('notification');
      c?.release(true);
    },
  };
}
