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
  /**
   * u of the person's own fields among *members of one household* (how often a relative at
   * the same address shares a birth date — twins —, a first name — a son named after his
   * father —, a sex, an email). Estimated by EM on pairs sharing an address when the data has
   * households; defaults otherwise. Used for pairs whose household fields are capped.
   */
  uHousehold?: number[][];
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
  // A mobile agrees between strangers as seldom as any number; what differs is whose it is.
  m[F.mobile] = [0.75, 0.05, 0.2];
  u[F.mobile] = [0.0001, 0.001, 0.9989];
  m[F.middle] = [0.85, 0.08, 0.07];
  u[F.middle] = [0.02, 0.03, 0.95];
  return { m, u, lambda: 0.001, source: 'defaults' };
}

/** Defaults for u within a household (see MatchModel.uHousehold). */
export function defaultHouseholdU(): number[][] {
  const u = defaultModel().u.map((row) => [...row]);
  u[F.first] = [0.03, 0.01, 0.03, 0.06, 0.87];
  u[F.dob] = [0.02, 0.002, 0.03, 0.948];
  u[F.sex] = [0.5, 0.5];
  u[F.email] = [0.03, 0.05, 0.92];
  u[F.medicare] = [0.00001, 0.0001, 0.3, 0.69989];
  // A parent's mobile on a child's record happens; twins' middle names rarely agree.
  u[F.mobile] = [0.05, 0.01, 0.94];
  u[F.middle] = [0.04, 0.04, 0.92];
  return u;
}

/** Field weights per level, log2(m/u). A family member on the same Medicare card is never
 *  evidence *for* a match, whatever the estimates say, so that level is capped at 0. */
export function levelWeights(model: MatchModel, u: number[][] = model.u): Float64Array[] {
  return FIELDS.map((_, f) => {
    const counts = LEVEL_COUNTS[f] as number;
    const weights = new Float64Array(counts);
    for (let l = 0; l < counts; l++) {
      const m = model.m[f]?.[l] ?? 1e-6;
      const uf = u[f]?.[l] ?? 1e-6;
      weights[l] = Math.log2(Math.max(m, 1e-9) / Math.max(uf, 1e-9));
    }
    if (f === F.medicare) weights[2] = Math.min(0, weights[2] as number);
    return weights;
  });
}

/**
 * Fields a household shares: surname, phone (a landline; mobiles are the `mobile` field, a
 * person's own), address and locality. In data with
 * households, their agreement can at most show that two records belong to one household;
 * which member a record is must come from the person's own fields (first name, birth date,
 * sex, email). See `capHousehold`.
 */
export const HOUSEHOLD_FIELDS: readonly number[] = [F.last, F.phone, F.address1, F.address2, F.locality];
const IS_HOUSEHOLD = FIELDS.map((_, f) => HOUSEHOLD_FIELDS.includes(f));

/**
 * A pair's weight without the prior. Uncapped (data without households): the plain sum.
 * With households, the household fields can at most show "one household" (`cap` bits, which
 * brings the prior to the odds that two records of one household are one person); past that,
 * the person's own fields are weighed against relatives (household u) rather than strangers.
 * The smaller reading wins, so more household agreement never lowers a score.
 */
export function combineWeights(split: Split, cap: number): number {
  if (cap === Infinity) return split[0] + split[1];
  return Math.min(split[0] + split[1], cap + split[2]);
}

/** Log2 odds that two records of one household are one person, before their own fields: even. */
export const HOUSEHOLD_ODDS = 0;

/** [personal weight against strangers, household weight, personal weight against relatives]. */
export type Split = [number, number, number];

/** Scores packed patterns with a memo: the same pattern recurs across many pairs. */
export class PatternScorer {
  readonly weights: Float64Array[];
  /** Personal fields weighed against members of the same household. */
  readonly householdWeights: Float64Array[];
  private readonly memo = new Map<number, Split>();

  constructor(readonly model: MatchModel) {
    this.weights = levelWeights(model);
    this.householdWeights = levelWeights(model, model.uHousehold ?? defaultHouseholdU());
  }

  private add(split: Split, f: number, level: number): void {
    const w = (this.weights[f] as Float64Array)[level] as number;
    if (IS_HOUSEHOLD[f]) split[1] += w;
    else {
      split[0] += w;
      split[2] += (this.householdWeights[f] as Float64Array)[level] as number;
    }
  }

  splitLevels(levels: ArrayLike<number>): Split {
    const split: Split = [0, 0, 0];
    for (let f = 0; f < FIELD_COUNT; f++) {
      const level = levels[f] as number;
      if (level !== MISSING) this.add(split, f, level);
    }
    return split;
  }

  scoreLevels(levels: ArrayLike<number>, householdCap = Infinity): number {
    return combineWeights(this.splitLevels(levels), householdCap);
  }

  scorePattern(pattern: number, householdCap = Infinity): number {
    let split = this.memo.get(pattern);
    if (split === undefined) {
      split = [0, 0, 0];
      for (let f = 0; f < FIELD_COUNT; f++) {
        const level = patternLevel(pattern, f);
        if (level !== MISSING) this.add(split, f, level);
      }
      this.memo.set(pattern, split);
    }
    return combineWeights(split, householdCap);
  }
}
