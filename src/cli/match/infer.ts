// What `tandem match` can tell from the data itself when the user did not say: how the file
// writes ambiguous dates (03/04/1980) and which country its phones and addresses are in. A
// wrong guess costs matches on every record, so a guess is made only on clear evidence, and
// the run says what it took (an explicit --date-order or --country always wins).
import type { MatchRecord } from '../../core/matching/index.ts';

const SLASHED = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})\s*$/;

/** DMY or MDY when some dates can only be read one way and none only the other. */
export function inferDateOrder(records: readonly MatchRecord[]): 'DMY' | 'MDY' | undefined {
  let dmy = 0;
  let mdy = 0;
  for (const r of records) {
    const m = r.dob ? SLASHED.exec(r.dob) : null;
    if (!m) continue;
    const [first, second] = [Number(m[1]), Number(m[2])];
    if (first > 12 && second <= 12) dmy++;
    else if (second > 12 && first <= 12) mdy++;
  }
  if (mdy > 0 && dmy === 0) return 'MDY';
  if (dmy > 0 && mdy === 0) return 'DMY';
  return undefined;
}

const AU_STATES = new Set(['NSW', 'VIC', 'QLD', 'WA', 'SA', 'TAS', 'ACT', 'NT']);
const US_STATES = new Set(
  (
    'AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK ' +
    'OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR'
  ).split(' '),
);

/** AU or US when at least four in five records that show either (state, postcode) show the same one. */
export function inferCountry(records: readonly MatchRecord[]): 'AU' | 'US' | undefined {
  let au = 0;
  let us = 0;
  for (const r of records) {
    const state = r.state?.trim().toUpperCase() ?? '';
    const postcode = r.postcode?.trim() ?? '';
    // WA is a state in both: it decides nothing on its own.
    const auLike = (AU_STATES.has(state) && state !== 'WA') || /^\d{4}$/.test(postcode);
    const usLike = (US_STATES.has(state) && state !== 'WA') || /^\d{5}(-\d{4})?$/.test(postcode);
    if (auLike && !usLike) au++;
    else if (usLike && !auLike) us++;
  }
  const seen = au + us;
  if (seen === 0) return undefined;
  if (us >= 0.8 * seen) return 'US';
  if (au >= 0.8 * seen) return 'AU';
  return undefined;
}
