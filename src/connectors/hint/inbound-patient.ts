// Hint → Tandem for one patient, whatever brought it (webhook, reconciliation, initial sync,
// the answer to our own write): find or make the link, drop stale and echoed versions, merge
// field by field into the canonical patient, refresh what staff see.
import { findLink, upsertLink, type Link } from '../../db/links.ts';
import { patients } from '../../db/records/kinds.ts';
import { getRecord, updateRecord, type Json } from '../../db/records/repository.ts';
import { enqueue, type JobToAdd } from '../../jobs/queue.ts';
import { NotFoundError, ConflictError } from '../../core/errors.ts';
import { getPatient } from './client-endpoints.ts';
import { markErrored } from './outbound-errors.ts';
import { linkUnlinkedPatient, writeBackIds, type LinkOutcome } from './inbound-patient-link.ts';
import { canonicalPatch, canonicalWire, decodeWire, staffFacts, type Wire } from './mapping.ts';
import { hintValues, keyOf, snapshotOf, stateOf } from './inbound-patient-values.ts';
import { hashValues, mergeInbound } from './mapping-merge.ts';
import { resolverForHintPatient } from './mapping-resolver.ts';
import { idsMissingIn, writeContext, type LoadedConnection, type HintDeps } from './connection.ts';
import type { FieldRule } from './mapping-fields.ts';
import type { HintPatient } from './schemas.ts';
import { readSnapshot, saveLinkState, type NameEcho } from './store.ts';
import { overwrittenByEcho, replayOverwrittenRename } from './name-echo.ts';
import { checkPatientFields } from './inbound-validate.ts';
import { announceFactsChange, sharedFactsChanged } from './facts.ts';
import { jobKeys, queues } from './queues.ts';

export type AbsorbSource = 'webhook' | 'reconcile' | 'initial' | 'write' | 'review';
export type AbsorbResult = 'stale' | 'unchanged' | 'merged' | 'errored' | Exclude<LinkOutcome['kind'], 'linked'>;

export interface AbsorbOptions {
  source: AbsorbSource;
  allowCreate?: boolean;
  allowReview?: boolean;
  reread?: boolean;
}

const time = (s: string | null | undefined) => (s ? Date.parse(s) : Number.NaN);

export async function absorbPatient(
  deps: HintDeps,
  loaded: LoadedConnection,
  given: HintPatient,
  options: AbsorbOptions,
): Promise<AbsorbResult> {
  const { db } = deps;
  let p = given;
  let link = await findLink(db, loaded.connection.practiceId, loaded.connection.id, 'patient', { remoteId: p.id });
  if (!link) {
    const outcome = await linkUnlinkedPatient(deps, loaded, p, {
      create: options.allowCreate ?? loaded.settings.createInTandem,
      review: options.allowReview ?? true,
    });
    if (outcome.kind !== 'linked') return outcome.kind;
    link = outcome.link;
    if (outcome.created) return 'merged';
    // Merge Hint's answer to the id write-back: it carries our ids, so they are not written twice.
    if (outcome.remote) p = outcome.remote;
  }
  const remoteTime = time(p.updated_at);
  const knownTime = time(link.remoteVersion);
  if (remoteTime < knownTime) {
    // Older than what we know, unless it is a rename our own write overwrote (name-echo.ts).
    const replayed = await replayOverwrittenRename(deps, loaded, link, p);
    return replayed ? absorbPatient(deps, loaded, replayed, { source: 'write' }) : 'stale';
  }
  const rules = loaded.settings.fieldMapping;
  const incoming = hintValues(rules, p);
  const facts = { ...staffFacts(p) };
  if (isKnownState(link, incoming)) {
    // Our own write coming back, or a change to fields we do not map: nothing to merge.
    if (factsChanged(link, p)) {
      await upsertLink(db, keyOf(loaded, link), {
        remoteVersion: p.updated_at ?? link.remoteVersion,
        remoteData: facts,
        remoteState: stateOf(p),
      });
      if (sharedFactsChanged(link.remoteData, facts)) await announceFactsChange(db, loaded.connection, link.localId);
    }
    // A retry after the write-back of our ids failed (Hint down) lands here: write them now.
    // (A no-op when Hint already holds them; an errored link keeps its error message.)
    if (link.status !== 'errored') await writeBackIds(deps, loaded, p, link.localId);
    return 'unchanged';
  }
  if (remoteTime === knownTime && options.source === 'webhook' && !options.reread) {
    // Same timestamp, different values: the event cannot be ordered; the record itself can.
    const fresh = await getPatient(deps, loaded, p.id);
    return fresh ? absorbPatient(deps, loaded, fresh, { ...options, reread: true }) : 'stale';
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await mergeIntoCanonical(deps, loaded, link, p, incoming, facts);
    } catch (error) {
      if (!(error instanceof MergeRace) || attempt >= 5) throw error;
    }
  }
}

/** The mapped values are the ones we last wrote to Hint, or last read from it. */
function isKnownState(link: Link, incoming: Map<FieldRule, Wire>): boolean {
  const hash = hashValues(snapshotOf(incoming));
  return hash === link.writtenHash || hash === link.readHash;
}

/** What staff see (version, membership, plan, balance…, active or not) differs from the link's copy. */
function factsChanged(link: Link, p: HintPatient): boolean {
  const facts = { ...staffFacts(p) };
  return (
    (p.updated_at ?? null) !== link.remoteVersion ||
    JSON.stringify(facts) !== JSON.stringify(pick(link.remoteData, facts)) ||
    stateOf(p) !== link.remoteState
  );
}

