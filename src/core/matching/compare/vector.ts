// One pair → its comparison vector (a level per field). Names are also tried crosswise,
// because first and last names swapped on one side is a common data-entry error.
import type { PreparedRecord } from '../prepare.ts';
import { F, FIELD_COUNT, MISSING } from './fields.ts';
import {
  compareAddresses,
  compareDates,
  compareEmails,
  compareExact,
  compareFirstNames,
  compareLastNames,
  compareLocality,
  compareMedicare,
  compareMiddleNames,
  compareNamesCrossed,
  comparePhones,
  compareText,
} from './levels.ts';

export function newVector(): Int8Array {
  return new Int8Array(FIELD_COUNT);
}

/** Rank of a level for choosing between straight and crossed names (missing is neutral). */
function rank(level: number): number {
  return level === MISSING ? 2.5 : level;
}

function crossedInitialAgrees(a: PreparedRecord, b: PreparedRecord): boolean {
  const af = a.first?.key.charCodeAt(0),
    al = a.last?.key.charCodeAt(0);
  const bf = b.first?.key.charCodeAt(0),
    bl = b.last?.key.charCodeAt(0);
  return (af !== undefined && af === bl) || (al !== undefined && al === bf);
}

/** A name level that leaves room for a swap: not exact or an alias, or missing. */
function unsure(level: number): boolean {
  return level > 1 || level === MISSING;
}

/** A crossed name that agrees: exact or close in spelling. */
function agreeing(level: number): boolean {
  return level !== MISSING && level <= 2;
}

// Helpers live at module level, not as closures in compareRecords: it runs for every
// candidate pair (millions in a big batch), and a closure is an allocation per call.

/** Fills `out` with the pair's levels; returns true when the names matched crosswise. */
export function compareRecords(a: PreparedRecord, b: PreparedRecord, out: Int8Array): boolean {
  const first = compareFirstNames(a.first, b.first, a.firstAliases, b.firstAliases);
  const last = compareLastNames(a.last, b.last);
  let swapped = false;
  out[F.first] = first;
  out[F.last] = last;
  // Crossed names are tried only when an initial agrees crosswise: a swap keeps the names'
  // spelling, and the two extra comparisons would otherwise run for every stranger.
  // A name missing on one side still allows a swap: "Taquinper Hudson" against a record with
  // first name "Hudson" and no surname agrees crosswise, and straight it would read as a
  // differing first name.
  if (unsure(first) && unsure(last) && first + last !== 2 * MISSING && crossedInitialAgrees(a, b)) {
    const crossFirst = compareNamesCrossed(a.first, b.last);
    const crossLast = compareNamesCrossed(a.last, b.first);
    // Crosswise wins when it agrees better overall. The better level goes to the first name
    // whichever side is which, so that a against b scores what b against a scores.
    // Both crossed names must agree: one agreeing crosswise and the other different is a
    // relative whose first name happens to be the surname (twins Lee Jonathan / Michael Lee),
    // and accepting it would hide the differing first name from the guards.
    // A typo on top of the swap ("Dijoston Barb" / "Borbara Dijoston") is accepted when the
    // other crossed name is exact: the exact one carries the swap, the other only its spelling.
    const crossOk =
      crossFirst === MISSING || crossLast === MISSING
        ? agreeing(crossFirst) || agreeing(crossLast)
        : (agreeing(crossFirst) && agreeing(crossLast)) ||
          (crossFirst === 0 && crossLast === 3) ||
          (crossFirst === 3 && crossLast === 0);
    if (crossOk && rank(crossFirst) + rank(crossLast) < rank(first) + rank(last)) {
      const [better, worse] = rank(crossFirst) <= rank(crossLast) ? [crossFirst, crossLast] : [crossLast, crossFirst];
      // With one crossed name missing, the one that agrees may be a surname either way
      // ("Tonsch Thomas" against a record with surname Tonsch and no first name is as likely
      // Thomas Tonsch swapped against a relative): it counts as the surname, a household's
      // evidence, not as the person's first name.
      const oneMissing = crossFirst === MISSING || crossLast === MISSING;
      out[F.first] = oneMissing ? MISSING : better;
      out[F.last] = oneMissing ? better : worse;
      swapped = true;
    }
  }
  out[F.dob] = compareDates(a.dob, b.dob);
  out[F.sex] = compareExact(a.sex, b.sex);
  out[F.email] = compareEmails(a.emails, b.emails, a.emailLocals, b.emailLocals);
  out[F.phone] = comparePhones(a.landlineTails, b.landlineTails);
  out[F.mobile] = comparePhones(a.mobileTails, b.mobileTails);
  out[F.middle] = compareMiddleNames(a.middle, b.middle);
  out[F.address1] = compareAddresses(a.address1, b.address1);
  out[F.address2] = compareText(a.address2, b.address2);
  out[F.locality] = compareLocality(a, b);
  out[F.medicare] = compareMedicare(a.medicare, b.medicare);
  return swapped;
}
