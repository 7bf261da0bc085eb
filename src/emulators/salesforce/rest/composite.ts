// POST /composite (§4.7): up to 25 subrequests (at most 5 queries or collections), later ones
// referring to earlier results with @{referenceId.path}; one API call. With allOrNone every
// write shares one transaction: a failure rolls all back and the others say PROCESSING_HALTED.
import { SfError } from '../errors.ts';
import { Transaction } from '../state.ts';
import { dispatch, registerComposite } from './router.ts';
import { ok, type Handler, type RestResponse } from './types.ts';

interface Subrequest {
  method: string;
  url: string;
  referenceId: string;
  body?: unknown;
  httpHeaders?: Record<string, string>;
}

const HALTED = 'The transaction was rolled back since another operation in the same transaction failed.';

function lookup(results: Map<string, unknown>, expression: string): unknown {
  const [ref, ...rest] = expression.split('.');
  if (!results.has(ref!)) return undefined;
  let value: unknown = results.get(ref!);
  for (const part of rest.join('.').split('.').filter(Boolean)) {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) return undefined;
    value = (value as Record<string, unknown> | null)?.[m[1]!];
    for (const idx of m[2]!.match(/\d+/g) ?? []) value = (value as unknown[] | null)?.[Number(idx)];
  }
  return value;
}

/** Replaces @{ref.path} in strings (URL and body), failing when a reference has no value. */
function substitute<T>(value: T, results: Map<string, unknown>): T {
  if (typeof value === 'string') {
    return value.replace(/@\{([^}]+)\}/g, (_all, expr: string) => {
      const v = lookup(results, expr);
      if (v === undefined || v === null)
        throw new SfError(400, 'INVALID_REFERENCE', `Invalid reference specified. No value for ${expr} found.`);
      return String(v);
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, results)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, results)])) as T;
  return value;
}

function parse(body: unknown): { allOrNone: boolean; subrequests: Subrequest[] } {
  const b = body as { allOrNone?: unknown; compositeRequest?: unknown } | null;
  if (!b || !Array.isArray(b.compositeRequest))
    throw new SfError(400, 'JSON_PARSER_ERROR', 'compositeRequest: an array of subrequests is required', [
      'compositeRequest',
    ]);
  if (b.compositeRequest.length > 25)
    throw new SfError(400, 'INVALID_INPUT', 'compositeRequest: at most 25 subrequests are allowed', [
      'compositeRequest',
    ]);
  const seen = new Set<string>();
  const subrequests = b.compositeRequest.map((raw, i) => {
    const s = raw as Partial<Subrequest>;
    if (!s || typeof s.method !== 'string' || typeof s.url !== 'string' || typeof s.referenceId !== 'string')
      throw new SfError(400, 'JSON_PARSER_ERROR', `compositeRequest[${i}]: method, url and referenceId are required`, [
        'compositeRequest',
      ]);
    if (!/^[A-Za-z0-9_]+$/.test(s.referenceId) || seen.has(s.referenceId))
      throw new SfError(
        400,
        'INVALID_INPUT',
        `compositeRequest[${i}].referenceId: must be unique letters, digits and _`,
        ['referenceId'],
      );
    seen.add(s.referenceId);
    return s as Subrequest;
  });
  const heavy = subrequests.filter((s) => /\/(query|queryAll|composite\/sobjects)(\/|\?|$)/.test(s.url)).length;
  if (heavy > 5)
    throw new SfError(
      400,
      'INVALID_INPUT',
      'compositeRequest: at most 5 query or sObject Collections subrequests are allowed',
    );
  return { allOrNone: b.allOrNone === true, subrequests };
}

const composite: Handler = (req) => {
  const { allOrNone, subrequests } = parse(req.body);
  const shared = allOrNone ? { txn: new Transaction(''), changes: [] as never[] } : null;
  const results = new Map<string, unknown>();
  const out: { body: unknown; httpHeaders: Record<string, string>; httpStatusCode: number; referenceId: string }[] = [];
  let failedAt = -1;
  for (const [i, sub] of subrequests.entries()) {
    let response: RestResponse;
    try {
      const url = substitute(sub.url, results);
      const m = /^\/services\/data\/v(\d+\.\d)\/([^?]*)(?:\?(.*))?$/.exec(url);
      if (!m) throw new SfError(400, 'INVALID_INPUT', `url: must start with /services/data/vXX.X/: ${url}`, ['url']);
      const query = Object.fromEntries(new URLSearchParams(m[3] ?? ''));
      const headers = Object.fromEntries(Object.entries(sub.httpHeaders ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      response = dispatch({
        ...req,
        method: sub.method.toUpperCase(),
        version: m[1]!,
        path: m[2]!.split('/').filter(Boolean).map(decodeURIComponent),
        query,
        headers: { ...req.headers, ...headers },
        body: substitute(sub.body, results),
        tx: shared,
      });
    } catch (error) {
      if (!(error instanceof SfError)) throw error;
      response = { status: error.status, body: error.body() };
    }
    // A cached read answers with its JSON text; subrequest results are objects.
    const body = typeof response.body === 'string' ? (JSON.parse(response.body) as unknown) : (response.body ?? null);
    if (response.status < 300) results.set(sub.referenceId, body);
    const { 'content-type': _type, ...httpHeaders } = response.headers ?? {};
    out.push({
      body,
      httpHeaders,
      httpStatusCode: response.status,
      referenceId: sub.referenceId,
    });
    if (response.status >= 400 && allOrNone) {
      failedAt = i;
      break;
    }
  }
  if (shared) {
    if (failedAt >= 0) {
      shared.txn.rollback();
      const halted = {
        body: [{ errorCode: 'PROCESSING_HALTED', message: HALTED }],
        httpHeaders: {},
        httpStatusCode: 400,
      };
      const all = subrequests.map((sub, i) => (i === failedAt ? out[i]! : { ...halted, referenceId: sub.referenceId }));
      return ok({ compositeResponse: all });
    }
    shared.txn.commit();
    req.org.events.publish(shared.changes);
  }
  return ok({ compositeResponse: out });
};

registerComposite(composite);
