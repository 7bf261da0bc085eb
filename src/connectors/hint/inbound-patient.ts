// Hint → Tandem for one patient, whatever brought it (webhook, reconciliation, initial sync,
// the answer to our own write): find or make the link, drop stale and echoed versions, merge
// field by field into the canonical patient, refresh what staff see.
import { findLink, lockLink, upsertLink, type Link, type StoredLink } from '../../db/links.ts';
import { patients } from '../../db/records/kinds.ts';
import { getRecord, updateRecord, type Json } from '../../db/records/repository.ts';
import { enqueue, type JobToAdd } from '../../jobs/queue.ts';
import { NotFoundError, ConflictError } from '../../core/errors.ts';
import { getPatient } from './client-endpoints.ts';
import { markErrored } from './outbound-errors.ts';
import { linkUnlinkedPatient, writeBackIds, type LinkOutcome } from './inbound-patient-link.ts';
import {
  canonicalPatch,
  canonicalWire,
  decodeWire,
  staffFacts,
  type PractitionerResolver,
  type Wire,
} from './mapping.ts';
import { inTransaction, type Tx } from '../../db/pool.ts';
import { hintValues, keyOf, snapshotOf, stateOf } from './inbound-patient-values.ts';
import { hashValues, mergeInbound } from './mapping-merge.ts';
import { resolverForHintPatient } from './mapping-resolver.ts';
import { idsMissingIn, writeContext, type LoadedConnection, type HintDeps } from './connection.ts';
import type { FieldRule } from './mapping-fields.ts';
import type { HintPatient } from './schemas.ts';
import { readSnapshot, saveLinkStateIn, type NameEcho } from './store.ts';
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
  // A merge that finds the link or the patient changed since it read them starts again from
  // the top: against the newer state, this version may be stale, or already known.
  for (let attempt = 1; ; attempt++) {
    try {
      return await absorbOnce(deps, loaded, given, options);
    } catch (error) {
      if (!(error instanceof MergeRace) || attempt >= 5) throw error;
    }
  }
}

