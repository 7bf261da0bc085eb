// Health as Tandem watches it, per connection: the age of the oldest unresolved Healthengine
// request and the time of the last successful poll, shown on the connection (GET
// /api/v1/connections/:id → health). A request older than 2 minutes — far inside
// Healthengine's 10-minute rule — raises the alert state and logs an error, once.
import { updateConnection } from '../../db/connections.ts';
import { writeLog } from '../../db/logs.ts';
import type { ConnectorDeps } from '../types.ts';
import type { LoadedConnection } from './connection.ts';
import { getState, oldestOpenRequest, setState } from './store.ts';

export const ALERT_AFTER_SECONDS = 120;

export interface HealthFigures {
  lastSuccessfulPollAt: string | null;
  oldestUnresolvedRequest: { type: string; firstSeenAt: string; ageSeconds: number } | null;
  alert: boolean;
  alertMessage: string | null;
  checkedAt: string;
}

export async function refreshHealth(
  deps: ConnectorDeps,
  loaded: LoadedConnection,
  now = Date.now(),
): Promise<HealthFigures> {
  const { connection } = loaded;
  const [state, oldest] = await Promise.all([
    getState(deps.db, connection.id),
    oldestOpenRequest(deps.db, connection.id),
  ]);
  const ageSeconds = oldest ? Math.max(0, Math.floor((now - Date.parse(oldest.firstSeenAt)) / 1000)) : 0;
  const alert = oldest !== undefined && ageSeconds > ALERT_AFTER_SECONDS;
  const alertMessage = alert
    ? `A Healthengine ${oldest.type} request has been unresolved for ${ageSeconds} s (alert after ${ALERT_AFTER_SECONDS} s; Healthengine hides the practice's appointments after 10 minutes). See docs/healthengine.md#troubleshooting.`
    : null;
  if (alert && !state.alertSince) {
    await setState(deps.db, connection.practiceId, connection.id, { alertSince: new Date(now).toISOString() });
    await writeLog(deps.db, connection.practiceId, {
      level: 'error',
      message: alertMessage!,
      connectionId: connection.id,
      context: { requestType: oldest.type, requestKey: oldest.key },
    });
    deps.logger.error(
      { connectionId: connection.id, requestType: oldest.type, ageSeconds },
      'healthengine request unresolved for over 2 minutes',
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
    alert,
    alertMessage,
    checkedAt: new Date(now).toISOString(),
  };
  await updateConnection(deps.db, connection.practiceId, connection.id, { health: { ...figures } });
  return figures;
}
