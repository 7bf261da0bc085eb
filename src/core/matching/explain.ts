// Scores one prepared pair and says why: each field's level and weight, the identifier
// that decided it (if any), and the guards that stop an automatic match.
import { F, FIELD_COUNT, FIELDS } from './compare/fields.ts';
import { compareRecords, newVector } from './compare/vector.ts';
import { combineWeights, HOUSEHOLD_ODDS, type PatternScorer, type Split } from './model.ts';
import type { PreparedRecord } from './prepare.ts';
import { tfAdjustment, type TermFrequencies } from './tf.ts';
import type { Explanation, FieldExplanation } from './types.ts';

/** Same person by construction: one record carries the other's id as its integration id. */
export function integrationIdAgrees(a: PreparedRecord, b: PreparedRecord): boolean {
  if (
    a.integrationRecordId !== null &&
    (a.integrationRecordId === b.normalizedId || a.integrationRecordId === b.integrationRecordId)
  )
    return true;
  return b.integrationRecordId !== null && b.integrationRecordId === a.normalizedId;
}

/**
 * Rules that keep a pair out of automatic matching whatever its score, because they
 * describe *other* people who share most details: twins (same surname, birthday and
 * address, different first name), a family on one Medicare card, parent and child of the
 * same name (different dates of birth).
 */
export function guardsFor(levels: ArrayLike<number>, namesSwapped: boolean): string[] {
  const guards: string[] = [];
  if (levels[F.first] === 4 && !namesSwapped) guards.push('first name differs');
  if (levels[F.dob] === 3) guards.push('date of birth differs');
  if (levels[F.sex] === 1) guards.push('sex differs');
  if (levels[F.medicare] === 2) guards.push('different person on the same Medicare card');
  return guards;
}

/** Guard of a pair in data with households whose score rests on household fields alone: no
 *  field of the person's own (first name, birth date, email, mobile, middle name) agrees, so
 *  which member of the household each record is stays unknown. Not a sign of two people (it
 *  does not keep clusters apart), only of too little to decide. */
export const HOUSEHOLD_ONLY = 'only household fields agree';

/** Whether a field that identifies the person (not the household) agrees. Sex does not: half
 *  of any household shares it. */
function personalAgreement(levels: ArrayLike<number>): boolean {
  const agrees = (f: number, worst: number) => (levels[f] as number) >= 0 && (levels[f] as number) <= worst;
  return agrees(F.first, 2) || agrees(F.dob, 2) || agrees(F.email, 1) || agrees(F.mobile, 1) || agrees(F.middle, 0);
}

/** Both core identity fields disagree outright: a different person, never even a review
 *  (spouses and housemates share a surname, address and phone, not a name and a birthday). */
export function isClearlyDifferent(levels: ArrayLike<number>, namesSwapped: boolean): boolean {
  return !namesSwapped && levels[F.first] === 4 && levels[F.dob] === 3;
}

/**
 * Birth dates that no typing slip explains: month or day differ *and* the years differ in more
 * than one digit, other than two neighbouring digits swapped (1958/1985 is one slip, 1968/1997
 * is not). A parent and a child of the same name look like that; two records of one person
 * need two unrelated errors in one date. Dates as YYYYMMDD integers, compared at level 3.
 */
export function birthDatesApart(a: number, b: number): boolean {
  if (a === 0 || b === 0) return false;
  const ya = String(Math.floor(a / 10000));
  const yb = String(Math.floor(b / 10000));
  if (a % 10000 === b % 10000 || ya.length !== yb.length) return false;
  const differing: number[] = [];
  for (let i = 0; i < ya.length; i++) if (ya[i] !== yb[i]) differing.push(i);
  if (differing.length < 2) return false;
  const [i, j] = differing as [number, number];
  const swapped = differing.length === 2 && j === i + 1 && ya[i] === yb[j] && ya[j] === yb[i];
  return !swapped;
}

/** Each field's explanation at each level (index 0: missing), per scorer: a batch explains
 *  tens of thousands of pairs, which share these objects instead of holding copies. */
const fieldTables = new WeakMap<PatternScorer, FieldExplanation[][]>();

function fieldTable(scorer: PatternScorer): FieldExplanation[][] {
  let table = fieldTables.get(scorer);
  if (!table) {
    table = FIELDS.map((spec, f) => [
      { field: spec.name, level: 'missing', weight: 0 },
      ...spec.labels.map((label, level) => ({
        field: spec.name,
        level: label as string,
        weight: round((scorer.weights[f] as Float64Array)[level] as number),
      })),
    ]);
    fieldTables.set(scorer, table);
  }
  return table;
}

