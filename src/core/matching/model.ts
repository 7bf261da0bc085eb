// The Fellegi–Sunter model: for every field and level, m = P(level | same person) and
// u = P(level | different people). A level's weight is log2(m/u); a pair's score is the sum.
// Defaults describe a general population (used when there is too little data for EM);
// `estimateModel` (em.ts) replaces them with estimates from the data at hand.
import { F, FIELD_COUNT, FIELDS, LEVEL_COUNTS, MISSING, patternLevel } from './compare/fields.ts';

export interface MatchModel {
  /** m[field][level] */
  m: number[][];
  /** u[field][level] */
  u: number[][];
  /** Share of all possible pairs that are matches, as training estimated it (the prior). */
  lambda: number;
  /** Where the numbers came from, for the docs and for callers who persist a model. */
  source: 'defaults' | 'em';
}

/**
 * General-population priors. u: how often two different people agree at that level
 * (e.g. ~1 in 30,000 share a date of birth; ~1% share a first name). m: how often records
 * of one person do (typos, nicknames, surname changes on marriage, moves, new phones).
 */
export function defaultModel(): MatchModel {
  const m: number[][] = [];
  const u: number[][] = [];
  m[F.first] = [0.86, 0.05, 0.04, 0.03, 0.02];
  u[F.first] = [0.01, 0.002, 0.006, 0.03, 0.952];
  m[F.last] = [0.86, 0.02, 0.04, 0.02, 0.06];
  u[F.last] = [0.004, 0.0005, 0.004, 0.02, 0.9715];
  m[F.dob] = [0.93, 0.015, 0.045, 0.01];
  u[F.dob] = [0.00004, 0.00001, 0.002, 0.99795];
  m[F.sex] = [0.98, 0.02];
  u[F.sex] = [0.5, 0.5];
  m[F.email] = [0.75, 0.05, 0.2];
  u[F.email] = [0.0001, 0.0005, 0.9994];
  m[F.phone] = [0.75, 0.05, 0.2];
  u[F.phone] = [0.0001, 0.001, 0.9989];
  m[F.address1] = [0.65, 0.1, 0.05, 0.2];
  u[F.address1] = [0.0005, 0.0005, 0.003, 0.996];
  m[F.address2] = [0.6, 0.1, 0.3];
  u[F.address2] = [0.01, 0.01, 0.98];
  m[F.locality] = [0.75, 0.06, 0.04, 0.05, 0.1];
  u[F.locality] = [0.005, 0.001, 0.003, 0.2, 0.791];
  m[F.medicare] = [0.9, 0.05, 0.005, 0.045];
  u[F.medicare] = [0.0000001, 0.000001, 0.00001, 0.999989];
  return { m, u, lambda: 0.001, source: 'defaults' };
}

/** Field weights per level, log2(m/u). A family member on the same Medicare card is never
 *  evidence *for* a match, whatever the estimates say, so that level is capped at 0. */
export function levelWeights(model: MatchModel): Float64Array[] {
  return FIELDS.map((_, f) => {
    const counts = LEVEL_COUNTS[f] as number;
    const weights = new Float64Array(counts);
    for (let l = 0; l < counts; l++) {
      const m = model.m[f]?.[l] ?? 1e-6;
      const u = model.u[f]?.[l] ?? 1e-6;
      weights[l] = Math.log2(Math.max(m, 1e-9) / Math.max(u, 1e-9));
    }
    if (f === F.medicare) weights[2] = Math.min(0, weights[2] as number);
    return weights;
  });
}

/** Scores packed patterns with a memo: the same pattern recurs across many pairs. */
export class PatternScorer {
  readonly weights: Float64Array[];
  private readonly memo = new Map<number, number>();

  constructor(readonly model: MatchModel) {
    this.weights = levelWeights(model);
  }

  scoreLevels(levels: ArrayLike<number>): number {
    let score = 0;
    for (let f = 0; f < FIELD_COUNT; f++) {
      const level = levels[f] as number;
      if (level !== MISSING) score += (this.weights[f] as Float64Array)[level] as number;
    }
    return score;
  }

  scorePattern(pattern: number): number {
    let score = this.memo.get(pattern);
    if (score === undefined) {
      score = 0;
      for (let f = 0; f < FIELD_COUNT; f++) {
        const level = patternLevel(pattern, f);
        if (level !== MISSING) score += (this.weights[f] as Float64Array)[level] as number;
      }
      this.memo.set(pattern, score);
    }
    return score;
  }
}
