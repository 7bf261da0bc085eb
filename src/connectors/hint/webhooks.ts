// Webhook verification and parsing. Hint signs the raw body: X-Hint-Signature is
// "sha256=" + hex HMAC-SHA256(key = the webhooks signature key, message = the raw bytes).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { webhookEnvelopeSchema, type WebhookEnvelope } from './schemas.ts';

export function signBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Constant-time check of the signature header against the raw body. */
export function verifySignature(
  secret: string | undefined,
  raw: Buffer,
  header: string | string[] | undefined,
): boolean {
  if (!secret || typeof header !== 'string') return false;
  const expected = Buffer.from(signBody(secret, raw));
  const given = Buffer.from(header.trim());
  // timingSafeEqual needs equal lengths; compare against itself to spend the same time.
  if (given.length !== expected.length) return timingSafeEqual(expected, expected) && false;
  return timingSafeEqual(given, expected);
}

export type ParsedWebhook = { ok: true; envelope: WebhookEnvelope } | { ok: false; reason: string };

export function parseWebhook(raw: Buffer): ParsedWebhook {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const parsed = webhookEnvelopeSchema.safeParse(json);
  if (!parsed.success)
    return {
      ok: false,
      reason: `not a Hint event: ${parsed.error.issues.map((i) => i.path.join('.') || 'body').join(', ')}`,
    };
  return { ok: true, envelope: parsed.data };
}
