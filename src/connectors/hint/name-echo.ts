// Hint's patient PATCH must carry first_name and last_name, so a write of other fields sends
// the names Hint held when we read it just before (outbound-patient.ts). A rename made in Hint
// between that read and our write is overwritten by the echo, and its webhook then arrives
// older than the version we know: dropped as stale, the rename would be lost on both sides.
// Such a webhook is recognised by the echo kept on the link, and the rename replayed in Hint.
import { writeLog } from '../../db/logs.ts';
import type { Link } from '../../db/links.ts';
import { getPatient, patchPatient } from './client-endpoints.ts';
import type { HintDeps, LoadedConnection } from './connection.ts';
import type { HintPatient } from './schemas.ts';
import { readNameEcho, replaceNameEcho, type NameEcho } from './store.ts';

const time = (s: string | null | undefined) => (s ? Date.parse(s) : Number.NaN);

const sameNames = (a: Pick<HintPatient, 'first_name' | 'last_name'>, echo: NameEcho) =>
  (a.first_name ?? null) === echo.first_name && (a.last_name ?? null) === echo.last_name;

/** Whether this version of the patient is a rename our echoed names overwrote. */
export function overwrittenByEcho(echo: NameEcho | null | undefined, p: HintPatient): boolean {
  if (!echo) return false;
  const at = time(p.updated_at);
  return at > time(echo.after) && at < time(echo.until) && !sameNames(p, echo);
}

/**
 * Replays in Hint a rename our echo overwrote, unless Hint was renamed again since (that newer
 * name stands). Returns Hint's answer, for the caller to merge like any newer Hint version.
 * After a replay the echo is narrowed to what comes after the replayed version, with the names
 * now in Hint: a later rename inside the same write's window (its webhook follows) is replayed too.
 */
export async function replayOverwrittenRename(
  deps: HintDeps,
  loaded: LoadedConnection,
  link: Link,
  p: HintPatient,
): Promise<HintPatient | undefined> {
  const echo = await readNameEcho(deps.db, link.id);
  if (!echo || !overwrittenByEcho(echo, p)) return undefined;
  const current = await getPatient(deps, loaded, p.id);
  let answer: HintPatient | undefined;
  if (current && sameNames(current, echo))
    answer = await patchPatient(deps, loaded, p.id, { first_name: p.first_name, last_name: p.last_name });
  const narrowed: NameEcho | null = answer
    ? {
        first_name: p.first_name ?? null,
        last_name: p.last_name ?? null,
        after: p.updated_at ?? null,
        until: echo.until,
      }
    : null;
  await replaceNameEcho(deps.db, link.id, narrowed);
  if (answer)
    await writeLog(deps.db, loaded.connection.practiceId, {
      level: 'debug',
      message: 'a rename made in Hint while Tandem was writing the patient was restored in Hint',
      connectionId: loaded.connection.id,
      entityKind: 'patient',
      entityId: link.localId,
    });
  return answer;
}
