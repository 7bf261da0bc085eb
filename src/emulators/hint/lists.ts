// Hint list conventions: bare JSON arrays, X-Count / X-Total-Count, limit (default 10,
// max 100) and offset, sort=±field, archived excluded unless filter=archived|all,
// created_at / updated_at comparisons as {"gt":…} JSON or created_at[gt]=… brackets,
// and exact case-insensitive matches on string attributes (?first_name=joe).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HintConfig } from './config.ts';
import { HintError } from './errors.ts';

type Query = Record<string, unknown>;
const OPERATORS = ['gt', 'gte', 'lt', 'lte', 'eq'] as const;
type Operator = (typeof OPERATORS)[number];
export interface Comparison {
  field: 'created_at' | 'updated_at';
  op: Operator;
  at: number;
}

export interface ListOptions {
  limit: number;
  offset: number;
  sort: { field: string; descending: boolean } | null;
  archived: 'exclude' | 'only' | 'all';
  comparisons: Comparison[];
  matches: Map<string, string>;
}

/** Parameters that are not attribute matches. */
const RESERVED = new Set(['limit', 'offset', 'sort', 'filter', 'expand', 'created_at', 'updated_at']);

function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new HintError(400, `${name} must be given once`);
  return value;
}

function integerParam(query: Query, name: string, fallback: number, min: number): number {
  const raw = single(query, name);
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new HintError(400, `${name} must be an integer ≥ ${min}, got "${raw}"`);
  return n;
}

function parseLimit(query: Query, config: HintConfig): number {
  const limit = integerParam(query, 'limit', 10, 1);
  if (limit <= 100) return limit;
  if (config.limitAbove100 === 'reject') throw new HintError(400, 'limit must be at most 100');
  return 100;
}

function parseTime(field: string, raw: unknown): number {
  const at = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(at)) throw new HintError(400, `${field}: "${String(raw)}" is not a date or timestamp`);
  return at;
}

function isOperator(op: string): op is Operator {
  return (OPERATORS as readonly string[]).includes(op);
}

function comparison(field: Comparison['field'], op: string, raw: unknown): Comparison {
  if (!isOperator(op)) throw new HintError(400, `${field}: unknown operator "${op}" (use gt, gte, lt, lte, eq)`);
  return { field, op, at: parseTime(`${field}[${op}]`, raw) };
}

function jsonComparisons(field: Comparison['field'], raw: string): Comparison[] {
  if (!raw.trim().startsWith('{')) return [comparison(field, 'eq', raw)];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new HintError(400, `${field}: malformed JSON comparison`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new HintError(400, `${field}: expected an object like {"gt":"…"}`);
  return Object.entries(parsed).map(([op, value]) => comparison(field, op, value));
}

function parseComparisons(query: Query): Comparison[] {
  const out: Comparison[] = [];
  for (const [key, value] of Object.entries(query)) {
    const bracket = /^(created_at|updated_at)\[(\w+)\]$/.exec(key);
    if (bracket) {
      if (typeof value !== 'string') throw new HintError(400, `${key} must be given once`);
      out.push(comparison(bracket[1] as Comparison['field'], bracket[2] ?? '', value));
    } else if ((key === 'created_at' || key === 'updated_at') && value !== undefined) {
      if (typeof value !== 'string') throw new HintError(400, `${key} must be given once`);
      out.push(...jsonComparisons(key, value));
    }
  }
  return out;
}

function parseSort(query: Query): ListOptions['sort'] {
  const raw = single(query, 'sort');
  if (!raw) return null;
  const descending = raw.startsWith('-');
  const field = raw.replace(/^[-+]/, '');
  if (!/^[a-z_]+$/.test(field)) throw new HintError(400, `sort: "${raw}" is not a field name`);
  return { field, descending };
}

function parseArchived(query: Query): ListOptions['archived'] {
  const raw = single(query, 'filter');
  if (raw === undefined) return 'exclude';
  if (raw === 'archived') return 'only';
  if (raw === 'all') return 'all';
  throw new HintError(400, `filter must be archived or all, got "${raw}"`);
}

export function parseListOptions(
  request: FastifyRequest,
  config: HintConfig,
  extraReserved: string[] = [],
): ListOptions {
  const query = (request.query ?? {}) as Query;
  const matches = new Map<string, string>();
  for (const [key, value] of Object.entries(query)) {
    if (RESERVED.has(key) || extraReserved.includes(key) || key.includes('[')) continue;
    if (typeof value === 'string' && /^[a-z_]+$/.test(key)) matches.set(key, value.toLowerCase());
  }
  return {
    limit: parseLimit(query, config),
    offset: integerParam(query, 'offset', 0, 0),
    sort: parseSort(query),
    archived: parseArchived(query),
    comparisons: parseComparisons(query),
    matches,
  };
}

function compare(op: Operator, value: number, at: number): boolean {
  switch (op) {
    case 'gt':
      return value > at;
    case 'gte':
      return value >= at;
    case 'lt':
      return value < at;
    case 'lte':
      return value <= at;
    case 'eq':
      return value === at;
  }
}

export interface Listable {
  createdAt: number;
  updatedAt: number;
  archivedAt?: number | null;
}

/** Filters stored records by archive state and time comparisons (before rendering). */
export function filterRecords<T extends Listable>(records: Iterable<T>, options: ListOptions): T[] {
  const out: T[] = [];
  for (const record of records) {
    const archived = record.archivedAt !== undefined && record.archivedAt !== null;
    if (options.archived === 'exclude' && archived) continue;
    if (options.archived === 'only' && !archived) continue;
    const ok = options.comparisons.every((c) =>
      compare(c.op, c.field === 'created_at' ? record.createdAt : record.updatedAt, c.at),
    );
    if (ok) out.push(record);
  }
  return out;
}

function sortKey(value: unknown): string | number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const time = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
    return Number.isNaN(time) ? value.toLowerCase() : time;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  return '';
}

