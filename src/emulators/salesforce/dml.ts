// Record writes — create, update, delete, undelete, upsert — with Salesforce's checks in its
// order: unknown fields, field-level security, types, lengths, e-mail, picklists, references,
// required fields, unique values, validation rules, duplicate rules. Each write joins a
// Transaction; its change events are published only when that transaction commits.
import { entityDeleted, notFound, SfError } from './errors.ts';
import type { Change } from './events.ts';
import { to18 } from './ids.ts';
import { writableBy, type FieldDef, type ObjectDef } from './metadata.ts';
import type { Org } from './org.ts';
import { compileCondition } from './soql/index.ts';
import type { SfRecord, SfUser, Transaction } from './state.ts';
import { isValidDate, isValidEmail, parseDateTime } from './values.ts';

export interface Actor {
  user: SfUser;
  /** CDC changeOrigin: com/salesforce/api/rest/<ver>[;client=<id>] for API writes, '' for UI ones. */
  origin: string;
  /** Sforce-Duplicate-Rule-Header allowSave=true. */
  allowSave: boolean;
}

export interface WriteTxn {
  txn: Transaction;
  changes: Change[];
}

const SYSTEM_SKIP = new Set(['attributes']);

function tooLong(field: FieldDef, value: string): SfError {
  const shown = value.length > 48 ? `${value.slice(0, 48)}...` : value;
  return new SfError(
    400,
    'STRING_TOO_LONG',
    `${field.label}: data value too large: ${shown} (max length=${field.length})`,
    [field.name],
  );
}

function cannotDeserialize(kind: string, value: unknown): SfError {
  const token =
    typeof value === 'string'
      ? 'VALUE_STRING'
      : typeof value === 'boolean'
        ? `VALUE_${String(value).toUpperCase()}`
        : typeof value === 'number'
          ? 'VALUE_NUMBER_INT'
          : 'START_OBJECT';
  return new SfError(
    400,
    'JSON_PARSER_ERROR',
    `Cannot deserialize instance of ${kind} from ${token} value ${JSON.stringify(value)} or request may be missing a required field`,
  );
}

/** A JSON value → the stored value for this field, or an SfError. */
function coerce(org: Org, field: FieldDef, raw: unknown): unknown {
  if (raw === null || raw === '') return field.type === 'boolean' ? false : null;
  switch (field.type) {
    case 'boolean':
      if (typeof raw !== 'boolean') throw cannotDeserialize('boolean', raw);
      return raw;
    case 'date':
      if (typeof raw !== 'string' || !isValidDate(raw)) throw cannotDeserialize('date', raw);
      return raw;
    case 'datetime': {
      const ms = typeof raw === 'string' ? parseDateTime(raw) : undefined;
      if (ms === undefined) throw cannotDeserialize('datetime', raw);
      return Math.floor(ms / 1000) * 1000;
    }
    case 'double':
      if (typeof raw !== 'number') throw cannotDeserialize('double', raw);
      return raw;
    case 'reference':
      return reference(org, field, raw);
    default: {
      if (typeof raw !== 'string' && typeof raw !== 'number') throw cannotDeserialize('string', raw);
      const value = String(raw);
      if (field.length !== undefined && value.length > field.length) throw tooLong(field, value);
      if (field.type === 'email' && !isValidEmail(value))
        throw new SfError(400, 'INVALID_EMAIL_ADDRESS', `${field.label}: invalid email address: ${value}`, [
          field.name,
        ]);
      if (field.type === 'picklist' && field.restrictedPicklist && !field.picklist?.includes(value))
        throw new SfError(
          400,
          'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
          `${field.label}: bad value for restricted picklist field: ${value}`,
          [field.name],
        );
      return value;
    }
  }
}

