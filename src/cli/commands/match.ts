// `tandem match --a A.csv --b B.csv [--out pairs.csv] [--explain]` links two files;
// `tandem match --dedupe F.csv [...]` finds duplicates within one. Pure matching lives in
// src/core/matching; this file reads, reports progress and writes.
import { readFileSync, writeFileSync } from 'node:fs';
import { numberFlag, parseFlags } from '../args.ts';
import { CliError } from '../errors.ts';
import {
  dedupe,
  linkSources,
  type DedupeResult,
  type LinkOptions,
  type LinkResult,
  type LinkStats,
  type ProgressEvent,
} from '../../core/matching/index.ts';
import { formatCsvRow } from '../match/csv.ts';
import { inferCountry, inferDateOrder } from '../match/infer.ts';
import { INPUT_COLUMNS } from '../match/columns.ts';
import { pairRow, pairsHeader, recordsFromCsv } from '../match/records.ts';

export const usage = `Usage: tandem match --a A.csv --b B.csv [--out pairs.csv] [options]
       tandem match --dedupe F.csv [--out pairs.csv] [--clusters clusters.csv] [options]

Links the people in two CSV files (one-to-one), or finds duplicates within one file.
Input columns (any subset, "id" required, names exactly):
  ${INPUT_COLUMNS.join(', ')}
Output CSV (stdout unless --out): a_id, b_id, score, decision (match | review),
  score being the match weight (log2 of the posterior odds). With --dedupe the matches are
  exactly the pairs inside the final clusters: merging every match gives those clusters.

Options:
  --precision P             expected precision of the automatic matches (default 0.995):
                            sets the match threshold from the data's match probabilities
  --clusters FILE           (--dedupe) write id,cluster_id for every record
  --explain                 add probability, guards, context and each field's level and weight
  --match-threshold P       a fixed match probability instead of --precision
  --review-threshold P      posterior probability for a review (default 0.01)
  --country AU|US           region for phones without a country code (default: read from
                            the states and postcodes when they are clear, else AU)
  --date-order DMY|MDY      how to read an ambiguous date such as 03/04/1980 (default: read
                            from dates such as 25/04 or 04/25 when they are clear, else by country)
  --guards                  never auto-match pairs that look like twins or relatives
                            (default: on by itself when the files contain households)
  --quiet                   no progress on stderr`;

function readInput(file: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = recordsFromCsv(text, file);
  if (parsed.renamedColumns.length > 0)
    process.stderr.write(`${file}: reading columns as: ${parsed.renamedColumns.join(', ')}\n`);
  if (parsed.ignoredColumns.length > 0)
    process.stderr.write(`${file}: ignoring unknown columns: ${parsed.ignoredColumns.join(', ')}\n`);
  return parsed.records;
}

/** An inferred setting, said on stderr so the user can override it. */
function told<T extends string>(flag: string, inferred: T | undefined): T | undefined {
  if (inferred !== undefined)
    process.stderr.write(`read from the data: ${flag} ${inferred} (give ${flag} to override)\n`);
  return inferred;
}

function probabilityFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const p = numberFlag(value, name, 0.5);
  if (p >= 1) throw new CliError(`--${name} must be a probability between 0 and 1, got "${value}"`);
  return p;
}

function progressReporter(quiet: boolean, started: number) {
  if (quiet) return undefined;
  return (e: ProgressEvent) => {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stderr.write(`[${seconds} s] ${e.phase} ${e.done}/${e.total}\n`);
  };
}

function writeOutput(result: LinkResult, out: string | undefined, explain: boolean): void {
  const lines = [pairsHeader(explain), ...result.pairs.map((p) => pairRow(p, explain))];
  if (out) writeFileSync(out, lines.join(''));
  else process.stdout.write(lines.join(''));
}

