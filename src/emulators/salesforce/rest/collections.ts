// sObject Collections (§4.6): up to 200 writes per call, results in request order, 200 even
// when records fail; allOrNone rolls everything back and marks the innocent records
// ALL_OR_NONE_OPERATION_ROLLED_BACK. Retrieve answers null for unknown or invisible ids.
import {
  createRecord,
  deleteRecord,
  externalIdField,
  liveRecord,
  updateRecord,
  upsertRecord,
  type WriteTxn,
} from '../dml.ts';
import { SfError } from '../errors.ts';
import { to18 } from '../ids.ts';
import type { ObjectDef } from '../metadata.ts';
import { Transaction } from '../state.ts';
import { fieldList, renderRecord } from './records.ts';
import { ok, type Handler, type RestRequest } from './types.ts';

interface ItemResult {
  id?: string;
  success: boolean;
  errors: Record<string, unknown>[];
  created?: boolean;
}

const ROLLED_BACK = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

function writeBody(req: RestRequest): { allOrNone: boolean; records: Record<string, unknown>[] } {
  const body = req.body as { allOrNone?: unknown; records?: unknown } | null;
  if (!body || typeof body !== 'object' || !Array.isArray(body.records))
    throw new SfError(400, 'JSON_PARSER_ERROR', 'records: a JSON array of records is required', ['records']);
  if (body.records.length > 200)
    throw new SfError(
      400,
      'EXCEEDED_ID_LIMIT',
      'record limit reached. cannot submit more than 200 records into this call',
    );
  if (body.allOrNone !== undefined && typeof body.allOrNone !== 'boolean')
    throw new SfError(400, 'JSON_PARSER_ERROR', 'allOrNone: must be a boolean', ['allOrNone']);
  for (const [i, r] of body.records.entries())
    if (!r || typeof r !== 'object' || Array.isArray(r))
      throw new SfError(400, 'JSON_PARSER_ERROR', `records[${i}]: must be a JSON object`, ['records']);
  return { allOrNone: body.allOrNone === true, records: body.records as Record<string, unknown>[] };
}

function typeOf(req: RestRequest, record: Record<string, unknown>): ObjectDef {
  const type = (record.attributes as { type?: unknown } | undefined)?.type;
  if (typeof type !== 'string') throw new SfError(400, 'INVALID_TYPE', 'Must send a concrete entity type.');
  return req.org.object(type);
}

/** Runs each item; every item gets its own undo scope so allOrNone=false keeps the good ones. */
function runItems(
  req: RestRequest,
  allOrNone: boolean,
  count: number,
  item: (i: number, w: WriteTxn) => ItemResult,
): ItemResult[] {
  const outer: WriteTxn = req.tx ?? { txn: new Transaction(''), changes: [] };
  const results: ItemResult[] = [];
  let failed = false;
  for (let i = 0; i < count; i++) {
    const inner: WriteTxn = { txn: new Transaction(''), changes: [] };
    try {
      results.push(item(i, inner));
      outer.txn.onRollback(() => inner.txn.rollback());
      outer.changes.push(...inner.changes);
    } catch (error) {
      inner.txn.rollback();
      if (!(error instanceof SfError)) throw error;
      failed = true;
      results.push({ success: false, errors: [error.saveError()] });
    }
  }
  if (allOrNone && failed) {
    if (!req.tx) outer.txn.rollback();
    else throw new SfError(400, 'ALL_OR_NONE_OPERATION_ROLLED_BACK', ROLLED_BACK.message); // composite rolls back
    return results.map((r) =>
      r.success ? { ...(r.id ? { id: r.id } : {}), success: false, errors: [ROLLED_BACK] } : r,
    );
  }
  if (!req.tx) {
    outer.txn.commit();
    req.org.events.publish(outer.changes);
  }
  return results;
}

export const collectionsCreate: Handler = (req) => {
  const { allOrNone, records } = writeBody(req);
  const results = runItems(req, allOrNone, records.length, (i, w) => {
    const record = records[i]!;
    const def = typeOf(req, record);
    if (Object.keys(record).some((k) => k.toLowerCase() === 'id'))
      throw new SfError(400, 'INVALID_FIELD', 'cannot specify Id in an insert call', ['Id']);
    const created = createRecord(req.org, def, record, req.actor, w);
    return { id: created.id, success: true, errors: [] };
  });
  // A failed create has no id: the rolled-back successes lose theirs too.
  return ok(allOrNone && results.some((r) => !r.success) ? results.map(({ id: _id, ...r }) => r) : results);
};

