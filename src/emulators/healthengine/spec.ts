// Healthengine's openapi.yaml (1.9.0, vendored beside this file as data) compiled with ajv.
// The emulator validates every request body with it at runtime, the contract tests validate
// every response with it, and the connector's tests can assert their own requests with
// validateAgainstSpec. Overlays (documented in docs/emulators/healthengine.md) only widen
// the spec where its own prose contradicts its schema ("can be null", dob as DD-MM-YYYY).
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

type Json = Record<string, unknown>;

export interface SpecOperation {
  method: string;
  path: string; // the spec's template, e.g. /bookings/{bookingId}/confirmInsert
  operationId: string;
  pattern: RegExp;
  params: Array<{ name: string; in: string; required: boolean; type: string | undefined }>;
  hasBody: boolean;
  bodyRequired: boolean;
}

export type SpecCheck = { ok: true } | { ok: false; error: string };

const HTTP_METHODS = ['get', 'post', 'put', 'delete', 'patch'];
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DOB_DMY = /^(0[1-9]|[12]\d|3[01])-(0[1-9]|1[0-2])-\d{4}$/;

export function isRealDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return d.toISOString().slice(0, 10) === value;
}

const FORMATS: Record<string, (v: string) => boolean> = {
  date: isRealDate,
  time: (v) => /^([01]\d|2[0-3]):[0-5]\d$/.test(v),
  datetime: (v) => /^\d{4}-\d{2}-\d{2} ([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/.test(v) && isRealDate(v.slice(0, 10)),
  'he-dob': (v) => isRealDate(v) || (DOB_DMY.test(v) && isRealDate(`${v.slice(6)}-${v.slice(3, 5)}-${v.slice(0, 2)}`)),
  sha1: (v) => /^[0-9a-f]{40}$/i.test(v),
  base64: (v) => /^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0,
};
const FORMAT_WORDS: Record<string, string> = {
  date: 'a date YYYY-MM-DD',
  time: 'a time HH:MM',
  datetime: 'a datetime YYYY-MM-DD HH:MM:SS',
  'he-dob': 'a date DD-MM-YYYY or YYYY-MM-DD',
  sha1: 'a SHA-1 hex digest',
  base64: 'base64',
};

function loadDocument(): Json {
  const text = readFileSync(new URL('./openapi.yaml', import.meta.url), 'utf8');
  const doc = parse(text) as Json;
  applyOverlays(doc);
  return doc;
}

/** Where the spec's prose says a field "can be null", let the schema say so too. */
function applyOverlays(doc: Json): void {
  const schemas = (doc.components as Json).schemas as Record<string, Json>;
  for (const schema of Object.values(schemas)) {
    const props = schema.properties as Record<string, Json> | undefined;
    for (const prop of Object.values(props ?? {})) {
      const description = typeof prop.description === 'string' ? prop.description : '';
      if (/can be null|may be null|default null/i.test(description)) makeNullable(prop);
    }
  }
  const patient = (schemas.Patient?.properties ?? {}) as Record<string, Json>;
  if (patient.dob) patient.dob.format = 'he-dob';
  schemas.ClientId = { ...schemas.ClientId, nullable: true };
  // The callbacks show `target: null` for pmsResources / pmsAppointmentTypes ("no endpoint to call").
  const payloadData = (schemas.SubscriptionPayloadData?.properties ?? {}) as Record<string, Json>;
  if (payloadData.target) makeNullable(payloadData.target);
  widenCallbackTargets(doc);
  // Healthengine's own Postman collection sends `updatedAt: null` for a never-updated document.
  const documentMeta = (schemas.DocumentMetadata?.properties ?? {}) as Record<string, Json>;
  if (documentMeta.updatedAt) makeNullable(documentMeta.updatedAt);
}

/** Callback payloads: `data.target` is null for pmsResources / pmsAppointmentTypes (the spec's own example). */
function widenCallbackTargets(doc: Json): void {
  const callbacks = ((((doc.paths as Json)['/subscription'] as Json).post as Json).callbacks ?? {}) as Record<
    string,
    Json
  >;
  for (const [topic, callback] of Object.entries(callbacks)) {
    const schema = callbackSchema(callback, topic);
    const data = ((schema?.properties as Json | undefined)?.data as Json | undefined)?.properties as
      Record<string, Json> | undefined;
    if (data?.target) makeNullable(data.target);
  }
}

function callbackSchema(callback: Json, topic: string): Json | undefined {
  const post = (callback[topic] as Json | undefined)?.post as Json | undefined;
  return (
    ((post?.requestBody as Json | undefined)?.content as Json | undefined)?.['application/json'] as Json | undefined
  )?.schema as Json | undefined;
}

function makeNullable(prop: Json): void {
  prop.nullable = true;
  if (Array.isArray(prop.enum) && !prop.enum.includes(null)) prop.enum = [...prop.enum, null];
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function buildOperations(doc: Json): SpecOperation[] {
  const operations: SpecOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const method of HTTP_METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const params = ((op.parameters ?? []) as Json[]).map((p) => ({
        name: String(p.name),
        in: String(p.in),
        required: p.required === true,
        type: (p.schema as Json | undefined)?.type as string | undefined,
      }));
      const body = op.requestBody as Json | undefined;
      const pattern = new RegExp(`^${path.replace(/\{[^}]+\}/g, '([^/]+)')}$`);
      operations.push({
        method: method.toUpperCase(),
        path,
        operationId: String(op.operationId),
        pattern,
        params,
        hasBody: body !== undefined,
        bodyRequired: body?.required === true,
      });
    }
  }
  return operations;
}

function createAjv(doc: Json): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true });
  for (const [name, check] of Object.entries(FORMATS)) ajv.addFormat(name, check);
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addSchema(doc, 'he');
  return ajv;
}

