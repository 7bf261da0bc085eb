// Small helpers shared by the route files.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Outcome } from '../bookings.ts';

export function intParam(request: FastifyRequest, name: string): number {
  return Number((request.params as Record<string, string>)[name]);
}

export function stringParam(request: FastifyRequest, name: string): string {
  return String((request.params as Record<string, string>)[name] ?? '');
}

export function query(request: FastifyRequest): Record<string, string | undefined> {
  return request.query as Record<string, string | undefined>;
}

export function bodyObject(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/** `page` query parameter: 1-based, default 1. */
export function pageOf(request: FastifyRequest, reply: FastifyReply): number | undefined {
  const raw = query(request).page;
  if (raw === undefined || raw === '') return 1;
  const page = Number(raw);
  if (!Number.isSafeInteger(page) || page < 1) {
    void reply.code(400).send({ error: 'page must be an integer of at least 1' });
    return undefined;
  }
  return page;
}

export function sendOutcome(reply: FastifyReply, outcome: Outcome): FastifyReply {
  if (outcome.status === 200) return reply.code(200).send();
  return reply.code(outcome.status).send({ error: outcome.error });
}

export function badRequest(reply: FastifyReply, error: string): FastifyReply {
  return reply.code(400).send({ error });
}

export function nullableString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
