// REST routes for every canonical record kind, generated from its RecordDefinition:
// POST /api/v1/<path>, GET /<path>, GET /<path>/:id, PATCH /<path>/:id, DELETE /<path>/:id.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { NotFoundError } from '../../core/errors.ts';
import type { Db } from '../../db/pool.ts';
import { getPractice } from '../../db/practices.ts';
import { findLocalIdByAlias, linksFor } from '../../db/links.ts';
import type { RecordDefinition } from '../../db/records/definition.ts';
import {
  createRecord,
  deleteRecord,
  getRecord,
  listRecords,
  updateRecord,
  type Json,
  type WriteContext,
} from '../../db/records/repository.ts';
import { parseOrThrow } from '../errors.ts';
import { isUuid } from '../../core/ids.ts';

const ALIAS = /^(hint|healthengine|salesforce):\S+$/;

/** Extra fields shown on a record kind (e.g. a patient's links to other systems). */
export type Decorate = (db: Db, practiceId: string, records: Json[]) => Promise<void>;

export interface RecordRoutesOptions {
  db: Db;
  def: RecordDefinition;
  decorate?: Decorate;
  /** The decoration of a record just created (no links yet), when `decorate` is given. */
  blank?: Json;
}

const versionHeader = z
  .string()
  .regex(/^(W\/)?"?\d+"?$/, 'must be the record version, e.g. "3"')
  .transform((v) => Number(v.replace(/\D/g, '')));

function expectedVersion(request: FastifyRequest, body: Json | undefined): number | undefined {
  const header = request.headers['if-match'];
  const fromHeader = typeof header === 'string' ? parseOrThrow(versionHeader, header, 'If-Match') : undefined;
  const fromBody = typeof body?.version === 'number' ? body.version : undefined;
  return fromHeader ?? fromBody;
}

function writeContext(request: FastifyRequest): WriteContext {
  return { practiceId: request.auth.practiceId, actor: request.auth.actor, origin: 'api' };
}

// A practice's region changes rarely; caching it saves a query on every write.
const regionCache = new Map<string, { country: string; until: number }>();

async function schemasFor(db: Db, def: RecordDefinition, practiceId: string) {
  let cached = regionCache.get(practiceId);
  if (!cached || cached.until < Date.now()) {
    const practice = await getPractice(db, practiceId);
    cached = { country: practice?.country ?? 'AU', until: Date.now() + 60_000 };
    regionCache.set(practiceId, cached);
  }
  return compiledSchemas(def, cached.country);
}

// zod compiles a schema on first use; building one per request would pay that every time.
const schemaCache = new Map<string, ReturnType<RecordDefinition['schemas']>>();

function compiledSchemas(def: RecordDefinition, country: string) {
  const key = `${def.kind}:${country}`;
  let schemas = schemaCache.get(key);
  if (!schemas) {
    schemas = def.schemas({ defaultCountry: country });
    schemaCache.set(key, schemas);
  }
  return schemas;
}

