// The first admin: while Tandem has no console user, it issues a one-time setup link (24 h,
// single use) for the default practice and logs it once. Later starts, while that link is
// still valid, only say when it expires (its code is stored hashed and cannot be shown again);
// `tandem user setup-link` issues a fresh one.
import { createLink, liveSetupLink, retireLinks } from '../db/auth-links.ts';
import { inTransaction, type Db } from '../db/pool.ts';
import { countUsers } from '../db/users.ts';
import type { Logger } from '../logger.ts';

export const setupUrl = (base: string, code: string) => `${base.replace(/\/$/, '')}/setup?code=${code}`;

/** A new setup link (earlier unused ones stop working). */
export async function issueSetupLink(
  db: Db,
  practiceId: string,
  base: string,
): Promise<{ url: string; expiresAt: string }> {
  const link = await inTransaction(db, async (tx) => {
    await retireLinks(tx, { purpose: 'setup' });
    return createLink(tx, { purpose: 'setup', practiceId });
  });
  return { url: setupUrl(base, link.code), expiresAt: link.expiresAt };
}

export async function announceSetupLink(db: Db, practiceId: string, base: string, logger: Logger): Promise<void> {
  if ((await countUsers(db)) > 0) return;
  const live = await liveSetupLink(db);
  if (live) {
    logger.warn(
      { expiresAt: live.expiresAt },
      `No console user yet. The setup link logged at ${live.createdAt} works until ${live.expiresAt}; for a new one run \`npx tandem user setup-link\``,
    );
    return;
  }
  const { url, expiresAt } = await issueSetupLink(db, practiceId, base);
  logger.warn({ expiresAt }, `No console user yet. Create the first admin at ${url} (works once, for 24 hours)`);
}
