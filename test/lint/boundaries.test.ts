// The boundaries eslint.config.js enforces, proved to bite: each probe is a file's text with one
// forbidden import added, linted in place through ESLint's Node API (the same config `npm run
// lint` uses), and must fail with the rule that guards that boundary. A probe file is never
// written: lintText lints it under the path given, resolving its imports against the real tree.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/** The rule ids and messages of the errors eslint reports for `code` as the file at `file`. */
async function lint(file: string, code: string): Promise<{ rule: string | null; message: string }[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages.filter((m) => m.severity === 2).map((m) => ({ rule: m.ruleId, message: m.message }));
}

const real = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('eslint boundaries', () => {
  it('passes a file as it is (the probes below fail only for what they add)', async () => {
    expect(await lint('src/core/errors.ts', real('src/core/errors.ts'))).toEqual([]);
  });

  it('fails an import cycle', async () => {
    // core/validation.ts imports core/errors.ts; errors.ts importing it back closes a cycle.
    const code = `${real('src/core/errors.ts')}\nimport { parseOrThrow } from './validation.ts';\nexport const probe = parseOrThrow;\n`;
    const errors = await lint('src/core/errors.ts', code);
    expect(errors.map((e) => e.rule)).toContain('import-x/no-cycle');
  });

  it('fails a module imported twice in one file', async () => {
    const code = `import { ValidationError } from './errors.ts';\nimport { NotFoundError } from './errors.ts';\nexport const probe = [ValidationError, NotFoundError];\n`;
    expect((await lint('src/core/probe.ts', code)).map((e) => e.rule)).toContain('import-x/no-duplicates');
  });

  it('fails a connector importing src/http', async () => {
    const code = `import { installErrorHandler } from '../../http/errors.ts';\nexport const probe = installErrorHandler;\n`;
    const errors = await lint('src/connectors/hint/probe.ts', code);
    expect(errors).toContainEqual({
      rule: 'import-x/no-restricted-paths',
      message: expect.stringMatching(/src\/http/),
    });
  });

  it('fails a connector importing another connector', async () => {
    const code = `import { queues } from '../hint/queues.ts';\nexport const probe = queues;\n`;
    const errors = await lint('src/connectors/healthengine/probe.ts', code);
    expect(errors.map((e) => e.rule)).toContain('import-x/no-restricted-paths');
  });

  it('fails the hub (src/http, src/db, src/jobs) importing a connector', async () => {
    const code = `import { queues } from '../connectors/hint/queues.ts';\nexport const probe = queues;\n`;
    for (const file of ['src/http/probe.ts', 'src/db/probe.ts', 'src/jobs/probe.ts']) {
      const errors = await lint(file, code);
      expect(errors, file).toContainEqual({
        rule: 'import-x/no-restricted-paths',
        message: expect.stringMatching(/never imports a connector/),
      });
    }
  });

  it('fails src/db or src/jobs importing src/http', async () => {
    const code = `import { roleSchema } from '../http/schemas/auth.ts';\nexport const probe = roleSchema;\n`;
    for (const file of ['src/db/probe.ts', 'src/jobs/probe.ts']) {
      const errors = await lint(file, code);
      expect(errors, file).toContainEqual({
        rule: 'import-x/no-restricted-paths',
        message: expect.stringMatching(/sit below src\/http/),
      });
    }
  });

  it('fails an emulator importing hub code, or another emulator', async () => {
    for (const from of ['../../core/random.ts', '../../db/pool.ts', '../hint/random.ts']) {
      const code = `import * as m from '${from}';\nexport const probe = m;\n`;
      const errors = await lint('src/emulators/salesforce/probe.ts', code);
      expect(
        errors.map((e) => e.rule),
        from,
      ).toContain('import-x/no-restricted-paths');
    }
  });

  it('lets an emulator import src/emulators/shared', async () => {
    const code = `import { mulberry32 } from '../shared/random.ts';\nexport const probe = mulberry32;\n`;
    expect(await lint('src/emulators/salesforce/probe.ts', code)).toEqual([]);
  });

  it('fails src/core importing an impure layer', async () => {
    const code = `import { inTransaction } from '../db/pool.ts';\nexport const probe = inTransaction;\n`;
    const errors = await lint('src/core/probe.ts', code);
    expect(errors.map((e) => e.rule)).toEqual(
      expect.arrayContaining(['no-restricted-imports', 'import-x/no-restricted-paths']),
    );
  });
});
