// The connector's jobs. Every job loads its connection afresh (its settings or tokens may have
// changed) and ends quietly for a connection that is gone or not active. A session Salesforce
// refuses even after a refresh puts the connection in error ("re-authorize") instead of
// retrying; the daily API allowance (at its limit, or Tandem's reserve) reschedules the job
// after a wait instead of burning attempts. Other failures throw: the job retries with backoff;
// the last attempt logs an Exception (and a contact write's failure is shown on its link).
import { IntegrationError } from '../../core/errors.ts';
import { updateConnection } from '../../db/connections.ts';
import { findLink, patchLink } from '../../db/links.ts';
import type { JobPayloads, TaskContext, TaskHandler, TaskHandlers } from '../../jobs/types.ts';
import { loadConnection, type LoadedConnection, type SalesforceDeps } from './connection.ts';
import { applyContact } from './inbound-contact.ts';
import { pollChanges } from './inbound-poll.ts';
import { pushContact } from './outbound-contact.ts';
import { createContactForNewPatient } from './outbound-new-patient.ts';
import { runBatch } from './batch.ts';
import { sfLog } from './log.ts';
import { activePause, pauseAtAllowance } from './allowance.ts';
import { enqueueDueReconciles, reconcileConnection } from './reconcile.ts';

interface ConnectionJob {
  practiceId: string;
  connectionId: string;
}

declare module '../../jobs/types.ts' {
  interface JobPayloads {
    'salesforce:apply-contact': ConnectionJob & { contactId: string; deleted: boolean };
    'salesforce:push-contact': ConnectionJob & { patientId: string };
    'salesforce:new-patient': ConnectionJob & { patientId: string };
    'salesforce:poll': ConnectionJob;
    'salesforce:reconcile': ConnectionJob;
    /** The cron sweep: a reconcile job for every connection due. */
    'salesforce:reconcile-sweep': Record<string, never>;
    'salesforce:batch': ConnectionJob & { batchId: string };
  }
}

type Name =
  | 'salesforce:apply-contact'
  | 'salesforce:push-contact'
  | 'salesforce:new-patient'
  | 'salesforce:poll'
  | 'salesforce:reconcile'
  | 'salesforce:batch';

const LIMIT_CODES = new Set(['REQUEST_LIMIT_EXCEEDED', 'API_ALLOWANCE_RESERVED']);

function forConnection<N extends Name>(
  deps: SalesforceDeps,
  name: N,
  handler: (payload: JobPayloads[N], loaded: LoadedConnection, ctx: TaskContext) => Promise<unknown>,
): TaskHandler<N> {
  return async (payload, ctx) => {
    // A connection that is gone or not active throws ConnectionGone: the runner ends the job quietly.
    const loaded = await loadConnection(deps, payload.practiceId, payload.connectionId);
    // Paused at the org's API allowance: wait with the rest, without spending a call to learn it.
    const pause = activePause(loaded.connection.health);
    if (pause) return ctx.postpone(name, payload, new Date(pause.until));
    try {
      await handler(payload, loaded, ctx);
    } catch (e) {
      if (!(e instanceof IntegrationError) || e.system !== 'salesforce') throw e;
      if (e.code === 'INVALID_SESSION_ID' || e.code === 'invalid_grant') {
        await updateConnection(deps.db, payload.practiceId, payload.connectionId, {
          status: 'error',
          statusMessage: `Salesforce refused Tandem's session (${e.code}: ${e.detail ?? ''}). Reconnect the org from the console.`,
        });
        await sfLog(deps, loaded, { level: 'error', message: `Session refused: ${e.code}`, operation: name });
        return;
      }
      if (LIMIT_CODES.has(e.code)) {
        ctx.logger.warn(
          { connectionId: payload.connectionId, code: e.code },
          'salesforce API allowance: job postponed',
        );
        const until = new Date(Date.now() + (e.retryAfterMs ?? 15 * 60_000));
        await pauseAtAllowance(deps, loaded.connection, {
          code: e.code,
          detail: e.detail ?? null,
          until: until.toISOString(),
        });
        // The same job later, in its own queue: a batch stays serialized with the connection's
        // other batches, a contact's jobs stay in order.
        return ctx.postpone(name, payload, until);
      }
      if (!e.retryable || ctx.attempt >= ctx.maxAttempts) {
        // The records concerned, so the Exception is found with them (and its mirror row too).
        const record = payload as { patientId?: string; contactId?: string };
        const contactId =
          name === 'salesforce:push-contact' && record.patientId
            ? await markPushFailed(deps, loaded, record.patientId, e)
            : record.contactId;
        await sfLog(deps, loaded, {
          level: 'exception',
          message: `${name} failed: ${e.code}`,
          operation: name,
          patientId: record.patientId ?? null,
          contactId: contactId ?? null,
          details: exceptionDetails(e, ctx),
        });
      }
      throw e;
    }
  };
}

/**
 * What an Exception row carries (Details__c when mirrored): the code, status, path, attempts and
 * the stack's frames — not Salesforce's message, which can quote a record's values.
 */
export function exceptionDetails(e: IntegrationError, ctx: Pick<TaskContext, 'attempt' | 'maxAttempts'>): string {
  const frames = (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  return [
    `${e.name} ${e.code} (HTTP ${e.status}) on ${e.path ?? '?'}; attempt ${ctx.attempt} of ${ctx.maxAttempts}; ${e.retryable ? 'retryable' : 'not retryable'}`,
    ...frames,
  ].join('\n');
}

/**
 * A contact write that failed for good shows on the link (the patient's next change tries
 * again); returns the linked contact's id.
 */
async function markPushFailed(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
  patientId: string,
  e: IntegrationError,
): Promise<string | undefined> {
  const { connection } = loaded;
  const link = await findLink(deps.db, connection.practiceId, connection.id, 'patient', { localId: patientId });
  if (!link?.remoteId) return undefined;
  await patchLink(deps.db, link.practiceId, link.id, {
    status: 'errored',
    errorMessage: `Salesforce kept failing the update: ${e.code}: ${e.detail ?? ''}`.trim(),
  });
  return link.remoteId;
}

export function connectorTasks(deps: SalesforceDeps): TaskHandlers {
  return {
    'salesforce:apply-contact': forConnection(deps, 'salesforce:apply-contact', (p, loaded) =>
      applyContact(deps, loaded, p.contactId, p.deleted),
    ),
    'salesforce:push-contact': forConnection(deps, 'salesforce:push-contact', (p, loaded) =>
      pushContact(deps, loaded, p.patientId),
    ),
    'salesforce:new-patient': forConnection(deps, 'salesforce:new-patient', (p, loaded, ctx) =>
      createContactForNewPatient(deps, loaded, p.patientId, ctx),
    ),
    'salesforce:poll': forConnection(deps, 'salesforce:poll', (_p, loaded) => pollChanges(deps, loaded)),
    'salesforce:batch': forConnection(deps, 'salesforce:batch', (p, loaded) => runBatch(deps, loaded, p.batchId)),
    'salesforce:reconcile': forConnection(deps, 'salesforce:reconcile', (_p, loaded) =>
      reconcileConnection(deps, loaded),
    ),
    'salesforce:reconcile-sweep': () => enqueueDueReconciles(deps),
  };
}
