// sObject resources: describe, basic info, create / read / update / delete, external-id
// read and upsert (digest §4.1–4.3).
import {
  createRecord,
  deleteRecord,
  externalIdField,
  liveRecord,
  upsertRecord,
  byExternalId,
  updateRecord,
} from '../dml.ts';
import { notFound, SfError } from '../errors.ts';
import { describeObject, describeObjectHeader, type ObjectDef } from '../metadata.ts';
import type { Org } from '../org.ts';
import { attributes, resolveField, wireValue } from '../soql/index.ts';
import type { SfRecord } from '../state.ts';
import { inTransaction, ok, type Handler } from './types.ts';

/** ?fields=A,B → those fields (INVALID_FIELD for unknown ones); absent → every field. */
export function renderRecord(
  org: Org,
  def: ObjectDef,
  record: SfRecord,
  version: string,
  fields?: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: attributes(def.name, record.id, version) };
  const chosen = fields ? fields.map((f) => resolveField(org, def, { path: [f.trim()], col: 1 }, f).field) : def.fields;
  for (const field of chosen) out[field.name] = wireValue(field, record.values[field.name], record);
  return out;
}

export function fieldList(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const list = raw
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  return list.length ? list : undefined;
}

function checkFields(org: Org, def: ObjectDef, fields: string[] | undefined): void {
  for (const f of fields ?? []) {
    if (!def.byLower.has(f.toLowerCase()))
      throw new SfError(400, 'INVALID_FIELD', `No such column '${f}' on sobject of type ${def.name}`, [f]);
  }
}

export const globalDescribe: Handler = (req) =>
  ok({
    encoding: 'UTF-8',
    maxBatchSize: 200,
    sobjects: [...req.org.schema.values()].map((d) => describeObjectHeader(d, req.version)),
  });

export const basicInfo: Handler = (req, p) => {
  const def = req.org.object(p.sobject!, 'notFound');
  return ok({ objectDescribe: describeObjectHeader(def, req.version), recentItems: [] });
};

export const describe: Handler = (req, p) => {
  const def = req.org.object(p.sobject!, 'notFound');
  const since = req.headers['if-modified-since'];
  if (since && !Number.isNaN(Date.parse(since)) && def.modifiedAt <= Date.parse(since)) return { status: 304 };
  return ok(describeObject(def, req.version, req.user.profile), 200, {
    'Last-Modified': new Date(def.modifiedAt).toUTCString(),
  });
};

export const create: Handler = (req, p) => {
  const def = req.org.object(p.sobject!, 'notFound');
  if (
    req.body &&
    typeof req.body === 'object' &&
    !Array.isArray(req.body) &&
    Object.keys(req.body).some((k) => k.toLowerCase() === 'id')
  )
    throw new SfError(
      400,
      'INVALID_FIELD',
      'Unable to create/update fields: Id. Please check the security settings of this field and verify that it is read/write for your profile or permission set.',
      ['Id'],
    );
  const record = inTransaction(req, (w) => createRecord(req.org, def, req.body, req.actor, w));
  return ok({ id: record.id, success: true, errors: [] }, 201, {
    Location: `/services/data/v${req.version}/sobjects/${def.name}/${record.id}`,
  });
};

/** Serialized full records per record version (a write replaces the values object) and API version. */
const rendered = new WeakMap<object, Map<string, string>>();

export const read: Handler = (req, p) => {
  const def = req.org.object(p.sobject!, 'notFound');
  const record = liveRecord(req.org, def, p.id!);
  const fields = fieldList(req.query.fields);
  checkFields(req.org, def, fields);
  if (fields) return ok(renderRecord(req.org, def, record, req.version, fields));
  let byVersion = rendered.get(record.values);
  if (!byVersion) rendered.set(record.values, (byVersion = new Map()));
  const key = `${req.version}|${def.modifiedAt}`; // a deploy changes the field list
  let json = byVersion.get(key);
  if (json === undefined) {
    json = JSON.stringify(renderRecord(req.org, def, record, req.version));
    byVersion.set(key, json);
  }
  return { status: 200, body: json, headers: { 'content-type': 'application/json;charset=UTF-8' } };
};

export const update: Handler = (req, p) => {
  const def = req.org.object(p.sobject!, 'notFound');
  inTransaction(req, (w) => updateRecord(req.org, def, liveRecord(req.org, def, p.id!), req.body, req.actor, w));
  return { status: 204 };
};

export const remove: Handler = (req, p) => {
  const def = req.org.object(p.sobject!, 'notFound');
  inTransaction(req, (w) => deleteRecord(req.org, def, liveRecord(req.org, def, p.id!), req.actor, w));
  return { status: 204 };
};

export const readByExternalId: Handler = (req, p) => {
  const def = req.org.object(p.sobject!, 'notFound');
  const field = externalIdField(def, p.field!);
  const matches =
    field.name === 'Id' ? [liveRecord(req.org, def, p.value!)] : byExternalId(req.org, def, field, p.value!);
  if (matches.length > 1)
    return ok(
      matches.map((r) => `/services/data/v${req.version}/sobjects/${def.name}/${r.id}`),
      300,
    );
  if (!matches[0]) throw notFound();
  const fields = fieldList(req.query.fields);
  checkFields(req.org, def, fields);
  return ok(renderRecord(req.org, def, matches[0], req.version, fields));
};

export const upsert: Handler = (req, p) => {
  const def = req.org.object(p.sobject!, 'notFound');
  const field = externalIdField(def, p.field!);
  if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body))
    throw new SfError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object of field values');
  try {
    const outcome = inTransaction(req, (w) =>
      upsertRecord(
        req.org,
        def,
        field,
        p.value!,
        req.body as Record<string, unknown>,
        req.actor,
        w,
        req.query.updateOnly === 'true',
      ),
    );
    const body = { id: outcome.record.id, success: true, errors: [], created: outcome.created };
    if (outcome.created)
      return ok(body, 201, { Location: `/services/data/v${req.version}/sobjects/${def.name}/${outcome.record.id}` });
    return Number(req.version) >= req.org.config.upsertUpdateStatusFromVersion ? ok(body, 200) : { status: 204 };
  } catch (error) {
    if (error instanceof SfError && error.status === 300)
      return ok(
        (error.extra.urls as string[]).map((u) => u.replace('/v62.0/', `/v${req.version}/`)),
        300,
      );
    throw error;
  }
};
