// Credentials at rest: AES-256-GCM under TANDEM_SECRET_KEY. The envelope is
// "v1.<iv>.<tag>.<ciphertext>" (base64url), so the key can be rotated to a v2 later.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export class SecretBox {
  private readonly key: Buffer;

  constructor(secret: string) {
    // Accept a 32-byte key in hex or base64; any other string is stretched with SHA-256.
    const raw = /^[0-9a-f]{64}$/i.test(secret) ? Buffer.from(secret, 'hex') : Buffer.from(secret, 'base64');
    this.key = raw.length === 32 ? raw : createHash('sha256').update(secret).digest();
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(
      '.',
    );
  }

  open(envelope: string): string {
    const [version, iv, tag, body] = envelope.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('unrecognised credential envelope');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  sealJson(value: unknown): string {
    return this.seal(JSON.stringify(value));
  }
  openJson<T>(envelope: string): T {
    return JSON.parse(this.open(envelope)) as T;
  }
}

/** The configured key, or one generated into <home>/secret.key (mode 0600) on first use. */
export async function loadOrCreateSecretKey(configured: string | undefined, home: string): Promise<string> {
  if (configured) return configured;
  const file = path.join(home, 'secret.key');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    await mkdir(home, { recursive: true });
    const key = randomBytes(32).toString('hex');
    await writeFile(file, key + '\n', { mode: 0o600, flag: 'wx' }).catch(async () => undefined);
    await chmod(file, 0o600);
    return (await readFile(file, 'utf8')).trim();
  }
}
