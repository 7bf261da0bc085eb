// Loads Hint's published OpenAPI files and recorded examples (../shared/specs/hint) and
// validates emulator responses against them with ajv.
//
// Two known defects of Hint's reference are handled explicitly, never silently:
// 1. No schema declares `nullable`, yet Hint's own examples are full of nulls, so every
//    type and $ref is made nullable (OpenAPI 3.0 nullable → JSON-schema type arrays).
// 2. Some schemas contradict Hint's own examples (age typed string but 60 in the example,
//    membership_members typed object but an array). A response may violate the schema
//    only where a recorded Hint example of the same file violates it the same way.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

export const SPEC_DIR = process.env.HINT_SPEC_DIR ?? '/work/shared/specs/hint';
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export interface Operation {
  operationId: string;
  file: string;
  method: string;
  path: string;
  responses: Record<string, unknown>;
}
export interface Example {
  operationId: string;
  method: string;
  path: string;
  status: string;
  example: unknown;
}

type Json = Record<string, unknown>;

function nullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullable);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json))
    out[k] = k === 'properties' ? mapValues(v as Json, nullable) : nullable(v);
  if (typeof out.$ref === 'string') return { anyOf: [{ $ref: out.$ref }, { type: 'null' }] };
  if (typeof out.type === 'string') out.type = [out.type, 'null'];
  if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  return out;
}

function mapValues(obj: Json, fn: (v: unknown) => unknown): Json {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, fn(v)]));
}

export class HintContract {
  readonly operations = new Map<string, Operation>();
  readonly examples = new Map<string, Example>();
  private ajv = new Ajv({ strict: false, allErrors: true });
  private validators = new Map<string, ValidateFunction>();

  constructor() {
    addFormats(this.ajv);
    for (const f of ['int32', 'int64', 'float', 'double', 'binary', 'byte']) this.ajv.addFormat(f, true);
    const dir = path.join(SPEC_DIR, 'openapi');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yml'))) {
      const doc = parse(readFileSync(path.join(dir, file), 'utf8')) as {
        paths: Record<string, Record<string, Json>>;
        components?: Json;
      };
      this.ajv.addSchema({ $id: file, components: nullable(doc.components ?? {}) });
      for (const [p, methods] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(methods)) {
          if (typeof op?.operationId !== 'string') continue;
          this.operations.set(op.operationId, {
            operationId: op.operationId,
            file,
            method: method.toUpperCase(),
            path: p,
            responses: op.responses as Json,
          });
        }
      }
    }
    const exampleDir = path.join(SPEC_DIR, 'examples');
    for (const file of readdirSync(exampleDir).filter((f) => f.endsWith('.json'))) {
      const example = JSON.parse(readFileSync(path.join(exampleDir, file), 'utf8')) as Example;
      this.examples.set(example.operationId, example);
    }
  }

  operation(operationId: string): Operation {
    const op = this.operations.get(operationId);
    if (!op) throw new Error(`no operation ${operationId} in the spec`);
    return op;
  }

  /** The declared response schema for a status, rewritten so $refs point into its file. */
  private validator(operationId: string, status: string): ValidateFunction | undefined {
    const key = `${operationId} ${status}`;
    if (this.validators.has(key)) return this.validators.get(key);
    const op = this.operation(operationId);
    const response = op.responses[status] as { content?: Record<string, { schema?: unknown }> } | undefined;
    const schema = response?.content?.['application/json']?.schema;
    if (!schema) return undefined;
    const rebased = JSON.parse(
      JSON.stringify(nullable(schema)).replaceAll('"#/components/', `"${op.file}#/components/`),
    ) as Json;
    const validate = this.ajv.compile(rebased);
    this.validators.set(key, validate);
    return validate;
  }

  errors(operationId: string, status: string, data: unknown): ErrorObject[] {
    const validate = this.validator(operationId, status);
    if (!validate || validate(data)) return [];
    return [...(validate.errors ?? [])];
  }

  /** Violations Hint's own examples in the same file commit, as path|keyword keys. */
  private tolerated(file: string): Set<string> {
    const keys = new Set<string>();
    for (const op of this.operations.values()) {
      if (op.file !== file) continue;
      const example = this.examples.get(op.operationId);
      if (!example) continue;
      for (const e of this.errors(op.operationId, example.status, example.example)) keys.add(errorKey(e));
    }
    return keys;
  }

  /** Schema violations in a response that no recorded Hint example shares. */
  violations(operationId: string, status: string, data: unknown): string[] {
    const tolerated = this.tolerated(this.operation(operationId).file);
    return this.errors(operationId, status, data)
      .filter((e) => !tolerated.has(errorKey(e)))
      .map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} (${e.schemaPath})`);
  }
}

/** Array indices and a list's top-level index are dropped, so list and show compare alike. */
function errorKey(e: ErrorObject): string {
  const instance = e.instancePath.replace(/\/\d+(?=\/|$)/g, '/*').replace(/^\/\*/, '');
  const schema = e.schemaPath.replace(/^#\/items/, '#');
  return `${instance}|${e.keyword}|${schema.slice(schema.lastIndexOf('/') + 1)}`;
}

const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * Every key of the recorded example is present in the response, with the same JSON type
 * where both are non-null; nested objects and first array elements are compared too.
 */
export function shapeDifferences(example: unknown, actual: unknown, at = ''): string[] {
  if (example === null || actual === null) return [];
  if (Array.isArray(example)) {
    if (!Array.isArray(actual)) return [`${at || '/'}: expected an array, got ${jsonType(actual)}`];
    return example.length > 0 && actual.length > 0 ? shapeDifferences(example[0], actual[0], `${at}/0`) : [];
  }
  if (typeof example !== 'object') {
    return jsonType(example) === jsonType(actual)
      ? []
      : [`${at}: expected ${jsonType(example)}, got ${jsonType(actual)}`];
  }
  if (typeof actual !== 'object' || Array.isArray(actual))
    return [`${at}: expected an object, got ${jsonType(actual)}`];
  const out: string[] = [];
  for (const [key, value] of Object.entries(example as Json)) {
    if (!(key in (actual as Json))) out.push(`${at}/${key}: missing`);
    else out.push(...shapeDifferences(value, (actual as Json)[key], `${at}/${key}`));
  }
  return out;
}