function reference(org: Org, field: FieldDef, raw: unknown): string {
  const id = typeof raw === 'string' ? to18(raw) : undefined;
  const target = field.referenceTo?.[0] ?? '';
  const malformed = () =>
    new SfError(400, 'MALFORMED_ID', `${field.label}: id value of incorrect type: ${String(raw)}`, [field.name]);
  if (!id) throw malformed();
  if (target === 'User') {
    if (!org.user(id)) throw malformed();
    return id;
  }
  const def = org.schema.get(target);
  if (!def || !id.startsWith(def.keyPrefix)) throw malformed();
  const record = org.find(def.name, id);
  if (!record) throw new SfError(400, 'INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`, [field.name]);
  if (record.deleted) throw entityDeleted(400);
  return id;
}

/** Body → {field: value}, checking names, FLS and types. */
export function readBody(
  org: Org,
  def: ObjectDef,
  body: unknown,
  user: SfUser,
  creating: boolean,
): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new SfError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object of field values');
  const values: Record<string, unknown> = {};
  const readOnly: string[] = [];
  for (const [key, raw] of Object.entries(body as Record<string, unknown>)) {
    if (SYSTEM_SKIP.has(key)) continue;
    const field = def.byLower.get(key.toLowerCase());
    if (!field)
      throw new SfError(400, 'INVALID_FIELD', `No such column '${key}' on sobject of type ${def.name}`, [key]);
    if (field.name === 'Id' && !creating) continue; // collections updates carry their id in the record
    if (!writableBy(field, user.profile, creating)) {
      readOnly.push(field.name);
      continue;
    }
    values[field.name] = coerce(org, field, raw);
  }
  if (readOnly.length)
    throw new SfError(
      400,
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
      readOnly,
    );
  return values;
}

function required(def: ObjectDef, merged: Record<string, unknown>): void {
  const missing = def.fields
    .filter((f) => !f.nillable && f.createable && !f.defaultedOnCreate && f.type !== 'boolean')
    .filter((f) => merged[f.name] === null || merged[f.name] === undefined)
    .map((f) => f.name);
  if (missing.length)
    throw new SfError(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing);
}

function uniqueKey(field: FieldDef, value: unknown): string {
  return field.caseSensitive ? String(value) : String(value).toLowerCase();
}

function unique(org: Org, def: ObjectDef, merged: Record<string, unknown>, selfId: string | null): void {
  for (const field of def.fields) {
    if (!field.unique) continue;
    const value = merged[field.name];
    if (value === null || value === undefined) continue;
    const key = uniqueKey(field, value);
    for (const other of org.table(def.name).values()) {
      if (other.id === selfId || other.deleted) continue;
      const v = other.values[field.name];
      if (v !== null && v !== undefined && uniqueKey(field, v) === key)
        throw new SfError(
          400,
          'DUPLICATE_VALUE',
          `duplicate value found: ${field.name} duplicates value on record with id: ${other.id}`,
          [],
        );
    }
  }
}

function validationRules(org: Org, def: ObjectDef, candidate: SfRecord): void {
  for (const rule of org.data.validationRules) {
    if (!rule.active || rule.object !== def.name) continue;
    if (compileCondition(org, def, rule.errorCondition)(candidate))
      throw new SfError(400, 'FIELD_CUSTOM_VALIDATION_EXCEPTION', rule.message, rule.field ? [rule.field] : []);
  }
}

const norm = (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : v);

/** Standard_Contact_Duplicate_Rule-like: same first name, last name and e-mail (§15.15). */
function duplicates(
  org: Org,
  def: ObjectDef,
  actor: Actor,
  merged: Record<string, unknown>,
  selfId: string | null,
): void {
  const rule = org.data.duplicateRule;
  if (!rule.active || def.name !== 'Contact') return;
  if (rule.allowSave && actor.allowSave) return;
  const matches = [...org.table('Contact').values()].filter(
    (r) =>
      !r.deleted &&
      r.id !== selfId &&
      norm(r.values.FirstName) === norm(merged.FirstName) &&
      norm(r.values.LastName) === norm(merged.LastName) &&
      norm(r.values.Email ?? null) === norm(merged.Email ?? null),
  );
  if (!matches.length) return;
  const message = rule.allowSave
    ? "You're creating a duplicate record. We recommend you use an existing record instead."
    : 'Use one of these records?';
  throw new SfError(400, 'DUPLICATES_DETECTED', message, undefined, {
    duplicateResult: {
      allowSave: rule.allowSave,
      duplicateRule: 'Standard_Contact_Duplicate_Rule',
      duplicateRuleEntityType: 'Contact',
      errorMessage: message,
      matchResults: [
        {
          entityType: 'Contact',
          errors: [],
          matchEngine: 'FuzzyMatchEngine',
          matchRecords: matches.slice(0, 10).map((r) => ({
            additionalInformation: [],
            fieldDiffs: [],
            matchConfidence: 100.0,
            record: { attributes: { type: 'Contact', url: `/services/data/v62.0/sobjects/Contact/${r.id}` }, Id: r.id },
          })),
          rule: 'Standard_Contact_Match_Rule_v1_1',
          size: matches.length,
          success: true,
        },
      ],
    },
  });
}

