// How a canonical record kind maps between its API JSON and its table: a list of
// (json path, column) pairs, read and written generically by repository.ts.
import type { z } from 'zod';
import type { Queryable } from '../pool.ts';
import type { RecordContext } from '../../core/records/patient.ts';

export type RecordKind =
  'patient' | 'practitioner' | 'location' | 'resource' | 'appointmentType' | 'schedule' | 'appointment' | 'invoice';

export interface ColumnMap {
  path: string; // 'firstName' or 'address.city'
  column: string; // 'first_name'
  json?: boolean; // jsonb column: passed through JSON.stringify on write
  timestamp?: boolean; // timestamptz column: written out as ISO 8601
  readOnly?: boolean; // output only
  uuidArray?: boolean;
}

export interface FilterDef {
  /** SQL condition using $n placeholder for the value, e.g. "patient_id = $n". */
  condition: string;
  /** Optional: asks the database first and returns the condition (still with one $n) and its value,
   *  e.g. to pick the plan that suits how many rows match. */
  resolve?(db: Queryable, practiceId: string, value: unknown): Promise<{ condition: string; value: unknown }>;
  schema: z.ZodType;
}

export interface RecordDefinition {
  kind: RecordKind;
  table: string;
  path: string; // URL segment: 'patients', 'appointment-types', ...
  columns: ColumnMap[];
  schemas(ctx: RecordContext): { create: z.ZodType; patch: z.ZodType };
  filters: Record<string, FilterDef>;
  /** SQL condition with $n for a search term (already lower-cased, with % wildcards). */
  search?: string;
  orderBy: string;
  /** Cross-field rules checked on the merged record before writing; returns [field, message] pairs. */
  check?(merged: Record<string, unknown>): [string, string][];
  /** Referenced ids that must exist in the practice: field → table. A field inside an array of
   *  objects is named with `*`, e.g. 'lines.*.practitionerId'. */
  references?: Record<string, string>;
}

/** Columns every record has, read-only from the API's point of view. */
export const standardColumns: ColumnMap[] = [
  { path: 'id', column: 'id', readOnly: true },
  { path: 'version', column: 'version', readOnly: true },
  { path: 'createdAt', column: 'created_at', readOnly: true, timestamp: true },
  { path: 'updatedAt', column: 'updated_at', readOnly: true, timestamp: true },
];

export function getPath(obj: Record<string, unknown>, path: string): unknown {
  let value: unknown = obj;
  for (const key of path.split('.')) {
    if (value === null || value === undefined || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Turns a validated (possibly partial) input into column values, following patch semantics:
 *  an absent field is left alone; a null parent object clears all of its columns. */
export function toColumns(def: RecordDefinition, input: Record<string, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const col of def.columns) {
    if (col.readOnly) continue;
    const [head, ...rest] = col.path.split('.');
    if (!head || !(head in input)) continue;
    const parent = input[head];
    if (rest.length > 0 && (parent === null || parent === undefined)) {
      out.set(col.column, null);
      continue;
    }
    const value = getPath(input, col.path);
    if (value === undefined && rest.length > 0) continue;
    out.set(col.column, col.json && value !== null && value !== undefined ? JSON.stringify(value) : (value ?? null));
  }
  return out;
}

/** Builds the API JSON from a row. */
export function fromRow(def: RecordDefinition, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const col of [...standardColumns, ...def.columns]) {
    let value = row[col.column];
    if (col.timestamp && value instanceof Date) value = value.toISOString();
    const keys = col.path.split('.');
    let target = out;
    for (const key of keys.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    target[keys.at(-1)!] = value ?? null;
  }
  return out;
}
