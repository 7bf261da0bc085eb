// Tandem's patient matcher: normalise, block, score (Fellegi–Sunter weights, EM-trained),
// decide (match / review / new) with an explanation. Pure: no I/O, no clock, no randomness.
// Full guide: docs/matching.md.
//
// Single person (connectors: a booking, a webhook, an initial-sync page):
//   blockingKeys(record): string[]            store per patient; fetch candidates sharing any
//   matchOne(incoming, candidates, options?)  → { kind: 'match', id, score, explanation }
//     (options.termFrequencies from termFrequenciesFromCounts: the population's name counts)
//                                             | { kind: 'review', candidates }
//                                             | { kind: 'new', best? }
// Batches:
//   linkSources(a, b, options?)  two sources, EM-trained, one-to-one → { pairs, model, stats }
//   dedupe(records, options?)    one list → { pairs, clusters, model, stats }
//   trainModel(a, b?, options?)  an EM-trained MatchModel to reuse with matchOne({ model })
// Review queue (hub stores; these are the rules):
//   reviewFromResult(incomingId, result), applyReviewDecision(review, decision)
export type {
  MatchRecord,
  MatchResult,
  Explanation,
  FieldExplanation,
  ScoredCandidate,
  Thresholds,
  LinkedPair,
  NormalizeOptions,
  DateParts,
} from './types.ts';
export { matchOne, DEFAULT_PRECISION, DEFAULT_THRESHOLDS, type MatchOptions } from './decide.ts';
export { termFrequenciesFromCounts, type TermFrequencies } from './tf.ts';
export { linkSources, expectedPrecisionThreshold, type LinkOptions, type LinkResult, type LinkStats } from './link.ts';
export { dedupe, type DedupeResult } from './dedupe.ts';
export { blockingKeys, BROAD_KEY_KINDS, BROAD_KEY_LIMIT, isBroadKey } from './blocking.ts';
export { trainModel, type TrainOptions } from './train.ts';
export { defaultModel, levelWeights, type MatchModel } from './model.ts';
export { FIELDS, type FieldName } from './compare/fields.ts';
export {
  applyReviewDecision,
  reviewFromResult,
  type MatchReview,
  type ReviewDecision,
  type ReviewOutcome,
  type ReviewApplication,
} from './review.ts';
export type { ProgressEvent, ProgressListener } from './pairs.ts';
