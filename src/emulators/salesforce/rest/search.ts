// SOSL (GET /search?q=FIND {…} …) and parameterized search (§4.5, §15.9): case-insensitive,
// token-based matching with * and ? wildcards and quoted phrases over the object's name,
// e-mail, phone or all text fields; each RETURNING clause is evaluated as SOQL over the hits.
import { SfError } from '../errors.ts';
import type { ObjectDef } from '../metadata.ts';
import type { Org } from '../org.ts';
import { parseQuery, project, runQuery } from '../soql/index.ts';
import type { SfRecord } from '../state.ts';
import { ok, type Handler, type RestRequest } from './types.ts';

type Scope = 'ALL' | 'NAME' | 'EMAIL' | 'PHONE' | 'SIDEBAR';

interface Term {
  phrase: boolean;
  regex: RegExp;
}

const malformedSearch = (message: string) => new SfError(400, 'MALFORMED_SEARCH', message);

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

function termRegex(term: string): RegExp {
  const body = term
    .toLowerCase()
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

/** {Jan* OR "Ann Lee"} → OR-groups of AND-ed terms. */
export function parseTerms(raw: string): Term[][] {
  const parts = raw.match(/"(?:\\.|[^"\\])*"|(?:\\.|[^\s"])+/g) ?? [];
  const groups: Term[][] = [[]];
  for (const part of parts) {
    if (part === 'OR') {
      groups.push([]);
      continue;
    }
    if (part === 'AND') continue;
    const phrase = part.startsWith('"');
    const text = unescape(phrase ? part.slice(1, -1) : part).toLowerCase();
    if (text.replace(/[*?]/g, '').length < 2)
      throw new SfError(400, 'INVALID_SEARCH', 'search term must be longer than one character');
    groups[groups.length - 1]!.push({
      phrase,
      regex: phrase ? new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : termRegex(text),
    });
  }
  const nonEmpty = groups.filter((g) => g.length);
  if (!nonEmpty.length) throw new SfError(400, 'INVALID_SEARCH', 'search term must be longer than one character');
  return nonEmpty;
}