export const collectionsUpdate: Handler = (req) => {
  const { allOrNone, records } = writeBody(req);
  return ok(
    runItems(req, allOrNone, records.length, (i, w) => {
      const record = records[i]!;
      const def = typeOf(req, record);
      const rawId = Object.entries(record).find(([k]) => k.toLowerCase() === 'id')?.[1];
      if (typeof rawId !== 'string')
        throw new SfError(400, 'MISSING_ARGUMENT', 'Id not specified in an update call', ['Id']);
      const target = liveRecord(req.org, def, rawId, 400);
      const body = Object.fromEntries(Object.entries(record).filter(([k]) => k.toLowerCase() !== 'id'));
      updateRecord(req.org, def, target, body, req.actor, w);
      return { id: target.id, success: true, errors: [] };
    }),
  );
};

export const collectionsUpsert: Handler = (req, p) => {
  const { allOrNone, records } = writeBody(req);
  const def = req.org.object(p.sobject!, 'notFound');
  const field = externalIdField(def, p.field!);
  return ok(
    runItems(req, allOrNone, records.length, (i, w) => {
      const record = records[i]!;
      const key = Object.entries(record).find(([k]) => k.toLowerCase() === field.name.toLowerCase())?.[1];
      if (typeof key !== 'string' || !key)
        throw new SfError(400, 'MISSING_ARGUMENT', `${field.name} not specified`, [field.name]);
      const outcome = upsertRecord(req.org, def, field, key, record, req.actor, w);
      return { id: outcome.record.id, success: true, errors: [], created: outcome.created };
    }),
  );
};

export const collectionsDelete: Handler = (req) => {
  const ids = (req.query.ids ?? '').split(',').filter(Boolean);
  if (!ids.length) throw new SfError(400, 'MISSING_ARGUMENT', 'ids: at least one id is required', ['ids']);
  if (ids.length > 200)
    throw new SfError(
      400,
      'EXCEEDED_ID_LIMIT',
      'record limit reached. cannot submit more than 200 records into this call',
    );
  const allOrNone = req.query.allOrNone === 'true';
  return ok(
    runItems(req, allOrNone, ids.length, (i, w) => {
      const raw = ids[i]!;
      const def = req.org.objectForId(raw);
      if (!def || !to18(raw)) throw new SfError(400, 'MALFORMED_ID', `malformed id ${raw}`, ['Id']);
      const record = liveRecord(req.org, def, raw, 400);
      deleteRecord(req.org, def, record, req.actor, w);
      return { id: record.id, success: true, errors: [] };
    }),
  );
};

function retrieve(req: RestRequest, sobject: string, ids: unknown, fields: unknown) {
  const def = req.org.object(sobject, 'notFound');
  if (!Array.isArray(ids) || ids.some((i) => typeof i !== 'string'))
    throw new SfError(400, 'JSON_PARSER_ERROR', 'ids: a list of record ids is required', ['ids']);
  if (!Array.isArray(fields) || !fields.length || fields.some((f) => typeof f !== 'string'))
    throw new SfError(400, 'JSON_PARSER_ERROR', 'fields: a list of field names is required', ['fields']);
  if (ids.length > 2000)
    throw new SfError(
      400,
      'EXCEEDED_ID_LIMIT',
      'record limit reached. cannot submit more than 2000 records into this call',
    );
  for (const f of fields as string[])
    if (!def.byLower.has(f.toLowerCase()))
      throw new SfError(400, 'INVALID_FIELD', `No such column '${f}' on sobject of type ${def.name}`, [f]);
  return ok(
    (ids as string[]).map((raw) => {
      const record = req.org.find(def.name, raw);
      return record && !record.deleted ? renderRecord(req.org, def, record, req.version, fields as string[]) : null;
    }),
  );
}

export const collectionsRetrieve: Handler = (req, p) =>
  retrieve(req, p.sobject!, (req.query.ids ?? '').split(',').filter(Boolean), fieldList(req.query.fields));

export const collectionsRetrieveByBody: Handler = (req, p) => {
  const body = (req.body ?? {}) as { ids?: unknown; fields?: unknown };
  return retrieve(req, p.sobject!, body.ids, body.fields);
};
