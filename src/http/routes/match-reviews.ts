// The review queue over HTTP: list uncertain matches, accept one candidate (link / merge) or
// reject them all. The connector concerned hears of the outcome through its job
// `<system>:review-accepted` / `<system>:review-rejected`, when it has one.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  acceptMatchReview,
  getMatchReview,
  listMatchReviews,
  rejectMatchReview,
  type MatchReview,
} from '../../db/match-reviews.ts';
import type { Db } from '../../db/pool.ts';
import { enqueue } from '../../jobs/queue.ts';
import type { JobName } from '../../jobs/types.ts';
import { parseOrThrow } from '../errors.ts';

const listQuery = z
  .object({
    status: z.enum(['pending', 'accepted', 'rejected', 'superseded']).default('pending'),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();
const acceptBody = z.object({ patientId: z.uuid({ message: 'must be a patient id' }) }).strict();

export interface ReviewRoutesOptions {
  db: Db;
  taskNames: Set<string>;
}

async function notifyConnector(
  db: Db,
  taskNames: Set<string>,
  review: MatchReview,
  outcome: 'accepted' | 'rejected',
  practiceId: string,
): Promise<void> {
  const task = `${review.system}:review-${outcome}`;
  if (!review.system || !taskNames.has(task)) return;
  const payload = {
    practiceId,
    connectionId: review.connectionId,
    reviewId: review.id,
    remoteId: review.remoteId,
    localId: review.localId,
    patientId: outcome === 'accepted' ? (review.resolution as { patientId: string }).patientId : null,
  };
  await enqueue(db, task as JobName, payload as never);
}

export async function matchReviewRoutes(app: FastifyInstance, { db, taskNames }: ReviewRoutesOptions): Promise<void> {
  app.get('/match-reviews', async (request) => {
    const q = parseOrThrow(listQuery, request.query);
    return { data: await listMatchReviews(db, request.auth.practiceId, q.status, q.limit) };
  });
  app.get<{ Params: { id: string } }>('/match-reviews/:id', async (request) =>
    getMatchReview(db, request.auth.practiceId, request.params.id),
  );
  app.post<{ Params: { id: string } }>('/match-reviews/:id/accept', async (request) => {
    const { patientId } = parseOrThrow(acceptBody, request.body ?? {});
    const ctx = { practiceId: request.auth.practiceId, actor: request.auth.actor, origin: 'api' as const };
    const review = await acceptMatchReview(db, ctx, request.params.id, patientId);
    await notifyConnector(db, taskNames, review, 'accepted', ctx.practiceId);
    return review;
  });
  app.post<{ Params: { id: string } }>('/match-reviews/:id/reject', async (request) => {
    const ctx = { practiceId: request.auth.practiceId, actor: request.auth.actor, origin: 'api' as const };
    const review = await rejectMatchReview(db, ctx, request.params.id);
    await notifyConnector(db, taskNames, review, 'rejected', ctx.practiceId);
    return review;
  });
}
