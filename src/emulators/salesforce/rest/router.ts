// Routes /services/data/vXX.X/<path> to the handlers. One small table, so /composite can
// dispatch its subrequests through exactly the same code.
import { SfError, notFound } from '../errors.ts';
import * as c from './collections.ts';
import * as q from './query.ts';
import * as r from './records.ts';
import * as s from './search.ts';
import type { Handler, RestRequest, RestResponse } from './types.ts';

type Route = [method: string, pattern: string, handler: Handler];

// Order matters: literal segments before parameters.
const ROUTES: Route[] = [
  ['GET', '', (req) => ({ status: 200, body: resources(req.version) })],
  ['GET', 'sobjects', r.globalDescribe],
  ['GET', 'limits', q.limits],
  ['GET', 'query', q.query],
  ['GET', 'query/:locator', q.queryMore],
  ['GET', 'queryAll', q.queryAll],
  ['GET', 'queryAll/:locator', q.queryMore],
  ['GET', 'search', s.sosl],
  ['GET', 'parameterizedSearch', s.parameterizedSearch],
  ['POST', 'parameterizedSearch', s.parameterizedSearch],
  ['POST', 'composite/sobjects', c.collectionsCreate],
  ['PATCH', 'composite/sobjects', c.collectionsUpdate],
  ['DELETE', 'composite/sobjects', c.collectionsDelete],
  ['GET', 'composite/sobjects/:sobject', c.collectionsRetrieve],
  ['POST', 'composite/sobjects/:sobject', c.collectionsRetrieveByBody],
  ['PATCH', 'composite/sobjects/:sobject/:field', c.collectionsUpsert],
  ['GET', 'sobjects/:sobject', r.basicInfo],
  ['POST', 'sobjects/:sobject', r.create],
  ['GET', 'sobjects/:sobject/describe', r.describe],
  ['GET', 'sobjects/:sobject/updated', q.updated],
  ['GET', 'sobjects/:sobject/deleted', q.deleted],
  ['GET', 'sobjects/:sobject/:id', r.read],
  ['HEAD', 'sobjects/:sobject/:id', r.read],
  ['PATCH', 'sobjects/:sobject/:id', r.update],
  ['DELETE', 'sobjects/:sobject/:id', r.remove],
  ['GET', 'sobjects/:sobject/:field/:value', r.readByExternalId],
  ['PATCH', 'sobjects/:sobject/:field/:value', r.upsert],
];

function resources(version: string): Record<string, string> {
  const base = `/services/data/v${version}`;
  return Object.fromEntries(
    ['sobjects', 'query', 'queryAll', 'search', 'parameterizedSearch', 'composite', 'limits'].map((k) => [
      k,
      `${base}/${k}`,
    ]),
  );
}

function match(pattern: string, path: string[]): Record<string, string> | undefined {
  const parts = pattern === '' ? [] : pattern.split('/');
  if (parts.length !== path.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.startsWith(':')) params[part.slice(1)] = path[i]!;
    else if (part.toLowerCase() !== path[i]!.toLowerCase()) return undefined;
  }
  return params;
}

let compositeHandler: Handler | undefined;
/** composite.ts registers itself (it needs dispatch, and dispatch needs it). */
export function registerComposite(handler: Handler): void {
  compositeHandler = handler;
}

export function dispatch(req: RestRequest): RestResponse {
  const method = req.method === 'POST' && req.query._HttpMethod ? req.query._HttpMethod.toUpperCase() : req.method;
  if (req.path.length === 1 && req.path[0] === 'composite' && compositeHandler) {
    if (method !== 'POST') throw methodNotAllowed(method, ['POST']);
    return compositeHandler({ ...req, method }, {});
  }
  const allowed: string[] = [];
  for (const [m, pattern, handler] of ROUTES) {
    const params = match(pattern, req.path);
    if (!params) continue;
    if (m === method) return handler({ ...req, method }, params);
    allowed.push(m);
  }
  if (allowed.length) throw methodNotAllowed(method, allowed);
  throw notFound();
}

function methodNotAllowed(method: string, allowed: string[]): SfError {
  return new SfError(
    405,
    'METHOD_NOT_ALLOWED',
    `HTTP Method '${method}' not allowed. Allowed are ${[...new Set(allowed)].join(',')}`,
  );
}
