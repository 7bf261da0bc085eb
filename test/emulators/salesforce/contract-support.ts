// Loads the Salesforce digest's OpenAPI file and examples (../shared/specs/salesforce) and
// validates emulator responses against them with ajv.
//
// OpenAPI 3.0's `nullable` becomes JSON-schema type arrays. One defect of the spec is handled
// explicitly: it declares some dateTime fields `format: date-time` (RFC 3339, offset with a
// colon) while stating that Salesforce returns `2025-09-09T13:59:41.000+0000`; the date-time
// format here accepts both forms and nothing else.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

export const SPEC_DIR = process.env.SALESFORCE_SPEC_DIR ?? '/work/shared/specs/salesforce';
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

type Json = Record<string, any>;

function nullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullable);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === 'nullable' || k === 'example' || k === 'examples' || k.startsWith('x-')) continue;
    out[k] =
      k === 'properties'
        ? Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, nullable(s)]))
        : nullable(v);
  }
  if ((node as Json).nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

export interface Example {
  operationId: string;
  status?: string;
  example: unknown;
  [key: string]: unknown;
}

export class SalesforceContract {
  private ajv = new Ajv({ strict: false, allErrors: true });
  private doc: Json;
  private validators = new Map<string, ValidateFunction>();
  readonly examples = new Map<string, Example>();
  readonly checked = new Set<string>();

  constructor() {
    addFormats(this.ajv);
    this.ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$/);
    this.doc = parse(readFileSync(path.join(SPEC_DIR, 'openapi.yaml'), 'utf8')) as Json;
    this.ajv.addSchema({ $id: 'sf', components: nullable(this.doc.components) });
    for (const file of readdirSync(path.join(SPEC_DIR, 'examples')).filter((f) => f.endsWith('.json')))
      this.examples.set(
        file.replace(/\.json$/, ''),
        JSON.parse(readFileSync(path.join(SPEC_DIR, 'examples', file), 'utf8')),
      );
  }

  operationIds(): string[] {
    const ids: string[] = [];
    for (const methods of Object.values(this.doc.paths as Json))
      for (const op of Object.values(methods as Json))
        if (op && typeof op === 'object' && 'operationId' in op) ids.push(op.operationId);
    return ids;
  }

  private response(operationId: string, status: number): Json | undefined {
    for (const methods of Object.values(this.doc.paths as Json))
      for (const op of Object.values(methods as Json)) {
        if (op?.operationId !== operationId) continue;
        let response = op.responses[String(status)];
        if (response?.$ref) response = this.doc.components.responses[response.$ref.split('/').pop()];
        return response;
      }
    throw new Error(`no operation ${operationId}`);
  }

  /** Violations of the declared response (status and body) for an operation. */
  violations(operationId: string, status: number, body: unknown): string[] {
    this.checked.add(operationId);
    const response = this.response(operationId, status);
    if (!response) return [`status ${status} is not declared for ${operationId}`];
    const schema = response.content?.['application/json']?.schema;
    if (!schema)
      return body === undefined || body === '' || body === null ? [] : [`${operationId} ${status} declares no body`];
    const key = `${operationId} ${status}`;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(
        JSON.parse(JSON.stringify(nullable(schema)).replaceAll('"#/components/', '"sf#/components/')),
      );
      this.validators.set(key, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} (${e.schemaPath})`);
  }
}

const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** Every key of the recorded example is present in the response, with the same JSON type where both are non-null. */
export function shapeDifferences(example: unknown, actual: unknown, at = ''): string[] {
  if (example === null || actual === null) return [];
  if (Array.isArray(example)) {
    if (!Array.isArray(actual)) return [`${at || '/'}: expected an array, got ${jsonType(actual)}`];
    const sample = example.find((e) => typeof e !== 'string' || !e.startsWith('...'));
    return sample !== undefined && actual.length > 0 ? shapeDifferences(sample, actual[0], `${at}/0`) : [];
  }
  if (typeof example !== 'object')
    return jsonType(example) === jsonType(actual)
      ? []
      : [`${at}: expected ${jsonType(example)}, got ${jsonType(actual)}`];
  if (typeof actual !== 'object' || Array.isArray(actual))
    return [`${at}: expected an object, got ${jsonType(actual)}`];
  const out: string[] = [];
  for (const [key, value] of Object.entries(example as Json)) {
    if (!(key in (actual as Json))) out.push(`${at}/${key}: missing`);
    else out.push(...shapeDifferences(value, (actual as Json)[key], `${at}/${key}`));
  }
  return out;
}
