// Errors where staff look: a record that cannot sync gets its reason written on the Hint
// record (integration_error_message) and on the link in Tandem (status errored), and in the
// log. Reasons name fields and rules only, never values (no PHI).
import { upsertLink, type Link } from '../../db/links.ts';
import { writeLog } from '../../db/logs.ts';
import { patchPatient } from './client-endpoints.ts';
import { HintApiError } from './client.ts';
import type { LoadedConnection, HintDeps } from './connection.ts';

/** Hint's validation messages name fields ("Validation failed: First name can't be blank"); anything else is summarised. */
export function reasonFromHint(error: HintApiError): string {
  const message = error.hintMessage.trim();
  if (/^Validation failed: [A-Za-z0-9 ,.'_-]{1,200}$/.test(message))
    return `Hint refused the record: ${message.slice('Validation failed: '.length)}`;
  return `Hint refused the record (${error.status})`;
}

/** Hint's own words for a refusal, when they are a plain sentence (no record data); else its status. */
export function vendorReason(error: HintApiError): string {
  const message = error.hintMessage.trim();
  if (message.startsWith('Validation failed: ')) return reasonFromHint(error);
  return /^[A-Za-z0-9 ,.'_-]{1,200}$/.test(message)
    ? `Hint answered ${error.status}: ${message}`
    : reasonFromHint(error);
}

/**
 * `hintShows` is the error message the Hint record carries now, when known: if it and the link
 * already say this reason, nothing is written again (a re-sync of a record that still cannot
 * sync costs no request and no log line).
 */
export async function markErrored(
  deps: HintDeps,
  loaded: LoadedConnection,
  target: { link?: Link; localId: string; remoteId: string | null; hintShows?: string | null },
  reason: string,
): Promise<void> {
  const { db } = deps;
  const known = target.link?.status === 'errored' && target.link.errorMessage === reason;
  if (known && target.remoteId && target.hintShows === reason) return;
  if (target.remoteId) {
    await upsertLink(
      db,
      {
        practiceId: loaded.connection.practiceId,
        connectionId: loaded.connection.id,
        entityKind: 'patient',
        localId: target.localId,
        remoteId: target.remoteId,
      },
      { status: 'errored', errorMessage: reason },
    );
    // Integration fields only: Hint fires no webhook for them, so this cannot echo.
    await patchPatient(deps, loaded, target.remoteId, {
      integration_error_message: reason,
      integration_record_id: target.localId,
    }).catch((error: unknown) => {
      if (!(error instanceof HintApiError)) throw error;
    });
  }
  await writeLog(db, loaded.connection.practiceId, {
    level: 'error',
    message: `patient cannot sync with Hint: ${reason}`,
    connectionId: loaded.connection.id,
    entityKind: 'patient',
    entityId: target.localId,
    context: { hintId: target.remoteId },
  });
}