/** Applies attribute matches and sort on rendered views; unknown attributes are ignored. */
export function matchAndSort<V extends Record<string, unknown>>(views: V[], options: ListOptions): V[] {
  let out = views;
  for (const [field, wanted] of options.matches) {
    out = out.filter((v) => !(field in v) || String(v[field] ?? '').toLowerCase() === wanted);
  }
  const sort = options.sort;
  if (sort) {
    const sample = out[0];
    if (sample && !(sort.field in sample)) throw new HintError(400, `sort: unknown field "${sort.field}"`);
    const direction = sort.descending ? -1 : 1;
    out = [...out].sort((a, b) => {
      const x = sortKey(a[sort.field]);
      const y = sortKey(b[sort.field]);
      return (x < y ? -1 : x > y ? 1 : 0) * direction;
    });
  }
  return out;
}

/** Pages, sets the count headers, and returns the bare array Hint sends. */
export function sendPage<V>(reply: FastifyReply, items: V[], options: ListOptions): V[] {
  const page = items.slice(options.offset, options.offset + options.limit);
  reply.header('x-count', String(page.length));
  reply.header('x-total-count', String(items.length));
  return page;
}

const RECORD_SORTS: Record<string, (r: Listable & { id?: string }) => number | string> = {
  created_at: (r) => r.createdAt,
  updated_at: (r) => r.updatedAt,
  id: (r) => r.id ?? '',
};

function sortRecords<T extends Listable & { id?: string }>(
  records: T[],
  key: (r: T) => number | string,
  descending: boolean,
): T[] {
  const direction = descending ? -1 : 1;
  return records.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return (x < y ? -1 : x > y ? 1 : 0) * direction;
  });
}

/** Sorts that never change for a record: an index by them stays valid until records come or go. */
const STABLE_SORTS = new Set(['created_at', 'id']);

/**
 * Records kept sorted by a stable key (created_at, id) until `version` changes: with 100,000
 * patients a list page is then a filter and a slice, not a sort of the whole practice.
 */
export class SortedIndex<T extends Listable & { id?: string }> {
  private readonly entries = new Map<string, { version: unknown[]; sorted: T[] }>();

  /** Sorted as asked (ties in stored order, as a fresh sort would), or undefined when the sort is not stable. */
  get(
    key: string,
    sort: { field: string; descending: boolean },
    version: unknown[],
    records: () => T[],
  ): T[] | undefined {
    const sortKey = RECORD_SORTS[sort.field];
    if (!STABLE_SORTS.has(sort.field) || !sortKey) return undefined;
    const cacheKey = `${key}|${sort.field}|${sort.descending}`;
    const hit = this.entries.get(cacheKey);
    if (hit && hit.version.length === version.length && hit.version.every((v, i) => v === version[i]))
      return hit.sorted;
    const sorted = sortRecords(records(), sortKey, sort.descending);
    if (this.entries.size > 100) this.entries.clear();
    this.entries.set(cacheKey, { version, sorted });
    return sorted;
  }
}

/**
 * The common path: filter stored records, render, match, sort, page. When no attribute
 * match or view-only sort is asked for, only the page is rendered: paging through
 * thousands of patients while writing back between pages must stay linear.
 * `presorted`: the records are already in the requested order (SortedIndex).
 */
export function listOf<T extends Listable & { id?: string }, V extends Record<string, unknown>>(
  reply: FastifyReply,
  records: Iterable<T>,
  options: ListOptions,
  render: (record: T) => V,
  presorted = false,
): V[] {
  const filtered = filterRecords(records, options);
  const recordSort = options.sort ? RECORD_SORTS[options.sort.field] : undefined;
  if (options.matches.size === 0 && (!options.sort || recordSort)) {
    if (options.sort && recordSort && !presorted) sortRecords(filtered, recordSort, options.sort.descending);
    return sendPage(reply, filtered, options).map(render);
  }
  const views = filtered.map(render);
  return sendPage(reply, matchAndSort(views, options), options);
}
