// What a REST handler receives and returns. Handlers are plain functions so /composite can run
// subrequests through the same code, inside one transaction and as one API call.
import type { Actor, WriteTxn } from '../dml.ts';
import type { Org } from '../org.ts';
import { Transaction, type SfUser } from '../state.ts';
import type { Cursors } from './cursors.ts';

export interface RestRequest {
  org: Org;
  cursors: Cursors;
  method: string;
  version: string;
  path: string[]; // segments after /services/data/vXX.X/
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  body: unknown;
  user: SfUser;
  actor: Actor;
  /** Set inside an allOrNone composite: writes join it and nothing commits until the end. */
  tx: WriteTxn | null;
}

export interface RestResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: RestRequest, params: Record<string, string>) => RestResponse;

/** Runs writes in the request's transaction, or in one of their own that commits (and publishes events) at the end. */
export function inTransaction<T>(req: RestRequest, fn: (w: WriteTxn) => T): T {
  if (req.tx) return fn(req.tx);
  const w: WriteTxn = { txn: new Transaction(''), changes: [] };
  try {
    const out = fn(w);
    w.txn.commit();
    req.org.events.publish(w.changes);
    return out;
  } catch (error) {
    w.txn.rollback();
    throw error;
  }
}

export const ok = (body: unknown, status = 200, headers?: Record<string, string>): RestResponse => ({
  status,
  body,
  headers,
});
