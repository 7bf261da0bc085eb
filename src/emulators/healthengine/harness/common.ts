// Helpers for the harness routes: zod errors as {"error"} naming the field, practice lookup.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { EmulatorContext } from '../context.ts';
import type { Practice } from '../state.ts';

export function parseBody<T extends z.ZodType>(
  schema: T,
  request: FastifyRequest,
  reply: FastifyReply,
): z.infer<T> | undefined {
  const result = schema.safeParse(request.body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'body';
  void reply.code(400).send({ error: `${field}: ${issue?.message ?? 'invalid'}` });
  return undefined;
}

export function practiceParam(
  context: EmulatorContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Practice | undefined {
  const id = (request.params as Record<string, string>).practiceId ?? '';
  const practice = context.state.practices.get(id);
  if (!practice) void reply.code(404).send({ error: `practice ${id} not found` });
  return practice;
}

export function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
