// Tandem's patient matcher: normalise, block, score (Fellegi–Sunter weights, EM-trained),
// decide (match / review / new) with an explanation. Pure: no I/O, no clock, no randomness.
// See docs/matching.md.
export type { MatchRecord, MatchResult, Explanation, FieldExplanation, ScoredCandidate, Thresholds, LinkedPair, NormalizeOptions, DateParts } from './types.ts';
export { matchOne, DEFAULT_THRESHOLDS, type MatchOptions } from './decide.ts';
export { linkSources, dedupe, type LinkOptions, type LinkResult, type DedupeResult, type LinkStats } from './link.ts';
export { blockingKeys } from './blocking.ts';
export { trainModel, type TrainOptions } from './train.ts';
export { defaultModel, levelWeights, type MatchModel } from './model.ts';
export type { ProgressEvent, ProgressListener } from './pairs.ts';