export async function recordRoutes(
  app: FastifyInstance,
  { db, def, decorate, blank }: RecordRoutesOptions,
): Promise<void> {
  const listQuery = z
    .object({
      limit: z.coerce.number().int().min(1).max(500).default(50),
      cursor: z.string().max(500).optional(),
      search: z.string().trim().min(1).max(200).optional(),
      ...Object.fromEntries(Object.entries(def.filters).map(([name, f]) => [name, f.schema.optional()])),
    })
    .strict();

  const decorated = async (practiceId: string, records: Json[]) => {
    if (decorate) await decorate(db, practiceId, records);
    return records;
  };

  /** Accepts the record's own id, or "<system>:<remoteId>" once a link exists. */
  const resolveId = async (practiceId: string, raw: string): Promise<string> => {
    if (isUuid(raw)) return raw;
    const local = await findLocalIdByAlias(db, practiceId, def.kind, raw);
    if (!local) throw new NotFoundError(def.kind);
    return local;
  };

  const list = async (request: FastifyRequest, query: unknown) => {
    const { limit, cursor, search, ...filters } = parseOrThrow(listQuery, query);
    if (search && !def.search) throw new NotFoundError('search');
    // "hint:pat-…" finds the record linked to that remote record (staff paste ids from Hint).
    if (search && ALIAS.test(search)) {
      const id = await findLocalIdByAlias(db, request.auth.practiceId, def.kind, search);
      // Linked but deleted since: no result. Any other failure is the request's error.
      const found = id
        ? await getRecord(db, request.auth.practiceId, def, id).catch((error: unknown) => {
            if (error instanceof NotFoundError) return undefined;
            throw error;
          })
        : undefined;
      return { data: await decorated(request.auth.practiceId, found ? [found] : []), nextCursor: null };
    }
    const page = await listRecords(db, request.auth.practiceId, def, { limit, cursor, search, filters });
    return { data: await decorated(request.auth.practiceId, page.data), nextCursor: page.nextCursor };
  };

  app.get(`/${def.path}`, async (request) => list(request, request.query));
  // The same list with its query in the body: a search for a name or a date of birth is PHI and
  // must not travel in a URL (access logs, browser history, proxies). The console uses this.
  app.post(`/${def.path}/search`, async (request) => list(request, request.body ?? {}));

  app.get<{ Params: { id: string } }>(`/${def.path}/:id`, async (request, reply) => {
    const id = await resolveId(request.auth.practiceId, request.params.id);
    const [record] = await decorated(request.auth.practiceId, [await getRecord(db, request.auth.practiceId, def, id)]);
    return reply.header('etag', `"${record!.version}"`).send(record);
  });

  app.post(`/${def.path}`, async (request, reply) => {
    const { create } = await schemasFor(db, def, request.auth.practiceId);
    const input = parseOrThrow(create, request.body ?? {}) as Json;
    const created = await createRecord(db, writeContext(request), def, input);
    // A record just created has no links yet: decorate without asking the database.
    const [record] = decorate ? [{ ...created, ...(blank ?? { links: [] }) }] : [created];
    return reply
      .code(201)
      .header('location', `/api/v1/${def.path}/${created.id}`)
      .header('etag', `"${created.version}"`)
      .send(record);
  });

  app.patch<{ Params: { id: string } }>(`/${def.path}/:id`, async (request, reply) => {
    const id = await resolveId(request.auth.practiceId, request.params.id);
    const { patch } = await schemasFor(db, def, request.auth.practiceId);
    const { version: _v, ...input } = parseOrThrow(patch, request.body ?? {}) as Json;
    const updated = await updateRecord(
      db,
      writeContext(request),
      def,
      id,
      input,
      expectedVersion(request, request.body as Json),
    );
    const [record] = await decorated(request.auth.practiceId, [updated]);
    return reply.header('etag', `"${updated.version}"`).send(record);
  });

  app.delete<{ Params: { id: string } }>(`/${def.path}/:id`, async (request, reply) => {
    const id = await resolveId(request.auth.practiceId, request.params.id);
    await deleteRecord(db, writeContext(request), def, id, expectedVersion(request, undefined));
    return reply.code(204).send();
  });
}

/** A record of another kind (an invoice) shows its links to every connected system. */
export const decorateLinks =
  (kind: string): Decorate =>
  async (db, practiceId, records) => {
    const links = await linksFor(
      db,
      practiceId,
      kind,
      records.map((r) => String(r.id)),
    );
    for (const record of records)
      record.links = (links.get(String(record.id)) ?? []).map(({ remoteData: _data, ...summary }) => summary);
  };

/**
 * Facts a connector shows on a patient it links, registered by the connector (its patientFacts),
 * handed in by main.ts: the hub knows none of them by name.
 */
export interface PatientFactsSource {
  system: string;
  key: string;
  fromLink(remoteData: Record<string, unknown>): Record<string, unknown>;
}

/** A patient also shows its links to every connected system and, for each facts source, what that system knows. */
export const decoratePatients =
  (sources: PatientFactsSource[]): Decorate =>
  async (db, practiceId, records) => {
    const links = await linksFor(
      db,
      practiceId,
      'patient',
      records.map((r) => String(r.id)),
    );
    for (const record of records) {
      const own = links.get(String(record.id)) ?? [];
      record.links = own.map(({ remoteData: _data, ...summary }) => summary);
      for (const source of sources) {
        const link = own.find((l) => l.system === source.system);
        record[source.key] = link ? source.fromLink(link.remoteData) : null;
      }
    }
  };

/** What a record just created shows before it has any link: no links, no facts. */
export const blankDecoration = (sources: PatientFactsSource[]): Json =>
  Object.fromEntries([['links', []], ...sources.map((s) => [s.key, null])]);