/** The fields' explanations of a pair; shared objects (see fieldTable): do not modify them. */
export function fieldExplanations(levels: ArrayLike<number>, scorer: PatternScorer): FieldExplanation[] {
  const table = fieldTable(scorer);
  const fields: FieldExplanation[] = new Array(FIELD_COUNT);
  for (let f = 0; f < FIELD_COUNT; f++)
    fields[f] = (table[f] as FieldExplanation[])[(levels[f] as number) + 1] as FieldExplanation;
  return fields;
}

/** A name field's explanation with its frequency adjustment (a new object: see fieldTable). */
function adjustField(fields: FieldExplanation[], f: number, bits: number): void {
  const field = fields[f];
  if (!field) return;
  fields[f] = {
    field: field.field,
    weight: round(field.weight + bits),
    level: `${field.level} (${bits < 0 ? 'common' : 'rare'} value)`,
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

export interface PairAssessment {
  explanation: Explanation;
  /** Different in name and date of birth: not even worth a review. */
  clearlyDifferent: boolean;
  /** Birth dates no typing slip explains (birthDatesApart): in data with households, a relative
   *  (a parent and a child of one name); elsewhere (FEBRL's corrupted dates) only a weight. */
  datesApart: boolean;
  /** The person's own fields (first name, birth date, sex, email) weighed against relatives
   *  (model.uHousehold), from even odds: how sure the pair is if both live in one household. */
  relativeWeight: number;
}

/** Posterior probability from a match weight (log2 odds). */
export function weightToProbability(weight: number): number {
  return 1 / (1 + 2 ** -weight);
}

/** Match weight (log2 odds) at which the posterior probability is p. */
export function probabilityToWeight(p: number): number {
  return Math.log2(p / (1 - p));
}

/** Term-frequency adjustments for exact name agreements (not when names were swapped). */
function nameAdjustments(
  a: PreparedRecord,
  levels: Int8Array,
  namesSwapped: boolean,
  scorer: PatternScorer,
  tf?: TermFrequencies,
): [number, number] {
  if (!tf || namesSwapped) return [0, 0];
  const uFirst = scorer.model.u[F.first]?.[0] ?? 0.01;
  const uLast = scorer.model.u[F.last]?.[0] ?? 0.01;
  return [
    levels[F.first] === 0 ? tfAdjustment(tf.first, a.first?.key, uFirst) : 0,
    levels[F.last] === 0 ? tfAdjustment(tf.last, a.last?.key, uLast) : 0,
  ];
}

/** The levels of the pair being assessed: read only inside assessPair (a batch assesses tens
 *  of thousands of pairs; a typed array each would cost more than the rest of the assessment). */
const scratch = newVector();

/** Compares, scores and explains one pair; priorWeight is log2 of the prior odds. In data
 *  with households, householdCap bounds what household fields can add (see model.ts). */
export function assessPair(
  a: PreparedRecord,
  b: PreparedRecord,
  scorer: PatternScorer,
  priorWeight: number,
  tf?: TermFrequencies,
  householdCap = Infinity,
): PairAssessment {
  const levels = scratch;
  const namesSwapped = compareRecords(a, b, levels);
  const [adjustFirst, adjustLast] = nameAdjustments(a, levels, namesSwapped, scorer, tf);
  const split = scorer.splitLevels(levels);
  // Name frequencies adjust the first name (personal) and the surname (household) parts.
  const adjusted: Split = [split[0] + adjustFirst, split[1] + adjustLast, split[2]];
  const uncapped = adjusted[0] + adjusted[1];
  const combined = combineWeights(adjusted, householdCap);
  const capped = combined < uncapped;
  const weight = priorWeight + combined;
  const guards = guardsFor(levels, namesSwapped);
  const fields = fieldExplanations(levels, scorer);
  if (adjustFirst !== 0) adjustField(fields, F.first, adjustFirst);
  if (adjustLast !== 0) adjustField(fields, F.last, adjustLast);
  const explanation: Explanation = {
    score: round(weight),
    probability: weightToProbability(weight),
    priorWeight: round(priorWeight),
    fields,
    namesSwapped,
    guards,
  };
  if (capped) {
    explanation.householdCap = round(householdCap);
    if (!personalAgreement(levels)) guards.push(HOUSEHOLD_ONLY);
  }
  if (integrationIdAgrees(a, b)) explanation.identifier = 'integration_record_id';
  else if (levels[F.medicare] === 0 && guards.length === 0) explanation.identifier = 'medicare';
  return {
    explanation,
    clearlyDifferent: isClearlyDifferent(levels, namesSwapped),
    datesApart: levels[F.dob] === 3 && birthDatesApart(a.dob, b.dob),
    relativeWeight: HOUSEHOLD_ODDS + split[2],
  };
}