/**
 * Whether absorbPatient would write nothing at all for this version of a linked patient: an
 * older version than the one known, or our own write coming back with nothing new for staff
 * and our ids already on it. The inbox drain settles such events without a job each.
 */
export function changesNothing(
  deps: HintDeps,
  loaded: LoadedConnection,
  link: Link,
  p: HintPatient,
  echo?: NameEcho,
): boolean {
  if (time(p.updated_at) < time(link.remoteVersion)) return !overwrittenByEcho(echo, p);
  if (!isKnownState(link, hintValues(loaded.settings.fieldMapping, p)) || factsChanged(link, p)) return false;
  return link.status === 'errored' || !idsMissingIn(deps, p, link.localId);
}

/** The canonical patient changed between reading and writing it. */
class MergeRace extends Error {
  constructor() {
    super('canonical patient changed during merge');
  }
}

async function mergeIntoCanonical(
  deps: HintDeps,
  loaded: LoadedConnection,
  link: Link,
  p: HintPatient,
  incoming: Map<FieldRule, Wire>,
  facts: Json,
): Promise<AbsorbResult> {
  const { db } = deps;
  let canonical: Json;
  try {
    canonical = await getRecord(db, loaded.connection.practiceId, patients, link.localId);
  } catch (error) {
    if (error instanceof NotFoundError) return 'unchanged'; // deleted in Tandem: Hint keeps its record
    throw error;
  }
  const rules = loaded.settings.fieldMapping;
  const resolver = await resolverForHintPatient(deps, loaded, [canonical.practitionerId], p.practitioner?.id);
  const tandem = new Map(rules.map((r) => [r, canonicalWire(r, canonical, resolver)]));
  const snapshotBefore = await readSnapshot(db, link.id);
  const merge = mergeInbound({
    rules,
    snapshot: snapshotBefore,
    hint: incoming,
    tandem,
    policy: loaded.settings.conflictPolicy,
    hintIsNewer: time(p.updated_at) >= time(String(canonical.updatedAt)),
  });
  let refused: string | null = null;
  if (merge.toTandem.size > 0) {
    const decoded = new Map([...merge.toTandem].map(([r, w]) => [r, decodeWire(r, w, resolver)]));
    // A value with no Tandem equivalent yet (an unknown practitioner) keeps its old base: retried next time.
    for (const [rule, value] of decoded) {
      if (value !== undefined) continue;
      if (snapshotBefore && rule.hint in snapshotBefore) merge.snapshot[rule.hint] = snapshotBefore[rule.hint]!;
      else delete merge.snapshot[rule.hint];
    }
    const checked = await checkPatientFields(
      db,
      loaded.connection.practiceId,
      canonicalPatch(decoded, canonical),
      'patch',
    );
    if (checked.refused.length > 0) {
      refused = checked.reason;
      // Refused fields keep their old base, so they count as changed in Hint until fixed there.
      for (const rule of rules) {
        if (!checked.refused.includes(rule.canonical.split('.')[0]!)) continue;
        if (snapshotBefore && rule.hint in snapshotBefore) merge.snapshot[rule.hint] = snapshotBefore[rule.hint]!;
        else delete merge.snapshot[rule.hint];
      }
    }
    if (checked.value && Object.keys(checked.value).length > 0) {
      try {
        await updateRecord(
          db,
          writeContext(loaded.connection),
          patients,
          link.localId,
          checked.value,
          Number(canonical.version),
        );
      } catch (error) {
        // Changed in Tandem meanwhile: merge again against the newer version.
        if (error instanceof ConflictError) throw new MergeRace();
        throw error;
      }
    }
  }
  await saveLinkState(
    db,
    keyOf(loaded, link),
    {
      status: refused ? 'errored' : 'synced',
      errorMessage: refused,
      readHash: hashValues(merge.snapshot),
      remoteVersion: p.updated_at ?? null,
      remoteData: facts,
      remoteState: stateOf(p),
      synced: !refused,
    },
    merge.snapshot,
  );
  // After the facts are saved, so a spoke reading them for the event sees the new ones.
  if (sharedFactsChanged(link.remoteData, facts)) await announceFactsChange(db, loaded.connection, link.localId);
  if (refused) {
    await markErrored(
      deps,
      loaded,
      { link, localId: link.localId, remoteId: p.id, hintShows: p.integration_error_message ?? null },
      refused,
    );
    return 'errored';
  }
  // Ids and web link on the Hint record, and a cleared error once the record syncs again.
  await writeBackIds(deps, loaded, p, link.localId);
  if (merge.needsPush) await enqueuePush(db, loaded.connection, link.localId, link.remoteId);
  return 'merged';
}

function pick(data: Json, like: Json): Json {
  return Object.fromEntries(Object.keys(like).map((k) => [k, data[k] ?? null]));
}

/** The push of one patient: ordered per Hint record, and a burst of edits coalesces (one key per patient). */
export function pushJob(
  connection: { practiceId: string; id: string },
  localId: string,
  remoteId: string | null,
): JobToAdd<'hint:push-patient'> {
  return {
    name: 'hint:push-patient',
    payload: { practiceId: connection.practiceId, connectionId: connection.id, patientId: localId },
    options: {
      queue: queues.record(connection.id, remoteId ?? localId),
      jobKey: jobKeys.pushPatient(connection.id, localId),
    },
  };
}

export async function enqueuePush(
  db: Parameters<typeof enqueue>[0],
  connection: { practiceId: string; id: string },
  localId: string,
  remoteId: string | null,
): Promise<void> {
  const job = pushJob(connection, localId, remoteId);
  await enqueue(db, job.name, job.payload, job.options);
}