function writeClusters(clusterOf: Map<string, string>, file: string): void {
  const lines = [formatCsvRow(['id', 'cluster_id']), ...[...clusterOf].map(([id, c]) => formatCsvRow([id, c]))];
  writeFileSync(file, lines.join(''));
}

/** The review load is a first-class figure: every run states it. */
export function summaryLine(stats: LinkStats, seconds: number, clusters?: number): string {
  const per100 = stats.reviewsPer100.toFixed(1);
  return (
    `${stats.comparisons} comparisons, ${stats.matches} matches, ${stats.reviews} reviews (${per100} per 100 records)` +
    (clusters === undefined ? '' : `, ${clusters} clusters of 2+ records`) +
    `; match threshold p ≥ ${stats.matchThreshold.toFixed(4)} (expected precision ${stats.expectedPrecision.toFixed(4)})` +
    `${stats.guards ? ', household guards on' : ''} in ${seconds.toFixed(1)} s`
  );
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseFlags(
    args,
    {
      a: { type: 'string' },
      b: { type: 'string' },
      dedupe: { type: 'string' },
      out: { type: 'string' },
      clusters: { type: 'string' },
      precision: { type: 'string' },
      explain: { type: 'boolean' },
      'match-threshold': { type: 'string' },
      'review-threshold': { type: 'string' },
      country: { type: 'string' },
      'date-order': { type: 'string' },
      guards: { type: 'boolean' },
      quiet: { type: 'boolean' },
    },
    usage,
  );
  const linking = values.a !== undefined || values.b !== undefined;
  if (linking === (values.dedupe !== undefined)) throw new CliError(`give either --a and --b, or --dedupe\n\n${usage}`);
  if (linking && (!values.a || !values.b)) throw new CliError(`--a and --b go together\n\n${usage}`);
  if (linking && values.clusters) throw new CliError('--clusters goes with --dedupe');
  const dateOrder = values['date-order']?.toUpperCase();
  if (dateOrder !== undefined && dateOrder !== 'DMY' && dateOrder !== 'MDY')
    throw new CliError(`--date-order must be DMY or MDY, got "${values['date-order']}"`);
  const started = performance.now();
  const inputs =
    values.dedupe !== undefined ? [readInput(values.dedupe)] : [readInput(values.a!), readInput(values.b!)];
  const all = inputs.flat();
  const country = values.country?.toUpperCase() ?? told('--country', inferCountry(all)) ?? 'AU';
  const order = dateOrder ?? told('--date-order', inferDateOrder(all));
  const options: LinkOptions = {
    precision: probabilityFlag(values.precision, 'precision'),
    thresholds: {
      match: probabilityFlag(values['match-threshold'], 'match-threshold'),
      review: probabilityFlag(values['review-threshold'], 'review-threshold'),
    },
    normalize: { defaultCountry: country, dateOrder: order },
    // Unset: the matcher switches the guards on by itself when the data has households.
    guards: values.guards ? true : undefined,
    onProgress: progressReporter(values.quiet ?? false, started),
  };
  if (options.thresholds)
    for (const key of ['match', 'review'] as const)
      if (options.thresholds[key] === undefined) delete options.thresholds[key];
  let result: LinkResult;
  let deduped: DedupeResult | undefined;
  try {
    if (values.dedupe !== undefined) result = deduped = dedupe(inputs[0]!, options);
    else result = linkSources(inputs[0]!, inputs[1]!, options);
  } catch (error) {
    if (error instanceof RangeError) throw new CliError(error.message);
    throw error;
  }
  writeOutput(result, values.out, values.explain ?? false);
  if (values.clusters && deduped) writeClusters(deduped.clusterOf, values.clusters);
  if (!values.quiet) {
    const seconds = (performance.now() - started) / 1000;
    const files = [values.out, values.clusters].filter((f) => f).join(', ');
    process.stderr.write(
      `${summaryLine(result.stats, seconds, deduped?.clusters.length)}${files ? ` → ${files}` : ''}\n`,
    );
  }
  return 0;
}
