// Credentials resolved recently, so a busy client does not cost a query per request. Entries
// are dropped the moment any token or practice changes (LISTEN tandem_auth, src/db/auth-changes.ts);
// while that listener is down nothing is cached, so a revocation can never be missed.
import type { Db } from '../db/pool.ts';
import { listenForAuthChanges, type AuthChangeListener } from '../db/auth-changes.ts';

const TTL_MS = 30_000; // a safety net only: invalidation is by notification
const MAX_ENTRIES = 10_000;

export class AuthCache<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();
  // Bumped on every invalidation: a lookup that started before a change must not cache its answer.
  private generation = 0;
  private readonly listener: AuthChangeListener;

  constructor(db: Db) {
    this.listener = listenForAuthChanges(db, () => this.invalidate());
  }

  get ready(): Promise<void> {
    return this.listener.ready;
  }

  /** The cached value, or load() (whose answer is cached when nothing changed meanwhile). */
  async get(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const hit = this.entries.get(key);
    if (hit && hit.until > Date.now() && this.listener.listening()) return hit.value;
    const generation = this.generation;
    const value = await load();
    if (value === undefined) this.entries.delete(key);
    else if (generation === this.generation && this.listener.listening()) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(key, { value, until: Date.now() + TTL_MS });
    }
    return value;
  }

  invalidate(): void {
    this.generation++;
    this.entries.clear();
  }

  stop(): Promise<void> {
    return this.listener.stop();
  }
}
