// Every error leaves the API as {error, details:[{field, message}]} with the right status;
// a client's mistake is never a 500, and a 500 never leaks internals.
import type { FastifyError, FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  AuthError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  type FieldProblem,
} from '../core/errors.ts';

export function zodProblems(error: z.ZodError, prefix = ''): FieldProblem[] {
  return error.issues.flatMap((issue) => {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({ field: base ? `${base}.${k}` : k, message: 'is not a known field' }));
    }
    return [{ field: base || 'body', message: issue.message }];
  });
}

/** Parses with a zod schema, or throws a ValidationError naming every bad field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, prefix = ''): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(zodProblems(result.error, prefix));
  return result.data;
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: `No route for ${request.method} ${request.url.split('?')[0]}`, details: [] });
  });
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof ValidationError) return reply.code(422).send({ error: error.message, details: error.details });
    if (error instanceof NotFoundError) return reply.code(404).send({ error: error.message, details: [] });
    if (error instanceof ConflictError) return reply.code(409).send({ error: error.message, details: error.details });
    if (error instanceof AuthError) return reply.code(401).send({ error: error.message, details: [] });
    if (error instanceof ForbiddenError) return reply.code(403).send({ error: error.message, details: [] });
    if (error instanceof z.ZodError)
      return reply.code(422).send({ error: 'The request has invalid fields', details: zodProblems(error) });
    const fe = error as FastifyError;
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return reply.code(413).send({
        error: 'The request body is too large',
        details: [{ field: 'body', message: 'exceeds the size limit' }],
      });
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return reply.code(415).send({
        error: 'Send JSON (Content-Type: application/json)',
        details: [{ field: 'body', message: 'unsupported media type' }],
      });
    if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
      return reply
        .code(400)
        .send({ error: 'The JSON body is empty', details: [{ field: 'body', message: 'is empty' }] });
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      const malformed = fe instanceof SyntaxError || fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY';
      return reply.code(fe.statusCode).send({
        error: malformed ? 'The body is not valid JSON' : fe.message,
        details: [{ field: 'body', message: malformed ? 'is not valid JSON' : fe.message }],
      });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({ error: 'Internal error; it has been logged', details: [] });
  });
}
