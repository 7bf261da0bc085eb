// The OpenAPI 3.1 document of the REST API, generated from the same zod schemas that
// validate requests, so the reference cannot drift from the behaviour.
import { z } from 'zod';
import { recordKinds } from '../db/records/kinds.ts';
import type { RecordDefinition } from '../db/records/definition.ts';

type Schema = Record<string, unknown>;

const errorSchema: Schema = {
  type: 'object',
  required: ['error', 'details'],
  properties: {
    error: { type: 'string' },
    details: {
      type: 'array',
      items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

function jsonSchema(schema: z.ZodType): Schema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Schema;
}

const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [
      String(c),
      { description: httpText[c], content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    ]),
  );
const httpText: Record<number, string> = {
  401: 'Missing or unknown token',
  403: 'Practice disabled, or an admin-only call',
  404: 'Not found in this practice',
  409: 'Stale version or conflicting state',
  413: 'Body too large',
  422: 'Invalid fields, each named in details',
};

function pathsFor(def: RecordDefinition): Record<string, Schema> {
  const name = def.kind.charAt(0).toUpperCase() + def.kind.slice(1);
  const ref = { $ref: `#/components/schemas/${name}Create` };
  const record = { description: name, content: { 'application/json': { schema: { type: 'object' } } } };
  const idParam = {
    name: 'id',
    in: 'path',
    required: true,
    schema: { type: 'string' },
    description: def.kind === 'patient' ? 'The id, or "<system>:<remoteId>" of a linked record' : 'The id',
  };
  const filters = Object.keys(def.filters).map((f) => ({ name: f, in: 'query', schema: { type: 'string' } }));
  const listParams = [
    { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
    { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'nextCursor of the previous page' },
    ...(def.search ? [{ name: 'search', in: 'query', schema: { type: 'string' } }] : []),
    ...filters,
  ];
  return {
    [`/api/v1/${def.path}`]: {
      get: {
        tags: [def.path],
        summary: `List ${def.path}`,
        parameters: listParams,
        responses: { 200: { description: '{data, nextCursor}' }, ...errors(401, 422) },
      },
      post: {
        tags: [def.path],
        summary: `Create a ${def.kind}`,
        requestBody: { required: true, content: { 'application/json': { schema: ref } } },
        responses: { 201: record, ...errors(401, 409, 413, 422) },
      },
    },
    [`/api/v1/${def.path}/{id}`]: {
      get: {
        tags: [def.path],
        summary: `Read a ${def.kind}`,
        parameters: [idParam],
        responses: { 200: record, ...errors(401, 404) },
      },
      patch: {
        tags: [def.path],
        summary: `Update a ${def.kind} (send version or If-Match for optimistic concurrency)`,
        parameters: [idParam],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}Patch` } } },
        },
        responses: { 200: record, ...errors(401, 404, 409, 422) },
      },
      delete: {
        tags: [def.path],
        summary: `Delete a ${def.kind}`,
        parameters: [idParam],
        responses: { 204: { description: 'Deleted' }, ...errors(401, 404, 409) },
      },
    },
  };
}

const ok = (description: string) => ({ 200: { description } });
const op = (tag: string, summary: string, extra: Record<string, unknown> = {}) => ({ tags: [tag], summary, ...extra });
const idIn = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];

/** The hub's routes beyond the record kinds. */
const hubPaths: Record<string, Schema> = {
  '/health': {
    get: {
      ...op(
        'operations',
        'Health: 200 when the database answers, migrations are applied and workers run; 503 with problems otherwise',
      ),
      security: [],
      responses: { ...ok('{"status":"ok"}'), 503: { description: '{status, problems[]}' } },
    },
  },
  '/api/v1/connections': {
    get: op('connections', 'List connections with status and health (never credentials)', {
      parameters: [
        { name: 'system', in: 'query', schema: { type: 'string', enum: ['hint', 'healthengine', 'salesforce'] } },
      ],
      responses: { ...ok('{data}'), ...errors(401, 422) },
    }),
  },
  '/api/v1/connections/{id}': {
    get: op('connections', 'Read a connection', {
      parameters: idIn,
      responses: { ...ok('connection'), ...errors(401, 404) },
    }),
  },
  '/api/v1/match-reviews': {
    get: op('match reviews', 'List match reviews (default: pending), with candidates, scores and explanations', {
      parameters: [
        {
          name: 'status',
          in: 'query',
          schema: { type: 'string', enum: ['pending', 'accepted', 'rejected', 'superseded'] },
        },
        { name: 'limit', in: 'query', schema: { type: 'integer' } },
      ],
      responses: { ...ok('{data}'), ...errors(401, 422) },
    }),
  },
  '/api/v1/match-reviews/{id}': {
    get: op('match reviews', 'Read a match review', {
      parameters: idIn,
      responses: { ...ok('review'), ...errors(401, 404) },
    }),
  },
  '/api/v1/match-reviews/{id}/accept': {
    post: op(
      'match reviews',
      'Accept: link the remote record to this patient (merging a provisional patient into it)',
      {
        parameters: idIn,
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['patientId'],
                properties: { patientId: { type: 'string', format: 'uuid' } },
              },
            },
          },
        },
        responses: { ...ok('review'), ...errors(401, 404, 409, 422) },
      },
    ),
  },
  '/api/v1/match-reviews/{id}/reject': {
    post: op('match reviews', 'Reject: different people', {
      parameters: idIn,
      responses: { ...ok('review'), ...errors(401, 404, 409) },
    }),
  },
  '/api/v1/batches/{id}': {
    get: op('batches', 'A batch (initial sync, CSV sync…) with live progress and counts', {
      parameters: idIn,
      responses: { ...ok('batch'), ...errors(401, 404) },
    }),
  },
  '/api/v1/batches/{id}/abort': {
    post: op('batches', 'Ask a running batch to stop after the record in hand', {
      parameters: idIn,
      responses: { ...ok('batch'), ...errors(401, 404) },
    }),
  },
  '/api/v1/batches/{id}/report.csv': {
    get: op('batches', 'Per-record results: entity_kind, remote_id, local_id, action, message, at', {
      parameters: idIn,
      responses: { ...ok('text/csv'), ...errors(401, 404) },
    }),
  },
  '/api/v1/jobs/failed': {
    get: op('operations', "This practice's jobs that used up their attempts", {
      responses: { ...ok('{data}'), ...errors(401) },
    }),
  },
  '/api/v1/jobs/{id}/retry': {
    post: op('operations', 'Run a failed job again with fresh attempts', {
      parameters: idIn,
      responses: { 202: { description: 'queued' }, ...errors(401, 404) },
    }),
  },
  '/api/v1/logs': {
    get: op('operations', 'The sync log (no PHI), at a level and above', {
      parameters: ['level', 'afterId', 'limit', 'entityId'].map((name) => ({
        name,
        in: 'query',
        schema: { type: 'string' },
      })),
      responses: { ...ok('{data}'), ...errors(401, 422) },
    }),
  },
  '/api/v1/tokens': {
    get: op('tokens', "This practice's API tokens (never the token itself); ?includeRevoked=true adds revoked ones", {
      parameters: [{ name: 'includeRevoked', in: 'query', schema: { type: 'string', enum: ['true', 'false'] } }],
      responses: { ...ok('{data}'), ...errors(401, 403, 422) },
    }),
    post: op('tokens', 'Create a token; the answer holds it, once', {
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 100 } } },
          },
        },
      },
      responses: { 201: { description: '{id, name, token}' }, ...errors(401, 403, 422) },
    }),
  },
  '/api/v1/tokens/{id}': {
    delete: op('tokens', 'Revoke a token: refused at once by every Tandem process', {
      parameters: idIn,
      responses: { 204: { description: 'revoked' }, ...errors(401, 403, 404) },
    }),
  },
  '/api/v1/practice': {
    get: op('tokens', "The token's practice", { responses: { ...ok('practice'), ...errors(401, 403) } }),
  },
  '/api/v1/practice/disable': {
    post: op('tokens', 'Disable this practice: every token and session refused (403) until `tandem practice enable`', {
      responses: { ...ok('practice'), ...errors(401, 403) },
    }),
  },
  '/api/v1/sandbox': {
    get: op('operations', 'Emulators started by sandbox mode, e.g. {"hint": {"url": …}}', {
      responses: { ...ok('sandboxes'), ...errors(401, 404) },
    }),
  },
};

export function buildOpenApi(extraPaths: Record<string, Schema> = {}): Schema {
  const schemas: Record<string, Schema> = { Error: errorSchema };
  const paths: Record<string, Schema> = {};
  for (const def of recordKinds) {
    const name = def.kind.charAt(0).toUpperCase() + def.kind.slice(1);
    const { create, patch } = def.schemas({ defaultCountry: 'AU' });
    schemas[`${name}Create`] = jsonSchema(create);
    schemas[`${name}Patch`] = jsonSchema(patch);
    Object.assign(paths, pathsFor(def));
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tandem REST API',
      version: '1',
      description:
        'The practice\'s canonical records. Authenticate with "Authorization: Bearer <token>"; every call is scoped to the token\'s practice.',
    },
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths: { ...paths, ...hubPaths, ...extraPaths },
  };
}
