// API tokens: random, shown once, stored only as a SHA-256 hash.
import { createHash, randomBytes } from 'node:crypto';

export function generateToken(): string {
  return `tdm_${randomBytes(24).toString('base64url')}`;
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