const document = loadDocument();
const ajv = createAjv(document);
export const specOperations = buildOperations(document);
const validators = new Map<string, ValidateFunction>();

function validatorAt(pointer: string): ValidateFunction | undefined {
  let v = validators.get(pointer);
  if (!v) {
    v = ajv.getSchema(`he#${pointer}`);
    if (v) validators.set(pointer, v);
  }
  return v;
}

export function findOperation(
  method: string,
  path: string,
): { op: SpecOperation; pathParams: Record<string, string> } | undefined {
  const bare = path.split('?')[0] ?? path;
  for (const op of specOperations) {
    if (op.method !== method.toUpperCase()) continue;
    const m = op.pattern.exec(bare);
    if (!m) continue;
    const names = [...op.path.matchAll(/\{([^}]+)\}/g)].map((x) => x[1] ?? '');
    const pathParams: Record<string, string> = {};
    names.forEach((name, i) => {
      pathParams[name] = decodeURIComponent(m[i + 1] ?? '');
    });
    return { op, pathParams };
  }
  return undefined;
}

/** Turns ajv's first error into a sentence naming the field, e.g. "availability[0].end must be a time HH:MM". */
export function describeError(error: ErrorObject | undefined, root: string): string {
  if (!error) return 'invalid body';
  const field = pointerToField(error.instancePath, root);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${joinField(field, String(params.missingProperty))} is required`;
    case 'format':
      return `${field || root} must be ${FORMAT_WORDS[String(params.format)] ?? params.format}`;
    case 'enum':
      return `${field || root} must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'type':
      return `${field || root} must be ${params.type === 'integer' ? 'an integer' : `of type ${String(params.type)}`}`;
    default:
      return `${field || root} ${error.message ?? 'is invalid'}`;
  }
}

function pointerToField(pointer: string, root: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let out = '';
  for (const part of parts) out += /^\d+$/.test(part) ? `[${part}]` : out ? `.${part}` : part;
  if (out.startsWith('[')) out = `${root}${out}`;
  return out;
}

function joinField(parent: string, child: string): string {
  return parent ? `${parent}.${child}` : child;
}

/** Validates a body against one operation's request schema. */
export function checkRequestBody(op: SpecOperation, body: unknown): SpecCheck {
  if (!op.hasBody) return { ok: true };
  if (body === undefined || body === null) {
    return op.bodyRequired ? { ok: false, error: 'a JSON request body is required' } : { ok: true };
  }
  const pointer = `/paths/${escapePointer(op.path)}/${op.method.toLowerCase()}/requestBody/content/application~1json/schema`;
  const validate = validatorAt(pointer);
  if (!validate || validate(body)) return { ok: true };
  return { ok: false, error: describeError(validate.errors?.[0], 'body') };
}

