import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, prettyDestination, redactPaths } from './logger.ts';

describe('log redaction', () => {
  it('removes personal fields at any depth and keeps ids', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = pino({ redact: { paths: redactPaths, censor: '[redacted]' } }, sink);
    log.info(
      {
        patientId: 'p-1',
        firstName: 'Ann',
        patient: { dob: '1980-01-01' },
        body: { email: 'a@b.c', phones: ['+61412345678'] },
        req: { headers: { authorization: 'Bearer x' } },
      },
      'synced',
    );
    const line = lines.join('');
    expect(line).toContain('p-1');
    for (const secret of ['Ann', '1980-01-01', 'a@b.c', '+61412345678', 'Bearer x']) expect(line).not.toContain(secret);
  });

  it('prints pretty lines for a terminal, just as redacted', () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += String(chunk);
        done();
      },
    });
    const log = createLogger('info', prettyDestination(sink));
    log.info({ patientId: 'p-2', patient: { email: 'ann@example.com' }, lastName: 'Quill' }, 'pushed to Hint');
    expect(out).toMatch(/INFO.*pushed to Hint/);
    expect(out).toContain('p-2');
    expect(out).not.toContain('ann@example.com');
    expect(out).not.toContain('Quill');
    expect(out.trim().startsWith('{')).toBe(false);
  });
});