function tokens(value: string, kind: string | undefined): string[] {
  const lower = value.toLowerCase();
  const words = lower.split(/[^\p{L}\p{N}'@.+-]+/u).filter(Boolean);
  const out = new Set<string>([
    ...words,
    ...words.flatMap((w) => w.split(/[@.'+-]+/)),
    ...words.map((w) => w.replace(/'/g, '')),
  ]);
  if (kind === 'phone') out.add(lower.replace(/\D/g, ''));
  return [...out].filter(Boolean);
}

function searchable(def: ObjectDef, scope: Scope): { name: string; kind?: string }[] {
  const wanted = scope === 'ALL' || scope === 'SIDEBAR' ? ['name', 'email', 'phone', 'text'] : [scope.toLowerCase()];
  return def.fields.filter((f) => f.search && wanted.includes(f.search)).map((f) => ({ name: f.name, kind: f.search }));
}

interface Indexed {
  tokens: string[];
  joined: string;
}

/** The search index: tokens per record version (a write replaces the values object) and scope. */
const index = new WeakMap<object, Map<Scope, Indexed>>();

function indexed(record: SfRecord, fields: { name: string; kind?: string }[], scope: Scope): Indexed {
  let byScope = index.get(record.values);
  if (!byScope) index.set(record.values, (byScope = new Map()));
  let entry = byScope.get(scope);
  if (!entry) {
    const texts = fields
      .map((f) => ({ value: record.values[f.name], kind: f.kind }))
      .filter((t): t is { value: string; kind: string | undefined } => typeof t.value === 'string');
    entry = {
      tokens: texts.flatMap((t) => tokens(t.value, t.kind)),
      joined: texts.map((t) => t.value.toLowerCase()).join(' \u0000 '),
    };
    byScope.set(scope, entry);
  }
  return entry;
}

function hits(org: Org, def: ObjectDef, groups: Term[][], scope: Scope): SfRecord[] {
  const fields = searchable(def, scope);
  const visibleBefore = org.now() - org.config.searchIndexLagMs;
  const out: SfRecord[] = [];
  for (const record of org.table(def.name).values()) {
    if (record.deleted || (record.values.CreatedDate as number) > visibleBefore) continue;
    const { tokens: allTokens, joined } = indexed(record, fields, scope);
    const matches = groups.some((group) =>
      group.every((term) => (term.phrase ? term.regex.test(joined) : allTokens.some((tok) => term.regex.test(tok)))),
    );
    if (matches) out.push(record);
  }
  return out;
}

interface Returning {
  object: string;
  soqlTail: string; // fields [WHERE …] [ORDER BY …] [LIMIT n]
}

function splitReturning(text: string): Returning[] {
  const out: Returning[] = [];
  let i = 0;
  while (i < text.length) {
    const m = /^\s*,?\s*([A-Za-z_][A-Za-z0-9_]*)\s*/.exec(text.slice(i));
    if (!m || !m[1]) break;
    i += m[0].length;
    let tail = 'Id';
    if (text[i] === '(') {
      let depth = 0;
      let j = i;
      for (; j < text.length; j++) {
        if (text[j] === '(') depth++;
        else if (text[j] === ')' && --depth === 0) break;
        else if (text[j] === "'") j = text.indexOf("'", j + 1);
        if (j < 0) throw malformedSearch('unterminated string in RETURNING');
      }
      tail = text.slice(i + 1, j);
      i = j + 1;
    }
    out.push({ object: m[1], soqlTail: tail });
  }
  return out;
}

function soqlFor(r: Returning): string {
  const clause = /\s(WHERE|ORDER\s+BY|LIMIT|OFFSET)\s/i.exec(` ${r.soqlTail} `);
  const fields = clause ? r.soqlTail.slice(0, clause.index - 1) : r.soqlTail;
  const rest = clause ? r.soqlTail.slice(clause.index - 1) : '';
  return `SELECT ${fields.trim() || 'Id'} FROM ${r.object} ${rest}`;
}

function run(req: RestRequest, groups: Term[][], scope: Scope, returning: Returning[], overallLimit: number) {
  const records: Record<string, unknown>[] = [];
  for (const r of returning) {
    const query = parseQuery(soqlFor(r));
    const def = req.org.object(r.object);
    const candidates = hits(req.org, def, groups, scope);
    const result = runQuery(req.org, { ...query, limit: query.limit ?? 2000 }, false, candidates);
    for (const row of result.rows) records.push(project(req.org, result.fields, row, req.version));
  }
  return ok({ searchRecords: records.slice(0, overallLimit) });
}

export const sosl: Handler = (req) => {
  const q = req.query.q ?? '';
  const m =
    /^\s*FIND\s+(?:\{((?:\\.|[^}\\])*)\}|'((?:\\.|[^'\\])*)')\s*(?:IN\s+(ALL|NAME|EMAIL|PHONE|SIDEBAR)\s+FIELDS\s*)?(?:RETURNING\s+(.*?))?\s*(?:LIMIT\s+(\d+))?\s*$/is.exec(
      q,
    );
  if (!m) throw malformedSearch(`unexpected token: ${q.trim().split(/\s+/)[0] ?? '<EOF>'}`);
  const groups = parseTerms(m[1] ?? m[2] ?? '');
  const scope = (m[3]?.toUpperCase() ?? 'ALL') as Scope;
  const returning = m[4]
    ? splitReturning(m[4])
    : [...req.org.schema.keys()].map((object) => ({ object, soqlTail: 'Id' }));
  return run(req, groups, scope, returning, m[5] ? Number(m[5]) : 2000);
};

export const parameterizedSearch: Handler = (req) => {
  const params: Record<string, string> = { ...req.query };
  if (req.method === 'POST' && req.body && typeof req.body === 'object') {
    for (const [k, v] of Object.entries(req.body as Record<string, unknown>))
      if (typeof v !== 'object') params[k] = String(v);
  }
  if (!params.q) throw new SfError(400, 'MISSING_ARGUMENT', 'q: missing required parameter', ['q']);
  const scope = (params.in?.toUpperCase() ?? 'ALL') as Scope;
  if (!['ALL', 'NAME', 'EMAIL', 'PHONE', 'SIDEBAR'].includes(scope))
    throw new SfError(400, 'INVALID_SEARCH_SCOPE', `in: must be one of ALL, NAME, EMAIL, PHONE, SIDEBAR`, ['in']);
  const objects = params.sobject ? params.sobject.split(',') : [...req.org.schema.keys()];
  const defaultLimit = params.defaultLimit ? Number(params.defaultLimit) : 2000;
  const returning = objects.map((object) => {
    const def = req.org.object(object.trim());
    const fields = params[`${def.name}.fields`] ?? params[`${object}.fields`] ?? 'Id';
    const limit = params[`${def.name}.limit`] ?? params[`${object}.limit`] ?? String(defaultLimit);
    if (!/^\d+$/.test(limit))
      throw new SfError(400, 'INVALID_ARGUMENT', `${def.name}.limit: must be a number`, [`${def.name}.limit`]);
    return { object: def.name, soqlTail: `${fields} LIMIT ${limit}` };
  });
  const groups = parseTerms(params.q);
  return run(req, groups, scope, returning, params.overallLimit ? Number(params.overallLimit) : 2000);
};
