// Prefetches the practitioner links one patient needs, so mapping stays pure.
import { linkedPairs } from '../../db/links.ts';
import type { Queryable } from '../../db/pool.ts';
import type { PractitionerResolver } from './mapping.ts';
import type { LoadedConnection, HintDeps } from './connection.ts';
import { getPractitioner } from './client-endpoints.ts';
import { absorbPractitioner } from './outbound-practitioner.ts';

export async function practitionerResolver(
  db: Queryable,
  loaded: LoadedConnection,
  localIds: unknown[],
  hintIds: unknown[],
): Promise<PractitionerResolver> {
  const locals = localIds.filter((v): v is string => typeof v === 'string');
  const remotes = hintIds.filter((v): v is string => typeof v === 'string');
  const byLocal = new Map<string, string>();
  const byRemote = new Map<string, string>();
  if (locals.length + remotes.length > 0) {
    const pairs = await linkedPairs(db, loaded.connection.practiceId, loaded.connection.id, 'practitioner', {
      localIds: locals,
      remoteIds: remotes,
    });
    for (const { localId, remoteId } of pairs) {
      byLocal.set(localId, remoteId);
      byRemote.set(remoteId, localId);
    }
  }
  return { hintIdOf: (id) => byLocal.get(id), localIdOf: (id) => byRemote.get(id) };
}

/** As practitionerResolver, first linking (or creating) the Hint practitioner a patient names, when new to us. */
export async function resolverForHintPatient(
  deps: HintDeps,
  loaded: LoadedConnection,
  localIds: unknown[],
  hintPractitionerId: string | null | undefined,
): Promise<PractitionerResolver> {
  const resolver = await practitionerResolver(deps.db, loaded, localIds, [hintPractitionerId]);
  if (!hintPractitionerId || resolver.localIdOf(hintPractitionerId)) return resolver;
  const practitioner = await getPractitioner(deps, loaded, hintPractitionerId);
  if (practitioner) await absorbPractitioner(deps, loaded, practitioner);
  return practitionerResolver(deps.db, loaded, localIds, [hintPractitionerId]);
}
