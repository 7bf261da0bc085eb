// Runs a parsed SOQL query over the org's records: resolves field paths (incl. one parent
// relationship such as Account.Name), checks literal types against field types, filters,
// sorts, and projects records into Salesforce's JSON shape.
import { SfError } from '../errors.ts';
import { to18 } from '../ids.ts';
import type { FieldDef, ObjectDef } from '../metadata.ts';
import type { Org } from '../org.ts';
import type { SfRecord } from '../state.ts';
import { formatDateTime } from '../values.ts';
import type { Condition, FieldRef, Literal, OrderItem, Query } from './ast.ts';
import { malformed } from './lexer.ts';

const DAY = 86_400_000;

export interface ResolvedField {
  ref: FieldRef;
  relationship: FieldDef | null; // the reference field followed, e.g. AccountId for Account.Name
  target: ObjectDef; // object the field lives on
  field: FieldDef;
}

type Predicate = (record: SfRecord) => boolean;

function located(query: string, col: number, errorCode: string, message: string): SfError {
  const m = malformed(query, col, message);
  return new SfError(400, errorCode, m.message);
}

export function resolveField(org: Org, def: ObjectDef, ref: FieldRef, query: string): ResolvedField {
  const [first, second, third] = ref.path;
  if (third !== undefined)
    throw located(
      query,
      ref.col,
      'INVALID_FIELD',
      `Only one level of relationship is supported: ${ref.path.join('.')}`,
    );
  const unknownColumn = (name: string, on: string) =>
    located(
      query,
      ref.col,
      'INVALID_FIELD',
      `No such column '${name}' on entity '${on}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  if (second === undefined) {
    const field = def.byLower.get(first!.toLowerCase());
    if (!field) throw unknownColumn(first!, def.name);
    return { ref, relationship: null, target: def, field };
  }
  // "Contact.LastName FROM Contact" names the object itself.
  if (first!.toLowerCase() === def.name.toLowerCase()) return resolveField(org, def, { ...ref, path: [second] }, query);
  const relationship = def.relationships.get(first!.toLowerCase());
  const target = relationship?.referenceTo?.[0] ? org.schema.get(relationship.referenceTo[0]) : undefined;
  if (!relationship || !target)
    throw located(
      query,
      ref.col,
      'INVALID_FIELD',
      `Didn't understand relationship '${first}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  const field = target.byLower.get(second.toLowerCase());
  if (!field) throw unknownColumn(second, target.name);
  return { ref, relationship, target, field };
}

function valueOf(org: Org, r: ResolvedField, record: SfRecord): unknown {
  if (!r.relationship) return record.values[r.field.name];
  const parentId = record.values[r.relationship.name];
  if (typeof parentId !== 'string') return null;
  return org.data.records.get(r.target.name)?.get(parentId)?.values[r.field.name] ?? null;
}

// ---------- relative date literals (UTC) ----------

function startOfDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

function monthStart(ms: number, add: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + add, 1);
}

/** [start, end) in epoch ms for a relative literal, evaluated now. */
export function relativeRange(name: string, n: number | null, now: number): [number, number] {
  const today = startOfDay(now);
  const weekStart = today - new Date(today).getUTCDay() * DAY; // weeks start on Sunday
  const year = new Date(now).getUTCFullYear();
  const k = n ?? 0;
  switch (name) {
    case 'TODAY':
      return [today, today + DAY];
    case 'YESTERDAY':
      return [today - DAY, today];
    case 'TOMORROW':
      return [today + DAY, today + 2 * DAY];
    case 'THIS_WEEK':
      return [weekStart, weekStart + 7 * DAY];
    case 'LAST_WEEK':
      return [weekStart - 7 * DAY, weekStart];
    case 'NEXT_WEEK':
      return [weekStart + 7 * DAY, weekStart + 14 * DAY];
    case 'THIS_MONTH':
      return [monthStart(now, 0), monthStart(now, 1)];
    case 'LAST_MONTH':
      return [monthStart(now, -1), monthStart(now, 0)];
    case 'NEXT_MONTH':
      return [monthStart(now, 1), monthStart(now, 2)];
    case 'THIS_YEAR':
      return [Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1)];
    case 'LAST_YEAR':
      return [Date.UTC(year - 1, 0, 1), Date.UTC(year, 0, 1)];
    case 'NEXT_YEAR':
      return [Date.UTC(year + 1, 0, 1), Date.UTC(year + 2, 0, 1)];
    case 'LAST_90_DAYS':
      return [today - 90 * DAY, today + DAY];
    case 'NEXT_90_DAYS':
      return [today + DAY, today + 91 * DAY];
    case 'LAST_N_DAYS':
      return [today - k * DAY, today + DAY];
    case 'NEXT_N_DAYS':
      return [today + DAY, today + (k + 1) * DAY];
    case 'N_DAYS_AGO':
      return [today - k * DAY, today - (k - 1) * DAY];
    case 'LAST_N_WEEKS':
      return [weekStart - 7 * k * DAY, weekStart];
    case 'NEXT_N_WEEKS':
      return [weekStart + 7 * DAY, weekStart + 7 * (k + 1) * DAY];
    case 'LAST_N_MONTHS':
      return [monthStart(now, -k), monthStart(now, 0)];
    default:
      return [monthStart(now, 1), monthStart(now, k + 1)]; // NEXT_N_MONTHS
  }
}

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