/** Derived fields: Name for contacts, the auto number of the log object. */
function derive(org: Org, def: ObjectDef, values: Record<string, unknown>, creating: boolean): void {
  if (def.name === 'Contact') {
    const parts = [values.FirstName, values.MiddleName, values.LastName, values.Suffix].filter(
      (p) => typeof p === 'string' && p !== '',
    );
    values.Name = parts.join(' ');
  }
  const auto = def.byLower.get('name');
  if (creating && auto?.autoNumber) values.Name = `LOG-${String(org.data.logSerial++).padStart(6, '0')}`;
}

function change(
  def: ObjectDef,
  record: SfRecord,
  changeType: Change['changeType'],
  values: Record<string, unknown>,
  changedFields: string[],
  actor: Actor,
): Change {
  const types: Record<string, string> = {};
  const compound: Record<string, string> = {};
  for (const f of def.fields) {
    types[f.name] = f.type;
    if (f.compoundFieldName) compound[f.name] = f.compoundFieldName;
  }
  return {
    object: def.name,
    changeType,
    recordId: record.id,
    values,
    changedFields,
    userId: actor.user.id,
    origin: actor.origin,
    types,
    compound,
  };
}

export function createRecord(org: Org, def: ObjectDef, body: unknown, actor: Actor, w: WriteTxn): SfRecord {
  const input = readBody(org, def, body, actor.user, true);
  const values: Record<string, unknown> = {};
  for (const f of def.fields) values[f.name] = f.type === 'boolean' ? (f.defaultValue ?? false) : null;
  Object.assign(values, input);
  required(def, values);
  unique(org, def, values, null);
  const now = org.stamp();
  const id = org.newId(def);
  Object.assign(values, {
    Id: id,
    IsDeleted: false,
    OwnerId: values.OwnerId ?? actor.user.id,
    CreatedDate: now,
    CreatedById: actor.user.id,
    LastModifiedDate: now,
    LastModifiedById: actor.user.id,
    SystemModstamp: now,
  });
  derive(org, def, values, true);
  if (def.byLower.has('photourl')) values.PhotoUrl = `/services/images/photo/${id}`;
  const record: SfRecord = { id, object: def.name, values, deleted: false, deletedAt: null };
  validationRules(org, def, record);
  duplicates(org, def, actor, values, null);
  const table = org.table(def.name);
  table.set(id, record);
  w.txn.onRollback(() => table.delete(id));
  w.changes.push(change(def, record, 'CREATE', { ...values }, [], actor));
  return record;
}

/** The live record for a write, or NOT_FOUND / ENTITY_IS_DELETED / MALFORMED_ID. */
export function liveRecord(org: Org, def: ObjectDef, rawId: string, deletedStatus = 404): SfRecord {
  const id = to18(rawId);
  if (!id || !id.startsWith(def.keyPrefix))
    throw new SfError(400, 'MALFORMED_ID', `${def.label} ID: id value of incorrect type: ${rawId}`, ['Id']);
  const record = org.table(def.name).get(id);
  if (!record) throw notFound();
  if (record.deleted) throw entityDeleted(deletedStatus);
  return record;
}

export function updateRecord(
  org: Org,
  def: ObjectDef,
  record: SfRecord,
  body: unknown,
  actor: Actor,
  w: WriteTxn,
): void {
  const input = readBody(org, def, body, actor.user, false);
  const merged = { ...record.values, ...input };
  derive(org, def, merged, false);
  required(def, merged);
  unique(org, def, merged, record.id);
  validationRules(org, def, { ...record, values: merged });
  duplicates(org, def, actor, merged, record.id);
  const changed = Object.keys(input).filter((k) => record.values[k] !== input[k]);
  const now = org.stamp();
  Object.assign(merged, { LastModifiedDate: now, LastModifiedById: actor.user.id, SystemModstamp: now });
  const before = record.values;
  record.values = merged;
  w.txn.onRollback(() => {
    record.values = before;
  });
  if (!changed.length) return; // nothing changed: no change event (audit fields still move)
  if (changed.some((f) => ['FirstName', 'LastName', 'MiddleName', 'Suffix'].includes(f))) changed.push('Name');
  const fields = [...changed, 'LastModifiedDate'];
  const values = Object.fromEntries(fields.map((f) => [f, merged[f]]));
  w.changes.push(
    change(
      def,
      record,
      'UPDATE',
      values,
      fields.filter((f) => f !== 'Name'),
      actor,
    ),
  );
}