async function absorbOnce(
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
    if (outcome.created) {
      // Created from this version. Hint's answer to the id write-back is its record as it is now:
      // newer when a later event was handled first (it went to review, or a retried job ran
      // behind it), and that later version would otherwise never be merged.
      const now = outcome.remote;
      return now && time(now.updated_at) > time(p.updated_at)
        ? absorbPatient(deps, loaded, now, { ...options, source: 'write' })
        : 'merged';
    }
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
  return mergeIntoCanonical(deps, loaded, link, p, incoming, facts);
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

/** The link or the canonical patient changed between reading and merging them. */
class MergeRace extends Error {
  constructor() {
    super('Hint link or canonical patient changed during merge');
  }
}

/** Whether the locked link still holds the state the merge was decided on. */
const sameLinkState = (a: StoredLink, b: Link) =>
  a.remoteId === b.remoteId &&
  a.localId === b.localId &&
  a.remoteVersion === b.remoteVersion &&
  a.readHash === b.readHash &&
  a.writtenHash === b.writtenHash &&
  a.status === b.status;

/**
 * One Hint version into the canonical patient. The merge (read, decide, write the patient and
 * the link's new base) is one transaction holding the link's row lock, so two versions of one
 * Hint record never merge at once: the per-record job queue orders webhooks, but reconciliation,
 * the initial sync and the answers to our own writes reach here from other jobs and processes.
 * Without the lock an older version could merge against a base a newer one had just replaced,
 * win as "Tandem's change", and be pushed over Hint's newer record (the chaos suite found it).
 */
async function mergeIntoCanonical(
  deps: HintDeps,
  loaded: LoadedConnection,
  link: Link,
  p: HintPatient,
  incoming: Map<FieldRule, Wire>,
  facts: Json,
): Promise<AbsorbResult> {
  const { db } = deps;
  let before: Json;
  try {
    before = await getRecord(db, loaded.connection.practiceId, patients, link.localId);
  } catch (error) {
    if (error instanceof NotFoundError) return 'unchanged'; // deleted in Tandem: Hint keeps its record
    throw error;
  }
  // Before the transaction: a practitioner new to us is read from Hint.
  const resolver = await resolverForHintPatient(deps, loaded, [before.practitionerId], p.practitioner?.id);
  const written = await inTransaction(db, (tx) =>
    mergeLocked(tx, { db, loaded, link, p, incoming, facts, before, resolver }),
  );
  if (written === 'gone') return 'unchanged';
  // After the facts are saved, so a spoke reading them for the event sees the new ones.
  if (sharedFactsChanged(link.remoteData, facts)) await announceFactsChange(db, loaded.connection, link.localId);
  if (written.refused) {
    await markErrored(
      deps,
      loaded,
      { link, localId: link.localId, remoteId: p.id, hintShows: p.integration_error_message ?? null },
      written.refused,
    );
    return 'errored';
  }
  // Ids and web link on the Hint record, and a cleared error once the record syncs again.
  await writeBackIds(deps, loaded, p, link.localId);
  if (written.needsPush) await enqueuePush(db, loaded.connection, link.localId, link.remoteId);
  return 'merged';
}

interface MergeInput {
  db: HintDeps['db'];
  loaded: LoadedConnection;
  link: Link;
  p: HintPatient;
  incoming: Map<FieldRule, Wire>;
  facts: Json;
  /** The patient as read before the transaction (the resolver was built for its practitioner). */
  before: Json;
  resolver: PractitionerResolver;
}

async function mergeLocked(
  tx: Tx,
  { db, loaded, link, p, incoming, facts, before, resolver }: MergeInput,
): Promise<'gone' | { refused: string | null; needsPush: boolean }> {
  const practiceId = loaded.connection.practiceId;
  const locked = await lockLink(tx, link.id);
  if (!locked || !sameLinkState(locked, link)) throw new MergeRace();
  let canonical: Json;
  try {
    canonical = await getRecord(tx, practiceId, patients, link.localId);
  } catch (error) {
    if (error instanceof NotFoundError) return 'gone';
    throw error;
  }
  if (canonical.version !== before.version) throw new MergeRace();
  const rules = loaded.settings.fieldMapping;
  const tandem = new Map(rules.map((r) => [r, canonicalWire(r, canonical, resolver)]));
  const snapshotBefore = await readSnapshot(tx, link.id);
  const merge = mergeInbound({
    rules,
    snapshot: snapshotBefore,
    hint: incoming,
    tandem,
    policy: loaded.settings.conflictPolicy,
    hintIsNewer: time(p.updated_at) >= time(String(canonical.updatedAt)),
  });
  // A field whose value is not taken keeps its old base, so it still counts as changed in Hint.
  const keepBase = (rule: FieldRule) => {
    if (snapshotBefore && rule.hint in snapshotBefore) merge.snapshot[rule.hint] = snapshotBefore[rule.hint]!;
    else delete merge.snapshot[rule.hint];
  };
  let refused: string | null = null;
  if (merge.toTandem.size > 0) {
    const decoded = new Map([...merge.toTandem].map(([r, w]) => [r, decodeWire(r, w, resolver)]));
    // A value with no Tandem equivalent yet (an unknown practitioner): retried next time.
    for (const [rule, value] of decoded) if (value === undefined) keepBase(rule);
    const checked = await checkPatientFields(tx, practiceId, canonicalPatch(decoded, canonical), 'patch');
    if (checked.refused.length > 0) {
      refused = checked.reason;
      // Refused fields: counted as changed in Hint until fixed there.
      for (const rule of rules) if (checked.refused.includes(rule.canonical.split('.')[0]!)) keepBase(rule);
    }
    if (checked.value && Object.keys(checked.value).length > 0) {
      const ctx = writeContext(loaded.connection);
      // Another writer of the patient (the API) since it was read: merge again against its version.
      await updateRecord(db, ctx, patients, link.localId, checked.value, Number(canonical.version), tx).catch(
        (error: unknown) => {
          throw error instanceof ConflictError ? new MergeRace() : error;
        },
      );
    }
  }
  const state = {
    status: refused ? ('errored' as const) : ('synced' as const),
    errorMessage: refused,
    readHash: hashValues(merge.snapshot),
    remoteVersion: p.updated_at ?? null,
    remoteData: facts,
    remoteState: stateOf(p),
    synced: !refused,
  };
  await saveLinkStateIn(tx, keyOf(loaded, link), state, merge.snapshot);
  return { refused, needsPush: merge.needsPush };
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
