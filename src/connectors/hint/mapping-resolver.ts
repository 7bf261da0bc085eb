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
  if (locals.length + remotes.length === 0) return resolverOf([]);
  return resolverOf(
    await linkedPairs(db, loaded.connection.practiceId, loaded.connection.id, 'practitioner', {
      localIds: locals,
      remoteIds: remotes,
    }),
  );
}

/**
 * A resolver over practitioner links already read (a push reads its one beside the patient).
 * A link without a Hint id (a create Hint refused) resolves like no link: unknown, not "none".
 */
export function resolverOf(pairs: { localId: string; remoteId: string | null }[]): PractitionerResolver {
  const byLocal = new Map<string, string>();
  const byRemote = new Map<string, string>();
  for (const { localId, remoteId } of pairs) {
    if (remoteId === null) continue;
    byLocal.set(localId, remoteId);
    byRemote.set(remoteId, localId);
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
