// Moves ids a practice stored in Hint's deprecated import_id / external_link_id into
// integration_record_id (Hint's supported field, unique per partner and object type), for
// patients not linked in Tandem yet; a legacy id that is a Tandem patient id then links that
// patient on the next initial sync or reconciliation.
// Reads the legacy fields, never writes them: the client refuses to send them at all.
import { anyLink } from '../../db/links.ts';
import { writeLog } from '../../db/logs.ts';
import { listPatients, patchPatient } from './client-endpoints.ts';
import { HintApiError } from './client.ts';
import type { LoadedConnection, HintDeps } from './connection.ts';

export interface LegacyMigration {
  scanned: number;
  moved: number;
  alreadySet: number;
  conflicts: number;
  withoutLegacyId: number;
}

async function isLinked(deps: HintDeps, loaded: LoadedConnection, hintId: string): Promise<boolean> {
  return anyLink(deps.db, loaded.connection.practiceId, loaded.connection.id, 'patient', { remoteId: hintId });
}

export async function migrateLegacyIds(
  deps: HintDeps,
  loaded: LoadedConnection,
  options: { dryRun?: boolean } = {},
): Promise<LegacyMigration> {
  const result: LegacyMigration = { scanned: 0, moved: 0, alreadySet: 0, conflicts: 0, withoutLegacyId: 0 };
  for (let offset = 0; ; offset += 100) {
    const page = await listPatients(deps, loaded, { limit: 100, offset, sort: 'created_at', filter: 'all' });
    for (const p of page.items) {
      result.scanned += 1;
      const legacy = p.import_id?.trim() || p.external_link_id?.trim();
      if (!legacy) {
        result.withoutLegacyId += 1;
        continue;
      }
      // A patient linked in Tandem carries Tandem's id there already (or will, on its next sync).
      if (p.integration_record_id || (await isLinked(deps, loaded, p.id))) {
        result.alreadySet += 1;
        continue;
      }
      if (options.dryRun) {
        result.moved += 1;
        continue;
      }
      try {
        await patchPatient(deps, loaded, p.id, { integration_record_id: legacy }, p);
        result.moved += 1;
      } catch (error) {
        // Another patient already holds that id (Hint refuses duplicates with 422).
        if (!(error instanceof HintApiError) || error.retryable) throw error;
        result.conflicts += 1;
        await writeLog(deps.db, loaded.connection.practiceId, {
          level: 'error',
          message: `legacy id not moved: ${error.hintMessage}`,
          connectionId: loaded.connection.id,
          context: { hintId: p.id },
        });
      }
    }
    if (page.items.length < 100) break;
  }
  await writeLog(deps.db, loaded.connection.practiceId, {
    level: 'debug',
    message: 'Hint legacy ids migrated',
    connectionId: loaded.connection.id,
    context: { ...result, dryRun: options.dryRun ?? false },
  });
  return result;
}
