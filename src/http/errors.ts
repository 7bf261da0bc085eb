// Every error leaves the API as {error, details:[{field, message}]} with the right status;
// a client's mistake is never a 500, and a 500 never leaks internals.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { securityHeaders } from './security-headers.ts';
import {
  AuthError,
  ConflictError,
  ForbiddenError,
  IntegrationError,
  NotFoundError,
  ValidationError,
} from '../core/errors.ts';
import { zodProblems } from '../core/validation.ts';
import { isDatabaseUnavailable } from '../db/pool.ts';

const DATABASE_RETRY_AFTER_SECONDS = 5;

// Validation lives in src/core/validation.ts (connectors use it too); re-exported for the routes.
export { parseOrThrow, zodProblems } from '../core/validation.ts';

/**
 * Errors Fastify's router raises before any route or hook runs (a path segment over
 * maxParamLength, a URL it cannot decode). Without this Fastify writes its own body, echoing
 * the path, with none of our headers. The path is never echoed: it may carry an id or a name.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const [status, message] =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? [414, 'a path segment is too long']
      : error.code === 'FST_ERR_BAD_URL'
        ? [400, 'is not a valid URL']
        : [400, 'cannot be routed'];
  void reply
    .code(status)
    .headers(securityHeaders(request.url))
    .send({ error: `The request path ${message}`, details: [{ field: 'path', message }] });
}

const CLIENT_ERRORS: Record<string, [number, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'The request was not received in time; send it again, faster'],
  HPE_HEADER_OVERFLOW: [431, 'The request headers are too large'],
};

/**
 * Node's own answer to a client it gives up on before Fastify sees a request (headers or body
 * too slow: 408; headers too large: 431; unparsable HTTP: 400), in our envelope and headers.
 * The connection is always closed afterwards.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'The request is not valid HTTP'];
  // A response already under way cannot be replaced; anything else gets our answer.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const body = JSON.stringify({ error: message, details: [] });
    const headers = {
      ...securityHeaders(''),
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      connection: 'close',
    };
    const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head.join('')}\r\n${body}`);
  }
  socket.destroy(error);
}

/**
 * PostgreSQL errors that can only come from the request's values or from concurrent requests:
 * data exceptions (class 22: a value out of range, text it cannot store) are the client's 422,
 * a deadlock or serialisation failure that outlived its retries is a 409. Nothing is echoed.
 */
function databaseProblem(error: unknown): { status: number; body: unknown } | undefined {
  const e = error as { code?: unknown; severity?: unknown; column?: string };
  if (typeof e.code !== 'string' || e.severity === undefined) return undefined;
  if (e.code.startsWith('22'))
    return {
      status: 422,
      body: {
        error: 'The request has a value that cannot be stored',
        details: [{ field: e.column ?? 'request', message: 'is out of range or not storable' }],
      },
    };
  if (e.code === '40001' || e.code === '40P01')
    return {
      status: 409,
      body: { error: 'The change conflicted with concurrent changes; send it again', details: [] },
    };
  return undefined;
}

export function installErrorHandler(app: FastifyInstance): void {
  // The path is not echoed: it may carry an id or a name.
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: `No such route: ${request.method} is not served at this path`, details: [] });
  });
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof ValidationError) return reply.code(422).send({ error: error.message, details: error.details });
    if (error instanceof NotFoundError) return reply.code(404).send({ error: error.message, details: [] });
    if (error instanceof ConflictError) return reply.code(409).send({ error: error.message, details: error.details });
    if (error instanceof AuthError) return reply.code(401).send({ error: error.message, details: [] });
    if (error instanceof ForbiddenError) return reply.code(403).send({ error: error.message, details: [] });
    // A vendor that could not be reached (or is overloaded) while serving a request: not the
    // client's mistake and not our fault either; say which system and when to try again.
    if (error instanceof IntegrationError && error.retryable)
      return reply
        .code(503)
        .header('retry-after', String(Math.max(1, Math.ceil((error.retryAfterMs ?? 30_000) / 1000))))
        .send({ error: `${error.system} could not be reached or is busy; try again shortly`, details: [] });
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
    // Never a 200 for something not stored, and not a 500 either: the client (Hint redelivering a
    // webhook, an API caller) should send it again once PostgreSQL is back.
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      return reply
        .code(503)
        .header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS))
        .send({ error: 'The database is unavailable; nothing was stored. Try again shortly', details: [] });
    }
    const database = databaseProblem(error);
    if (database) {
      // A backstop: validation should have refused this before the database saw it.
      request.log.warn({ err: error }, 'database refused a request value');
      return reply.code(database.status).send(database.body);
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({ error: 'Internal error; it has been logged', details: [] });
  });
}
