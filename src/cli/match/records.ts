// CSV rows ↔ matcher records for `tandem match`.
import { CliError } from '../errors.ts';
import type { LinkedPair, MatchRecord } from '../../core/matching/index.ts';
import { columnsOf, INPUT_COLUMNS, splitFullName, type InputColumn } from './columns.ts';
import { csvObjects, formatCsvRow } from './csv.ts';

export interface ParsedInput {
  records: MatchRecord[];
  ignoredColumns: string[];
  /** Headers read under another name, e.g. "given_name → first_name". */
  renamedColumns: string[];
}

/** Parses a CSV file's text into records; errors name the file and the problem. */
export function recordsFromCsv(text: string, file: string): ParsedInput {
  const { header, records: rows } = csvObjects(text);
  const { columns, streetNumber, fullName, ignored } = columnsOf(header);
  const idColumn = columns.get('id');
  if (idColumn === undefined)
    throw new CliError(`${file}: no "id" column (columns are named: ${INPUT_COLUMNS.join(', ')})`);
  const renamedColumns = [...columns]
    .filter(([column, h]) => column !== h)
    .map(([column, h]) => `${h} → ${column}`)
    .concat(streetNumber ? [`${streetNumber} → address_line1 (in front)`] : [])
    .concat(fullName ? [`${fullName} → first_name, middle_name, last_name (split)`] : []);
  const seen = new Set<string>();
  const records = rows.map((row, i) => {
    const id = row[idColumn] ?? '';
    if (id === '') throw new CliError(`${file}: row ${i + 2}: empty id`);
    if (seen.has(id)) throw new CliError(`${file}: row ${i + 2}: duplicate id "${id}"`);
    seen.add(id);
    const cell = (h: string | undefined) => (h === undefined || !row[h] ? null : row[h]!);
    const value = (column: InputColumn) => {
      const v = cell(columns.get(column));
      if (column !== 'address_line1' || !streetNumber) return v;
      return [cell(streetNumber), v].filter((x) => x !== null).join(' ') || null;
    };
    const split = fullName ? splitFullName(cell(fullName) ?? '') : undefined;
    return {
      id,
      firstName: split ? split.first : value('first_name'),
      middleName: split ? (value('middle_name') ?? split.middle) : value('middle_name'),
      lastName: split ? split.last : value('last_name'),
      dob: value('dob'),
      sex: value('sex'),
      email: value('email'),
      phone: value('phone'),
      addressLine1: value('address_line1'),
      addressLine2: value('address_line2'),
      city: value('city'),
      state: value('state'),
      postcode: value('postcode'),
      country: value('country'),
      medicareNumber: value('medicare_number'),
    } satisfies MatchRecord;
  });
  return { records, ignoredColumns: ignored, renamedColumns };
}

const FIELD_COLUMNS = [
  'first_name',
  'last_name',
  'dob',
  'sex',
  'email',
  'phone',
  'address_line1',
  'address_line2',
  'locality',
  'medicare',
  'mobile',
  'middle_name',
];

export function pairsHeader(explain: boolean): string {
  const base = ['a_id', 'b_id', 'score', 'decision'];
  return formatCsvRow(explain ? [...base, 'probability', 'guards', 'context', ...FIELD_COLUMNS] : base);
}

/** One output row; with explain, each field as "level (weight)". */
export function pairRow(pair: LinkedPair, explain: boolean): string {
  const base: (string | number)[] = [pair.aId, pair.bId, pair.score.toFixed(2), pair.decision];
  if (!explain) return formatCsvRow(base);
  const byField = new Map(pair.explanation.fields.map((f) => [f.field, f]));
  const fields = FIELD_COLUMNS.map((name) => {
    const f = byField.get(name);
    return !f || f.level === 'missing' ? 'missing' : `${f.level} (${f.weight >= 0 ? '+' : ''}${f.weight.toFixed(2)})`;
  });
  return formatCsvRow([
    ...base,
    pair.explanation.probability.toFixed(6),
    pair.explanation.guards.join('; '),
    pair.explanation.context ?? '',
    ...fields,
  ]);
}
