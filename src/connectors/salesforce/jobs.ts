// The connector's jobs. Every job loads its connection afresh (its settings or tokens may have
// changed) and ends quietly for a connection that is gone or not active. A session Salesforce
// refuses even after a refresh puts the connection in error ("re-authorize") instead of
// retrying; the daily API allowance (at its limit, or Tandem's reserve) reschedules the job
// after a wait instead of burning attempts. Other failures throw: the job retries with backoff.
import { IntegrationError } from '../../core/errors.ts';
import { updateConnection } from '../../db/connections.ts';
import type { JobPayloads, TaskContext, TaskHandler, TaskHandlers } from '../../jobs/types.ts';
import { loadConnection, type LoadedConnection, type SalesforceDeps } from './connection.ts';
import { applyContact } from './inbound-contact.ts';
import { pollChanges } from './inbound-poll.ts';
import { pushContact } from './outbound-contact.ts';
import { createContactForNewPatient } from './outbound-new-patient.ts';
import { runBatch } from './batch.ts';
import { sfLog } from './log.ts';

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
    'salesforce:batch': ConnectionJob & { batchId: string };
  }
}

type Name =
  | 'salesforce:apply-contact'
  | 'salesforce:push-contact'
  | 'salesforce:new-patient'
  | 'salesforce:poll'
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
        return ctx.enqueue(name, payload, { runAt: new Date(Date.now() + (e.retryAfterMs ?? 15 * 60_000)) });
      }
      if (!e.retryable || ctx.attempt >= ctx.maxAttempts)
        await sfLog(deps, loaded, {
          level: 'exception',
          message: `${name} failed: ${e.code}`,
          operation: name,
          details: e.message,
        });
      throw e;
    }
  };
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
  };
}
