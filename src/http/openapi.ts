// The OpenAPI 3.1 document of the REST API, generated from the same zod schemas that
// validate requests, so the reference cannot drift from the behaviour.
import { z } from 'zod';
import { recordKinds } from '../db/records/kinds.ts';
import type { RecordDefinition } from '../db/records/definition.ts';

type Schema = Record<string, unknown>;

const errorSchema: Schema = {
  type: 'object', required: ['error', 'details'],
  properties: { error: { type: 'string' }, details: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } } },
};

function jsonSchema(schema: z.ZodType): Schema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Schema;
}

const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), { description: httpText[c], content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]));
const httpText: Record<number, string> = { 401: 'Missing or unknown token', 404: 'Not found in this practice', 409: 'Stale version or conflicting state', 413: 'Body too large', 422: 'Invalid fields, each named in details' };

function pathsFor(def: RecordDefinition): Record<string, Schema> {
  const name = def.kind.charAt(0).toUpperCase() + def.kind.slice(1);
  const ref = { $ref: `#/components/schemas/${name}Create` };
  const record = { description: name, content: { 'application/json': { schema: { type: 'object' } } } };
  const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: def.kind === 'patient' ? 'The id, or "<system>:<remoteId>" of a linked record' : 'The id' };
  const filters = Object.keys(def.filters).map((f) => ({ name: f, in: 'query', schema: { type: 'string' } }));
  const listParams = [
    { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
    { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'nextCursor of the previous page' },
    ...(def.search ? [{ name: 'search', in: 'query', schema: { type: 'string' } }] : []), ...filters,
  ];
  return {
    [`/api/v1/${def.path}`]: {
      get: { tags: [def.path], summary: `List ${def.path}`, parameters: listParams, responses: { 200: { description: '{data, nextCursor}' }, ...errors(401, 422) } },
      post: { tags: [def.path], summary: `Create a ${def.kind}`, requestBody: { required: true, content: { 'application/json': { schema: ref } } }, responses: { 201: record, ...errors(401, 409, 413, 422) } },
    },
    [`/api/v1/${def.path}/{id}`]: {
      get: { tags: [def.path], summary: `Read a ${def.kind}`, parameters: [idParam], responses: { 200: record, ...errors(401, 404) } },
      patch: { tags: [def.path], summary: `Update a ${def.kind} (send version or If-Match for optimistic concurrency)`, parameters: [idParam], requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}Patch` } } } }, responses: { 200: record, ...errors(401, 404, 409, 422) } },
      delete: { tags: [def.path], summary: `Delete a ${def.kind}`, parameters: [idParam], responses: { 204: { description: 'Deleted' }, ...errors(401, 404, 409) } },
    },
  };
}

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
    info: { title: 'Tandem REST API', version: '1', description: 'The practice\'s canonical records. Authenticate with "Authorization: Bearer <token>"; every call is scoped to the token\'s practice.' },
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths: { ...paths, ...extraPaths },
  };
}
