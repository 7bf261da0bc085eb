import { mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { loadOrCreateSecretKey, SecretBox } from './secrets.ts';

describe('credentials at rest', () => {
  it('seals and opens with AES-256-GCM, never storing the plaintext', () => {
    const box = new SecretBox('a'.repeat(64));
    const sealed = box.sealJson({ accessToken: 'sk-live-123' });
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('sk-live-123');
    expect(box.openJson(sealed)).toEqual({ accessToken: 'sk-live-123' });
    expect(box.seal('x')).not.toBe(box.seal('x')); // a fresh IV every time
  });

  it('refuses a tampered envelope and a wrong key', () => {
    const box = new SecretBox('a'.repeat(64));
    const sealed = box.seal('secret');
    const [v, iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => box.open([v, iv, tag, flipped.toString('base64url')].join('.'))).toThrow();
    expect(() => new SecretBox('b'.repeat(64)).open(sealed)).toThrow();
  });

  it('generates the key once into the home directory with mode 0600', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'tandem-key-'));
    const first = await loadOrCreateSecretKey(undefined, home);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(await loadOrCreateSecretKey(undefined, home)).toBe(first);
    expect((await stat(path.join(home, 'secret.key'))).mode & 0o777).toBe(0o600);
    expect((await readFile(path.join(home, 'secret.key'), 'utf8')).trim()).toBe(first);
    expect(await loadOrCreateSecretKey('configured', home)).toBe('configured');
  });

  it('requires TANDEM_SECRET_KEY in production and names bad settings', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/TANDEM_SECRET_KEY: required/);
    expect(loadConfig({ NODE_ENV: 'production', TANDEM_SECRET_KEY: 'k'.repeat(64) }).secretKey).toBe('k'.repeat(64));
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty', TANDEM_BOOTSTRAP_TOKEN: 'short' })).toThrow(
      /PORT[\s\S]*TANDEM_BOOTSTRAP_TOKEN/,
    );
    expect(loadConfig({}).port).toBe(8080);
  });
});
