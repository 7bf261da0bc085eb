// Hint ids are `<prefix>-<12 base62>` (e.g. pat-ab12C345DeF6); tokens are 36 alphanumerics.
import type { Random } from './random.ts';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function base62(random: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[Math.floor(random() * 62)];
  return out;
}

export function newId(random: Random, prefix: string): string {
  return `${prefix}-${base62(random, 12)}`;
}

export function newToken(random: Random): string {
  return base62(random, 36);
}
