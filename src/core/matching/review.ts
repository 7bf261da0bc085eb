// The review queue's pure part: what a stored match review holds, and what accepting or
// rejecting one means. Storage and the REST API are the hub's (src/db, src/http); they
// call these so that every caller applies the same rules.
import type { MatchResult, ScoredCandidate } from './types.ts';

/** A review as the hub stores it: an incoming person and the candidates to choose from. */
export interface MatchReview {
  /** The incoming record (e.g. a Healthengine booking's patient, a Hint patient id). */
  incomingId: string;
  candidates: ScoredCandidate[];
  status: 'open' | 'accepted' | 'rejected' | 'superseded';
}

/** What staff decide. Accept picks one candidate, and either links the incoming record to
 *  it or merges two existing patients (when the incoming record is itself a hub patient). */
export type ReviewDecision = { kind: 'accept'; candidateId: string; action: 'link' | 'merge' } | { kind: 'reject' };

/** What the hub must then do. */
export type ReviewOutcome =
  | { kind: 'link'; incomingId: string; patientId: string }
  | { kind: 'merge'; keepId: string; mergeId: string }
  | { kind: 'create'; incomingId: string };

export type ReviewApplication =
  { ok: true; review: MatchReview; outcome: ReviewOutcome } | { ok: false; error: string };

/** A review to store for a `review` result; null for match or new (nothing to review). */
export function reviewFromResult(incomingId: string, result: MatchResult): MatchReview | null {
  if (result.kind !== 'review') return null;
  return { incomingId, candidates: result.candidates, status: 'open' };
}

/**
 * Applies a decision: accept → link (or merge, keeping the existing patient) to the chosen
 * candidate; reject → none of them is this person, so create a new patient. Refuses a
 * decision on a closed review or for a candidate the review did not offer.
 */
export function applyReviewDecision(review: MatchReview, decision: ReviewDecision): ReviewApplication {
  if (review.status !== 'open') return { ok: false, error: `review is already ${review.status}` };
  switch (decision.kind) {
    case 'reject':
      return {
        ok: true,
        review: { ...review, status: 'rejected' },
        outcome: { kind: 'create', incomingId: review.incomingId },
      };
    case 'accept': {
      if (!review.candidates.some((c) => c.id === decision.candidateId)) {
        return { ok: false, error: `candidateId "${decision.candidateId}" is not one of this review's candidates` };
      }
      const outcome: ReviewOutcome =
        decision.action === 'merge'
          ? { kind: 'merge', keepId: decision.candidateId, mergeId: review.incomingId }
          : { kind: 'link', incomingId: review.incomingId, patientId: decision.candidateId };
      return { ok: true, review: { ...review, status: 'accepted' }, outcome };
    }
    default: {
      const unreachable: never = decision;
      return unreachable;
    }
  }
}