/** Checks path and query parameters: required ones present, integers integers. */
export function checkParameters(
  op: SpecOperation,
  pathParams: Record<string, string>,
  query: Record<string, unknown>,
): SpecCheck {
  for (const p of op.params) {
    const raw = p.in === 'path' ? pathParams[p.name] : query[p.name];
    if (raw === undefined || raw === '') {
      if (p.required) return { ok: false, error: `${p.name} is required` };
      continue;
    }
    if (p.type === 'integer' && !/^-?\d+$/.test(String(raw)))
      return { ok: false, error: `${p.name} must be an integer` };
  }
  return { ok: true };
}

/** For the connector's tests: does this request conform to openapi.yaml? */
export function validateAgainstSpec(method: string, pathWithQuery: string, body?: unknown): SpecCheck {
  const found = findOperation(method, pathWithQuery);
  if (!found) return { ok: false, error: `${method.toUpperCase()} ${pathWithQuery} is not an operation of the spec` };
  const query = Object.fromEntries(new URLSearchParams(pathWithQuery.split('?')[1] ?? ''));
  const params = checkParameters(found.op, found.pathParams, query);
  if (!params.ok) return params;
  return checkRequestBody(found.op, body);
}

/** For contract tests: does this response conform to the spec's declared response? */
export function validateResponseAgainstSpec(method: string, path: string, status: number, body: unknown): SpecCheck {
  const found = findOperation(method, path);
  if (!found) return { ok: false, error: `${method} ${path} is not an operation of the spec` };
  const responses = ((document.paths as Record<string, Json>)[found.op.path]?.[method.toLowerCase()] as Json)
    .responses as Json;
  const declared = (responses[String(status)] ?? UNDECLARED_ALLOWED[status]) as Json | undefined;
  if (!declared) return { ok: false, error: `status ${status} is not declared for ${method} ${found.op.path}` };
  const base = declared.$ref
    ? String(declared.$ref).slice(1)
    : `/paths/${escapePointer(found.op.path)}/${method.toLowerCase()}/responses/${status}`;
  const resolved = declared.$ref ? resolvePointer(base) : declared;
  const schema = ((resolved?.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema;
  if (!schema) {
    // The spec declares no body here; the emulator sends none, or (404/410) only {"error": "..."}.
    if (body === undefined || body === '') return { ok: true };
    const onlyError = typeof body === 'object' && body !== null && Object.keys(body).join() === 'error';
    return onlyError && status >= 400 ? { ok: true } : { ok: false, error: `status ${status} declares no body` };
  }
  const validate = validatorAt(`${base}/content/application~1json/schema`);
  if (!validate || validate(body)) return { ok: true };
  return {
    ok: false,
    error: `${describeError(validate.errors?.[0], 'body')} (${validate.errors?.[0]?.schemaPath ?? ''})`,
  };
}

/**
 * Answers the spec leaves out but the emulator gives on any operation (documented): 403 for
 * missing or revoked consent (§9.4), 400 for a bad parameter where no 400 is declared, and
 * 429 when the optional rate limit is on. All carry {"error": "..."}.
 */
const UNDECLARED_ALLOWED: Record<number, Json> = {
  400: { $ref: '#/components/responses/BadRequest' },
  403: { $ref: '#/components/responses/ForbiddenError' },
  429: { $ref: '#/components/responses/ForbiddenError' },
};

function resolvePointer(pointer: string): Json | undefined {
  let node: unknown = document;
  for (const part of pointer.split('/').slice(1)) {
    node = (node as Json | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node as Json | undefined;
}

/** Validates any component schema by name (e.g. a webhook payload part). */
export function validateComponent(name: string, value: unknown, root = name): SpecCheck {
  const validate = validatorAt(`/components/schemas/${name}`);
  if (!validate) return { ok: false, error: `no schema ${name}` };
  return validate(value) ? { ok: true } : { ok: false, error: describeError(validate.errors?.[0], root) };
}

/** For tests of webhook receivers: is this a payload the spec's callback for its topic describes? */
export function validateWebhookPayload(payload: unknown): SpecCheck {
  const requestType = ((payload as Json | null)?.data as Json | undefined)?.requestType;
  const topic = `requests.${String(requestType)}`;
  const validate = validatorAt(
    `/paths/~1subscription/post/callbacks/${escapePointer(topic)}/${escapePointer(topic)}/post/requestBody/content/application~1json/schema`,
  );
  if (!validate) return { ok: false, error: `no callback is declared for ${topic}` };
  return validate(payload) ? { ok: true } : { ok: false, error: describeError(validate.errors?.[0], 'payload') };
}
