// query / queryAll / queryMore, and the replication resources getUpdated / getDeleted (§4.4, §4.8).
import { SfError } from '../errors.ts';
import { parseQuery, runQuery } from '../soql/index.ts';
import { formatDateTime, parseDateTime } from '../values.ts';
import { ok, type Handler, type RestRequest } from './types.ts';

const DAY = 86_400_000;
const MINUTE = 60_000;

function pageSize(req: RestRequest): number {
  const header = /batchSize\s*=\s*(\d+)/i.exec(req.headers['sforce-query-options'] ?? '');
  const asked = header ? Math.min(2000, Math.max(200, Number(header[1]))) : 2000;
  return Math.min(asked, req.org.config.queryPageSize);
}

function runSoql(req: RestRequest, all: boolean) {
  const q = req.query.q;
  if (!q) throw new SfError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
  const query = parseQuery(q);
  const run = runQuery(req.org, query, all);
  return ok(req.cursors.page(run, pageSize(req), req.version, query.count));
}

export const query: Handler = (req) => runSoql(req, false);
export const queryAll: Handler = (req) => runSoql(req, true);
export const queryMore: Handler = (req, p) => ok(req.cursors.more(p.locator!, req.version));

function window(req: RestRequest, days: number): { start: number; end: number } {
  const parse = (name: 'start' | 'end') => {
    const raw = req.query[name];
    const ms = raw ? parseDateTime(raw.replace(' ', '+')) : undefined;
    if (ms === undefined)
      throw new SfError(
        400,
        'INVALID_REPLICATION_DATE',
        `${name} must be an ISO-8601 dateTime with an offset, e.g. 2026-03-01T00:00:00+00:00`,
        [name],
      );
    return Math.floor(ms / MINUTE) * MINUTE; // seconds are truncated
  };
  const start = parse('start');
  const end = parse('end');
  if (start >= end)
    throw new SfError(
      400,
      'INVALID_REPLICATION_DATE',
      'startDate must chronologically precede endDate by more than one minute',
    );
  if (start < req.org.now() - days * DAY)
    throw new SfError(400, 'INVALID_REPLICATION_DATE', `startDate cannot be more than ${days} days ago`);
  return { start, end: Math.min(end, Math.floor(req.org.now() / MINUTE) * MINUTE) };
}

export const updated: Handler = (req, p) => {
  const def = req.org.object(p.sobject!, 'notFound');
  const { start, end } = window(req, req.org.config.updatedWindowDays);
  const ids: string[] = [];
  for (const r of req.org.table(def.name).values()) {
    const stamp = r.values.SystemModstamp as number;
    if (!r.deleted && stamp >= start && stamp < end) ids.push(r.id);
  }
  if (ids.length > req.org.config.replicationIdLimit)
    throw new SfError(
      400,
      'EXCEEDED_ID_LIMIT',
      `record limit reached. cannot submit more than ${req.org.config.replicationIdLimit} records into this call`,
    );
  return ok({ ids, latestDateCovered: formatDateTime(end) });
};

export const deleted: Handler = (req, p) => {
  const def = req.org.object(p.sobject!, 'notFound');
  const { start, end } = window(req, req.org.config.deletedWindowDays);
  const log = req.org.data.deleteLog.filter(
    (e) => e.object === def.name && e.deletedDate >= start && e.deletedDate < end,
  );
  const stillDeleted = log.filter((e) => req.org.table(def.name).get(e.id)?.deleted);
  if (stillDeleted.length > req.org.config.replicationIdLimit)
    throw new SfError(
      400,
      'EXCEEDED_ID_LIMIT',
      `record limit reached. cannot submit more than ${req.org.config.replicationIdLimit} records into this call`,
    );
  const earliest = Math.max(req.org.data.deleteLogPurgedBefore, req.org.now() - req.org.config.deletedWindowDays * DAY);
  return ok({
    deletedRecords: stillDeleted.map((e) => ({ id: e.id, deletedDate: formatDateTime(e.deletedDate) })),
    earliestDateAvailable: formatDateTime(Math.floor(earliest / MINUTE) * MINUTE),
    latestDateCovered: formatDateTime(end),
  });
};

export const limits: Handler = (req) => {
  const max = req.org.config.dailyApiRequests;
  const used = req.org.apiUsed();
  const events = req.org.events.retained().length;
  return ok({
    DailyApiRequests: { Max: max, Remaining: Math.max(0, max - used) },
    DailyBulkApiBatches: { Max: 15000, Remaining: 15000 },
    DailyDurableStreamingApiEvents: { Max: 10000, Remaining: Math.max(0, 10000 - events) },
    DataStorageMB: { Max: 5, Remaining: 4 },
    ConcurrentPerOrgLongTxn: { Max: 5, Remaining: 5 },
  });
};
