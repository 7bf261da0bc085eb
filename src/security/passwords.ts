// Passwords: argon2id through @node-rs/argon2 (runs on libuv's thread pool, so at most four
// hashes are in memory at once). Parameters measured on this project's 2-core machine so one
// sign-in costs 50–150 ms of CPU (bench/sign-in.ts, bench/RESULTS.md): m = 64 MiB, t = 3, p = 1.
// Stored as PHC strings, so raising them later only needs new hashes, not a migration.
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

export const ARGON2_PARAMS = {
  algorithm: 2, // Algorithm.Argon2id (a const enum, which verbatimModuleSyntax cannot import)
  memoryCost: 65_536, // KiB
  timeCost: 3,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_PARAMS);
}

// Verified against when the email is unknown, so the answer takes as long either way.
let decoy: Promise<string> | undefined;

/** True when `password` matches; an absent hash (unknown user, no password yet) costs the same. */
export async function verifyPassword(stored: string | null | undefined, password: string): Promise<boolean> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  const target = stored ?? (await decoy);
  const ok = await verify(target, password).catch(() => false);
  return ok && Boolean(stored);
}