// ---------- comparison ----------

type Comparable = string | number | boolean | null;

function typeError(query: string, r: ResolvedField, expected: string): SfError {
  return located(
    query,
    r.ref.col,
    'INVALID_FIELD',
    `value of filter criterion for field '${r.field.name}' must be of type ${expected} and should not be enclosed in quotes`,
  );
}

const STRINGY = new Set(['string', 'textarea', 'email', 'phone', 'url', 'picklist']);

/** A literal as a comparable value for this field (ranges come back as [start, end)). */
function literalFor(query: string, r: ResolvedField, lit: Literal, now: number): Comparable | [Comparable, Comparable] {
  const type = r.field.type;
  if (lit.kind === 'null') return null;
  if (type === 'boolean') {
    if (lit.kind !== 'boolean') throw typeError(query, r, 'boolean');
    return lit.value;
  }
  if (type === 'date' || type === 'datetime') {
    if (lit.kind === 'relative') {
      const [s, e] = relativeRange(lit.name, lit.n, now);
      return type === 'date' ? [isoDate(s), isoDate(e)] : [s, e];
    }
    if (type === 'date' && lit.kind === 'date') return lit.value;
    if (type === 'datetime' && lit.kind === 'datetime') return lit.value;
    throw typeError(query, r, type === 'date' ? 'date' : 'dateTime');
  }
  if (type === 'double') {
    if (lit.kind !== 'number') throw typeError(query, r, 'double');
    return lit.value;
  }
  if (lit.kind !== 'string') throw typeError(query, r, 'string');
  if (type === 'id' || type === 'reference') return (to18(lit.value) ?? lit.value).toLowerCase();
  return r.field.caseSensitive ? lit.value : lit.value.toLowerCase();
}

function normalizeStored(r: ResolvedField, value: unknown): Comparable {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && (STRINGY.has(r.field.type) || r.field.type === 'id' || r.field.type === 'reference'))
    return r.field.caseSensitive ? value : value.toLowerCase();
  return value as Comparable;
}

/** Birthdate filters that ignore the year compare month and day only (digest §5, §15.7). */
function monthDay(v: Comparable): Comparable {
  return typeof v === 'string' ? v.slice(5) : v;
}

function compare(a: Comparable, b: Comparable): number {
  if (a === b) return 0;
  return (a as string | number) < (b as string | number) ? -1 : 1;
}

function test(op: string, stored: Comparable, lit: Comparable | [Comparable, Comparable]): boolean {
  if (Array.isArray(lit)) {
    if (stored === null) return op === '!=';
    const [s, e] = lit;
    switch (op) {
      case '=':
        return compare(stored, s) >= 0 && compare(stored, e) < 0;
      case '!=':
        return !(compare(stored, s) >= 0 && compare(stored, e) < 0);
      case '<':
        return compare(stored, s) < 0;
      case '<=':
        return compare(stored, e) < 0;
      case '>':
        return compare(stored, e) >= 0;
      default:
        return compare(stored, s) >= 0;
    }
  }
  if (lit === null) return op === '=' ? stored === null : op === '!=' ? stored !== null : false;
  if (stored === null) return op === '!=';
  const c = compare(stored, lit);
  switch (op) {
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    default:
      return c >= 0;
  }
}

function likeRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && (pattern[i + 1] === '%' || pattern[i + 1] === '_')) {
      out += pattern[i + 1];
      i += 1;
    } else if (c === '%') out += '.*';
    else if (c === '_') out += '.';
    else out += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 'is');
}

export function compileWhere(org: Org, def: ObjectDef, cond: Condition, query: string): Predicate {
  const now = org.now();
  const yearless = (r: ResolvedField, lit: Literal) =>
    r.field.name === 'Birthdate' && (lit.kind === 'relative' || org.config.birthdateFilter === 'ignore-year');
  switch (cond.kind) {
    case 'and': {
      const parts = cond.items.map((c) => compileWhere(org, def, c, query));
      return (rec) => parts.every((p) => p(rec));
    }
    case 'or': {
      const parts = cond.items.map((c) => compileWhere(org, def, c, query));
      return (rec) => parts.some((p) => p(rec));
    }
    case 'not': {
      const inner = compileWhere(org, def, cond.item, query);
      return (rec) => !inner(rec);
    }
    case 'like': {
      const r = resolveField(org, def, cond.field, query);
      if (!STRINGY.has(r.field.type) && r.field.type !== 'id' && r.field.type !== 'reference')
        throw typeError(query, r, 'string');
      const re = likeRegex(cond.pattern);
      return (rec) => {
        const v = valueOf(org, r, rec);
        return typeof v === 'string' && re.test(v);
      };
    }
    case 'in': {
      const r = resolveField(org, def, cond.field, query);
      const lits = cond.values.map((l) => literalFor(query, r, l, now));
      const flat = new Set(
        lits
          .filter((l) => !Array.isArray(l))
          .map((l) => (yearless(r, cond.values[0]!) ? monthDay(l as Comparable) : l)),
      );
      const ignoreYear = yearless(r, cond.values[0]!);
      return (rec) => {
        let v = normalizeStored(r, valueOf(org, r, rec));
        if (ignoreYear) v = monthDay(v);
        const hit = v !== null && flat.has(v);
        return cond.negated ? !hit : hit;
      };
    }
    case 'compare': {
      const r = resolveField(org, def, cond.field, query);
      let lit = literalFor(query, r, cond.value, now);
      const ignoreYear = yearless(r, cond.value);
      if (ignoreYear) lit = Array.isArray(lit) ? [monthDay(lit[0]), monthDay(lit[1])] : monthDay(lit);
      return (rec) => {
        let v = normalizeStored(r, valueOf(org, r, rec));
        if (ignoreYear) v = monthDay(v);
        return test(cond.op, v, lit);
      };
    }
  }
}

