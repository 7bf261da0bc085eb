// One guard for every route: text PostgreSQL cannot store never reaches a handler. A NUL
// character (\u0000) — in a path id, a query parameter, a JSON string or key — is refused as
// 422 naming the field, instead of failing in the database as a 500 (text and jsonb reject it).
import type { FastifyInstance } from 'fastify';
import { ValidationError, type FieldProblem } from '../core/errors.ts';

const MESSAGE = 'must not contain NUL characters (\\u0000)';
const MAX_DEPTH = 64;

/** The field paths ('phones.0.number') of every string or key holding a NUL character. */
export function nulFields(value: unknown, path: string[] = [], out: string[] = [], depth = 0): string[] {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) out.push(path.join('.'));
  } else if (Buffer.isBuffer(value)) {
    return out; // raw bodies (signed webhooks) are checked where they are parsed
  } else if (value !== null && typeof value === 'object' && depth < MAX_DEPTH) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) out.push([...path, '(key)'].join('.'));
      else nulFields(item, [...path, key], out, depth + 1);
    }
  }
  return out;
}

export function installInputGuard(app: FastifyInstance): void {
  // preValidation: after the body is parsed, before any handler (and after authentication).
  app.addHook('preValidation', async (request) => {
    const problems: FieldProblem[] = [
      ...nulFields(request.params).map((field) => ({ field, message: MESSAGE })),
      ...nulFields(request.query).map((field) => ({ field, message: MESSAGE })),
      ...nulFields(request.body).map((field) => ({ field: field || 'body', message: MESSAGE })),
    ];
    if (problems.length > 0) throw new ValidationError(problems);
  });
}