export function deleteRecord(org: Org, def: ObjectDef, record: SfRecord, actor: Actor, w: WriteTxn): void {
  const now = org.stamp();
  const before = { values: record.values, deleted: record.deleted, deletedAt: record.deletedAt };
  record.deleted = true;
  record.deletedAt = now;
  record.values = { ...record.values, IsDeleted: true, SystemModstamp: now };
  const entry = { object: def.name, id: record.id, deletedDate: now };
  org.data.deleteLog.push(entry);
  w.txn.onRollback(() => {
    Object.assign(record, before);
    org.data.deleteLog = org.data.deleteLog.filter((e) => e !== entry);
  });
  w.changes.push(change(def, record, 'DELETE', {}, [], actor));
}

export function undeleteRecord(org: Org, def: ObjectDef, record: SfRecord, actor: Actor, w: WriteTxn): void {
  if (!record.deleted) throw new SfError(400, 'UNDELETE_FAILED', 'Entity is not in the recycle bin');
  unique(org, def, record.values, record.id);
  const now = org.stamp();
  const before = { values: record.values, deletedAt: record.deletedAt };
  record.deleted = false;
  record.deletedAt = null;
  record.values = {
    ...record.values,
    IsDeleted: false,
    SystemModstamp: now,
    LastModifiedDate: now,
    LastModifiedById: actor.user.id,
  };
  w.txn.onRollback(() => {
    record.deleted = true;
    Object.assign(record, before);
  });
  w.changes.push(change(def, record, 'UNDELETE', { ...record.values }, [], actor));
}

/** Records whose external-id field equals value (case-insensitive unless the field is case-sensitive). */
export function byExternalId(org: Org, def: ObjectDef, field: FieldDef, value: string): SfRecord[] {
  const key = uniqueKey(field, value);
  const out: SfRecord[] = [];
  for (const r of org.table(def.name).values()) {
    const v = r.values[field.name];
    if (!r.deleted && v !== null && v !== undefined && uniqueKey(field, v) === key) out.push(r);
  }
  return out;
}

export function externalIdField(def: ObjectDef, name: string): FieldDef {
  const field = def.byLower.get(name.toLowerCase());
  if (!field)
    throw new SfError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${name}`);
  if (!field.externalId && field.name !== 'Id')
    throw new SfError(400, 'INVALID_FIELD', `Field ${field.name} is not an external id field`, [field.name]);
  return field;
}

export interface UpsertOutcome {
  record: SfRecord;
  created: boolean;
}

/** Upsert by external id: create when unmatched (unless updateOnly), update when one matches, 300 when several. */
export function upsertRecord(
  org: Org,
  def: ObjectDef,
  field: FieldDef,
  value: string,
  body: Record<string, unknown>,
  actor: Actor,
  w: WriteTxn,
  updateOnly = false,
): UpsertOutcome {
  const matches = field.name === 'Id' ? [liveRecord(org, def, value)] : byExternalId(org, def, field, value);
  if (matches.length > 1)
    throw new SfError(300, 'MULTIPLE_CHOICES', 'more than one record found for external id field', undefined, {
      urls: matches.map((r) => `/services/data/v62.0/sobjects/${def.name}/${r.id}`),
    });
  const bodyKeys = Object.keys(body).map((k) => k.toLowerCase());
  const match = matches[0];
  if (match) {
    const { [field.name]: _drop, ...rest } = Object.fromEntries(
      Object.entries(body).filter(([k]) => k.toLowerCase() !== field.name.toLowerCase()),
    );
    updateRecord(org, def, match, rest, actor, w);
    return { record: match, created: false };
  }
  if (updateOnly) throw notFound();
  const withKey = bodyKeys.includes(field.name.toLowerCase()) ? body : { ...body, [field.name]: value };
  return { record: createRecord(org, def, withKey, actor, w), created: true };
}
