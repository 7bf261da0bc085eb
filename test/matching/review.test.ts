import { describe, expect, it } from 'vitest';
import { applyReviewDecision, matchOne, reviewFromResult } from '../../src/core/matching/index.ts';

const existing = { id: 'p1', firstName: 'Sarah', lastName: 'Miller', dob: '1988-06-14', phone: '0412 345 678' };
const booking = { id: 'he-2', firstName: 'Sarah', lastName: 'Thompson', dob: '1988-06-14', phone: '0412 345 679' };

describe('review queue rules', () => {
  const review = reviewFromResult('he-2', matchOne(booking, [existing]));

  it('makes a review only from a review result', () => {
    expect(review).toMatchObject({ incomingId: 'he-2', status: 'open', candidates: [{ id: 'p1' }] });
    expect(reviewFromResult('x', { kind: 'new' })).toBeNull();
  });

  it('accepting links (or merges into) the chosen candidate; rejecting creates', () => {
    if (!review) throw new Error('expected a review');
    expect(applyReviewDecision(review, { kind: 'accept', candidateId: 'p1', action: 'link' })).toMatchObject({
      ok: true,
      review: { status: 'accepted' },
      outcome: { kind: 'link', incomingId: 'he-2', patientId: 'p1' },
    });
    expect(applyReviewDecision(review, { kind: 'accept', candidateId: 'p1', action: 'merge' })).toMatchObject({
      ok: true,
      outcome: { kind: 'merge', keepId: 'p1', mergeId: 'he-2' },
    });
    expect(applyReviewDecision(review, { kind: 'reject' })).toMatchObject({
      ok: true,
      review: { status: 'rejected' },
      outcome: { kind: 'create', incomingId: 'he-2' },
    });
  });

  it('refuses a candidate that was not offered, and a closed review', () => {
    if (!review) throw new Error('expected a review');
    expect(applyReviewDecision(review, { kind: 'accept', candidateId: 'p9', action: 'link' })).toEqual({
      ok: false,
      error: 'candidateId "p9" is not one of this review\'s candidates',
    });
    expect(applyReviewDecision({ ...review, status: 'accepted' }, { kind: 'reject' })).toEqual({
      ok: false,
      error: 'review is already accepted',
    });
  });
});
