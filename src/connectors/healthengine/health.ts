// Health as Tandem watches it, per connection: the age of the oldest request Healthengine still
// lists (resolved means gone from its queue, not answered by us), the requests answered yet
// still listed (ignored or refused), Healthengine's log of failed webhook deliveries, and the
// last successful poll, shown on the connection (GET /api/v1/healthengine/connections/:id →
// health). A request older than 2 minutes — far inside Healthengine's 10-minute rule — or a
// refused answer raises the alert state and logs an error, once.
import { updateConnection } from '../../db/connections.ts';
import { writeLog } from '../../db/logs.ts';
import type { ConnectorDeps } from '../types.ts';
import { clientFor, type LoadedConnection } from './connection.ts';
import { HealthengineError } from './client.ts';
import { answeredYetListed, getState, oldestOpenRequest, setState, type AnsweredYetListed } from './store.ts';

export const ALERT_AFTER_SECONDS = 120;

export interface HealthFigures {
  lastSuccessfulPollAt: string | null;
  oldestUnresolvedRequest: { type: string; firstSeenAt: string; ageSeconds: number } | null;
  /** Requests Tandem answered that Healthengine still lists (ignored, or refused: `error`). */
  answeredYetListed: AnsweredYetListed[];
  /** Healthengine's own log of webhook deliveries to Tandem that failed (GET /subscriptionErrorLog), last 24 h. */
  webhookDeliveryFailures: WebhookFailures | null;
  alert: boolean;
  alertMessage: string | null;
  checkedAt: string;
}

export interface WebhookFailures {
  count: number;
  lastAt: string | null;
  lastError: string | null;
  /** Set when the log could not be read (Healthengine unreachable): the figures are unknown, not zero. */
  unreadable?: string;
}

const DAY_MS = 86_400_000;

/** Healthengine's log of failed deliveries to our webhook; null without a subscription. */
async function webhookFailures(
  deps: ConnectorDeps,
  loaded: LoadedConnection,
  subscriptionId: string | null,
  now: number,
): Promise<WebhookFailures | null> {
  if (!subscriptionId) return null;
  try {
    const errors = await clientFor(deps, loaded.credentials).subscriptionErrors(subscriptionId, new Date(now - DAY_MS));
    const last = errors.at(-1);
    const lastError = last ? [last.errorType, last.errorMessage].filter(Boolean).join(': ').slice(0, 300) : null;
    return { count: errors.length, lastAt: last?.timestamp ?? null, lastError: lastError || null };
  } catch (e) {
    // Only Healthengine's own failure is expected: health still reports the rest, and says the log is unknown.
    if (!(e instanceof HealthengineError)) throw e;
    return { count: 0, lastAt: null, lastError: null, unreadable: e.message.slice(0, 200) };
  }
}

/** The alert's words: a refused answer at once (Tandem cannot resolve it), else a request older than 2 minutes. */
function alertOf(
  oldest: { type: string } | undefined,
  ageSeconds: number,
  listed: AnsweredYetListed[],
): { alert: boolean; message: string | null } {
  const refused = listed.find((r) => r.error);
  if (refused)
    return {
      alert: true,
      message: `Healthengine refused Tandem's answer (${refused.answeredWith}) to a ${refused.type} request and still lists it: ${refused.error}. Tandem cannot resolve it; ask Healthengine support to clear it. See docs/healthengine.md#troubleshooting.`,
    };
  if (oldest !== undefined && ageSeconds > ALERT_AFTER_SECONDS)
    return {
      alert: true,
      message: `A Healthengine ${oldest.type} request has been unresolved for ${ageSeconds} s (alert after ${ALERT_AFTER_SECONDS} s; Healthengine hides the practice's appointments after 10 minutes). See docs/healthengine.md#troubleshooting.`,
    };
  return { alert: false, message: null };
}

export async function refreshHealth(
  deps: ConnectorDeps,
  loaded: LoadedConnection,
  now = Date.now(),
): Promise<HealthFigures> {
  const { connection } = loaded;
  const [state, oldest, listed] = await Promise.all([
    getState(deps.db, connection.id),
    oldestOpenRequest(deps.db, connection.id),
    answeredYetListed(deps.db, connection.id),
  ]);
  const ageSeconds = oldest ? Math.max(0, Math.floor((now - Date.parse(oldest.firstSeenAt)) / 1000)) : 0;
  const { alert, message: alertMessage } = alertOf(oldest, ageSeconds, listed);
  if (alert && !state.alertSince) {
    await setState(deps.db, connection.practiceId, connection.id, { alertSince: new Date(now).toISOString() });
    await writeLog(deps.db, connection.practiceId, {
      level: 'error',
      message: alertMessage!,
      connectionId: connection.id,
      context: oldest ? { requestType: oldest.type, requestKey: oldest.key } : {},
    });
    deps.logger.error(
      { connectionId: connection.id, requestType: oldest?.type, ageSeconds },
      'healthengine request unresolved (refused, or for over 2 minutes)',
    );
  } else if (!alert && state.alertSince) {
    await setState(deps.db, connection.practiceId, connection.id, { alertSince: null });
    await writeLog(deps.db, connection.practiceId, {
      level: 'debug',
      message: 'Healthengine requests are being resolved again; alert cleared',
      connectionId: connection.id,
    });
  }
  const figures: HealthFigures = {
    lastSuccessfulPollAt: state.lastPollAt,
    oldestUnresolvedRequest: oldest ? { type: oldest.type, firstSeenAt: oldest.firstSeenAt, ageSeconds } : null,
    answeredYetListed: listed,
    webhookDeliveryFailures: await webhookFailures(deps, loaded, state.subscriptionId, now),
    alert,
    alertMessage,
    checkedAt: new Date(now).toISOString(),
  };
  await updateConnection(deps.db, connection.practiceId, connection.id, { health: { ...figures } });
  return figures;
}
