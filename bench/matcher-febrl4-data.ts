// Loads the FEBRL4 benchmark (5,000 + 5,000 records; rec-N-org ↔ rec-N-dup-0 are the
// true pairs) as MatchRecords. soc_sec_id (a national id) is deliberately not used.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { csvObjects } from '../src/cli/match/csv.ts';
import type { LinkedPair, MatchRecord } from '../src/core/matching/index.ts';

// Next to the repository (../shared/data) in the integration checkout; a worktree one level deeper
// finds it two levels up; TANDEM_FEBRL4_DIR overrides both.
const here = path.dirname(fileURLToPath(import.meta.url));
export const FEBRL4_DIR =
  process.env.TANDEM_FEBRL4_DIR ??
  [path.resolve(here, '../../shared/data/febrl4'), path.resolve(here, '../../../shared/data/febrl4')].find((dir) =>
    existsSync(path.join(dir, 'dataset4a.csv')),
  ) ??
  path.resolve(here, '../../shared/data/febrl4');

function toRecord(row: Record<string, string>): MatchRecord {
  const line1 = [row.street_number, row.address_1].filter((s) => s).join(' ');
  return {
    id: row.rec_id ?? '',
    firstName: row.given_name,
    lastName: row.surname,
    addressLine1: line1,
    addressLine2: row.address_2,
    city: row.suburb,
    postcode: row.postcode,
    state: row.state,
    dob: row.date_of_birth,
    country: 'AU',
  };
}

export function loadFebrl4(dir = FEBRL4_DIR): { a: MatchRecord[]; b: MatchRecord[] } {
  const load = (file: string) => csvObjects(readFileSync(path.join(dir, file), 'utf8')).records.map(toRecord);
  return { a: load('dataset4a.csv'), b: load('dataset4b.csv') };
}

/** rec-12-org and rec-12-dup-0 are the same person. */
function entity(id: string): string {
  return id.replace(/-(org|dup-\d+)$/, '');
}

export interface Quality {
  truePairs: number;
  predicted: number;
  truePositives: number;
  precision: number;
  recall: number;
  f1: number;
}

export function evaluate(
  pairs: readonly LinkedPair[],
  a: readonly MatchRecord[],
  b: readonly MatchRecord[],
  decision: 'match' | 'match+review' = 'match',
): Quality {
  const bEntities = new Set(b.map((r) => entity(r.id)));
  const truePairs = a.filter((r) => bEntities.has(entity(r.id))).length;
  const predicted = pairs.filter((p) => decision === 'match+review' || p.decision === 'match');
  const truePositives = predicted.filter((p) => entity(p.aId) === entity(p.bId)).length;
  const precision = predicted.length === 0 ? 1 : truePositives / predicted.length;
  const recall = truePairs === 0 ? 1 : truePositives / truePairs;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { truePairs, predicted: predicted.length, truePositives, precision, recall, f1 };
}