export function compileOrder(
  org: Org,
  def: ObjectDef,
  items: OrderItem[],
  query: string,
): ((a: SfRecord, b: SfRecord) => number) | null {
  if (!items.length) return null;
  const keys = items.map((item) => ({ item, r: resolveField(org, def, item.field, query) }));
  return (a, b) => {
    for (const { item, r } of keys) {
      const va = normalizeStored(r, valueOf(org, r, a));
      const vb = normalizeStored(r, valueOf(org, r, b));
      if (va === vb) continue;
      if (va === null) return item.nullsLast ? 1 : -1;
      if (vb === null) return item.nullsLast ? -1 : 1;
      const c = compare(va, vb);
      return item.descending ? -c : c;
    }
    return 0;
  };
}

// ---------- projection ----------

export function wireValue(field: FieldDef, value: unknown, record?: SfRecord): unknown {
  if (field.type === 'address' && record) {
    const prefix = field.name.replace(/Address$/, '');
    const v = record.values;
    const parts = {
      city: v[`${prefix}City`] ?? null,
      country: v[`${prefix}Country`] ?? null,
      geocodeAccuracy: null,
      latitude: null,
      longitude: null,
      postalCode: v[`${prefix}PostalCode`] ?? null,
      state: v[`${prefix}State`] ?? null,
      street: v[`${prefix}Street`] ?? null,
    };
    return Object.values(parts).every((p) => p === null) ? null : parts;
  }
  if (value === undefined) return field.type === 'boolean' ? false : null;
  if (field.type === 'datetime' && typeof value === 'number') return formatDateTime(value);
  return value;
}

export function attributes(object: string, id: string, version: string): { type: string; url: string } {
  return { type: object, url: `/services/data/v${version}/sobjects/${object}/${id}` };
}

/** A record with the selected fields, parents nested under their relationship name. */
export function project(org: Org, fields: ResolvedField[], record: SfRecord, version: string): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: attributes(record.object, record.id, version) };
  for (const r of fields) {
    if (!r.relationship) {
      out[r.field.name] = wireValue(r.field, record.values[r.field.name], record);
      continue;
    }
    const key = r.relationship.relationshipName!;
    const parentId = record.values[r.relationship.name];
    const parent = typeof parentId === 'string' ? org.data.records.get(r.target.name)?.get(parentId) : undefined;
    if (!parent) {
      out[key] = null;
      continue;
    }
    const nested = (out[key] ??= { attributes: attributes(r.target.name, parent.id, version) }) as Record<
      string,
      unknown
    >;
    nested[r.field.name] = wireValue(r.field, parent.values[r.field.name], parent);
  }
  return out;
}

export interface QueryRun {
  def: ObjectDef;
  totalSize: number;
  rows: SfRecord[];
  fields: ResolvedField[];
}

/** Evaluates a query: matching records in order, after OFFSET/LIMIT. */
export function runQuery(org: Org, query: Query, includeDeleted: boolean, candidates?: Iterable<SfRecord>): QueryRun {
  const def = org.schema.has(query.from.name)
    ? org.schema.get(query.from.name)!
    : [...org.schema.values()].find((d) => d.name.toLowerCase() === query.from.name.toLowerCase());
  if (!def)
    throw located(
      query.text,
      query.from.col,
      'INVALID_TYPE',
      `sObject type '${query.from.name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  const fields = query.fields.map((f) => resolveField(org, def, f, query.text));
  const where = query.where ? compileWhere(org, def, query.where, query.text) : null;
  const order = compileOrder(org, def, query.orderBy, query.text);
  if (query.offset !== null && query.offset > 2000)
    throw new SfError(400, 'NUMBER_OUTSIDE_VALID_RANGE', 'Maximum SOQL offset allowed is 2000');
  const rows: SfRecord[] = [];
  for (const record of candidates ?? org.table(def.name).values()) {
    if (record.deleted && !includeDeleted) continue;
    if (where && !where(record)) continue;
    rows.push(record);
  }
  if (order) rows.sort(order);
  const start = query.offset ?? 0;
  const sliced = rows.slice(start, query.limit === null ? undefined : start + query.limit);
  return { def, totalSize: sliced.length, rows: sliced, fields };
}
