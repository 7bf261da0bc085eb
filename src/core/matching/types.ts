// The matcher's public types: what callers hand in, what they get back.
// Everything here is plain data so results can be stored (review queue) and logged by id.

/**
 * A person as any source describes them. Every field is optional and free-form:
 * normalisation copes with case, accents, punctuation and the date/phone formats met in
 * the wild, so connectors can pass what the remote system holds without cleaning it.
 */
export interface MatchRecord {
  /** The record's id in its own source (a hub patient id, a Hint id, a CSV row id). */
  id: string;
  firstName?: string | null;
  middleName?: string | null;
  lastName?: string | null;
  /** "Liz" for Elizabeth: compared as an alias of the first name. */
  preferredName?: string | null;
  /** YYYY-MM-DD, YYYYMMDD, DD-MM-YYYY, DD/MM/YYYY, MM/DD/YYYY (when unambiguous). */
  dob?: string | null;
  /** M / F / male / female / other / unknown… (anything else counts as missing). */
  sex?: string | null;
  email?: string | null;
  /** Extra addresses; any one agreeing counts as agreement. */
  emails?: readonly string[] | null;
  phone?: string | null;
  /** Extra phones (home, work, mobile); any one agreeing counts as agreement. */
  phones?: readonly string[] | null;
  addressLine1?: string | null;
  addressLine2?: string | null;
  city?: string | null;
  state?: string | null;
  postcode?: string | null;
  /** ISO 3166 alpha-2 (AU, US…) or a name; picks the phone region and the date order. */
  country?: string | null;
  /** Australian Medicare card number (10 digits incl. issue number; spaces allowed). */
  medicareNumber?: string | null;
  /** Individual reference number: the person's position on the Medicare card (1-9). */
  medicareIrn?: string | null;
  /**
   * The hub's id as written into a remote system (Hint `integration_record_id`,
   * a Salesforce external id). Equal to the other record's `id` → same person.
   */
  integrationRecordId?: string | null;
}

/** A calendar date split into parts; months and days are 1-based. */
export interface DateParts {
  y: number;
  m: number;
  d: number;
}

/** Where names, dates and phones come from decides how ambiguous inputs are read. */
export interface NormalizeOptions {
  /** Region for phone numbers without a country code, unless the record names one. Default AU. */
  defaultCountry?: 'AU' | 'US' | (string & {});
  /** How to read an ambiguous slash/dash date such as 03/04/1980. Default DMY (AU); US records use MDY. */
  dateOrder?: 'DMY' | 'MDY';
}

/** One field's contribution to a pair's score, for the explanation. */
export interface FieldExplanation {
  field: string;
  /** Comparison level label, e.g. "exact", "jaro-winkler ≥ 0.92", "missing". */
  level: string;
  /** log2(m/u) for that level; 0 when either side is missing. */
  weight: number;
}

/** Why a pair scored what it did. Ids only: no PHI. */
export interface Explanation {
  /** Match weight: log2 of the posterior odds = prior weight + the sum of field weights. */
  score: number;
  /** The posterior probability that the pair is one person, 2^score / (1 + 2^score). */
  probability: number;
  /** log2 of the prior odds that two records picked this way are one person (see docs). */
  priorWeight: number;
  fields: FieldExplanation[];
  /** True when first and last names were compared crosswise (swapped on one side). */
  namesSwapped: boolean;
  /** An exact identifier agreement that decided the pair on its own, if any. */
  identifier?: 'integration_record_id' | 'medicare';
  /** Rules that kept a high score from being an automatic match (e.g. "first name differs"). */
  guards: string[];
  /** Set when the household fields (surname, phone, address, locality) agreed by more than
   *  this many bits and were counted as this: they show one household, not one person. */
  householdCap?: number;
  /** Set in dedupe and batch linking when the decision came from the records around the
   *  pair rather than the pair alone (see docs/matching.md, "Clusters"). */
  context?: string;
}

export interface ScoredCandidate {
  id: string;
  score: number;
  explanation: Explanation;
}

/**
 * The decision about one incoming person. Callers must handle all three kinds
 * (switch with an exhaustive `never` check): link, queue for review, or create.
 */
export type MatchResult =
  | { kind: 'match'; id: string; score: number; explanation: Explanation }
  | { kind: 'review'; candidates: ScoredCandidate[] }
  | { kind: 'new'; best?: ScoredCandidate };

/** Thresholds on the posterior match probability. */
export interface Thresholds {
  /** At or above: automatic match (unless a guard fires). Default 0.99. */
  match: number;
  /** At or above (and below match, or guarded): review. Below: new. Default 0.01. */
  review: number;
}

/** A pair found by linkSources / dedupe. */
export interface LinkedPair {
  aId: string;
  bId: string;
  score: number;
  decision: 'match' | 'review';
  explanation: Explanation;
}
