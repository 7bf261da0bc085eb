// A Hint patient with no link yet: ours already (its integration_record_id is one of our
// patients), the matcher's certain match, a review for a person to decide, or a new canonical
// patient — per the connection's settings. Link and record are written in one transaction.
import type { MatchRecord } from '../../core/matching/index.ts';
import { anyLink, createLinkIfAbsent, findLink, upsertLink, type Link } from '../../db/links.ts';
import { writeLog } from '../../db/logs.ts';
import { createMatchReview, matchPatient } from '../../db/patient-matching.ts';
import { supersedeReviews } from '../../db/match-reviews.ts';
import { inTransaction } from '../../db/pool.ts';
import { patients } from '../../db/records/kinds.ts';
import { createRecord } from '../../db/records/repository.ts';
import { isUnlinked } from '../../db/unlinked.ts';
import { getPatient, patchPatient } from './client-endpoints.ts';
import { HintApiError } from './client.ts';
import { canonicalPatch, decodeWire, staffFacts } from './mapping.ts';
import { readsFromHint } from './mapping-fields.ts';
import { hashValues } from './mapping-merge.ts';
import { resolverForHintPatient } from './mapping-resolver.ts';
import { idsMissingIn, webLinkOf, writeContext, type LoadedConnection, type HintDeps } from './connection.ts';
import type { HintPatient } from './schemas.ts';
import { writeSnapshot } from './store.ts';
import { checkPatientFields } from './inbound-validate.ts';
import { markErrored, vendorReason } from './outbound-errors.ts';
import { hintValues, keyOf, snapshotOf, stateOf } from './inbound-patient-values.ts';
import { isUuid } from '../../core/ids.ts';

export type LinkOutcome =
  /** `remote`: the Hint record as Hint answered our id write-back, when one was made. */
  { kind: 'linked'; link: Link; created: boolean; remote?: HintPatient } | { kind: 'review' } | { kind: 'skipped' };

export function matchRecordOf(p: HintPatient): MatchRecord {
  return {
    id: p.id,
    firstName: p.first_name,
    middleName: p.middle_name,
    lastName: p.last_name,
    preferredName: p.chosen_first_name,
    dob: p.dob,
    sex: p.sex,
    email: p.email,
    phones: (p.phones ?? []).map((x) => x.number),
    addressLine1: p.address_line1,
    city: p.address_city,
    state: p.address_state,
    postcode: p.address_zip,
    country: 'US',
    integrationRecordId: p.integration_record_id,
  };
}

/** A local patient this Hint patient points at, that no other Hint patient is linked to yet. */
async function claimedPatient(deps: HintDeps, loaded: LoadedConnection, p: HintPatient): Promise<string | undefined> {
  const id = p.integration_record_id;
  if (!id || !isUuid(id)) return undefined;
  return (await isUnlinked(deps.db, patients, loaded.connection.practiceId, loaded.connection.id, id)) ? id : undefined;
}

async function alreadyLinked(deps: HintDeps, loaded: LoadedConnection, localId: string): Promise<boolean> {
  return anyLink(deps.db, loaded.connection.practiceId, loaded.connection.id, 'patient', { localId });
}

export interface LinkPolicy {
  create: boolean;
  review: boolean;
  /** Reserves a local patient for this record within a concurrent run; false: another record has it. */
  claim?: (localId: string) => boolean;
}

export async function linkUnlinkedPatient(
  deps: HintDeps,
  loaded: LoadedConnection,
  p: HintPatient,
  policy: LinkPolicy,
): Promise<LinkOutcome> {
  const claim = policy.claim ?? (() => true);
  const claimed = await claimedPatient(deps, loaded, p);
  if (claimed && claim(claimed)) {
    const linked = await linkTo(deps, loaded, p, claimed);
    if (linked) return { kind: 'linked', ...linked, created: false };
  }
  const result = await matchPatient(deps.db, loaded.connection.practiceId, matchRecordOf(p), {
    region: 'US',
    precision: loaded.settings.matchPrecision,
  });
  switch (result.kind) {
    case 'match': {
      const linked =
        !(await alreadyLinked(deps, loaded, result.id)) && claim(result.id)
          ? await linkTo(deps, loaded, p, result.id)
          : undefined;
      if (linked) return { kind: 'linked', ...linked, created: false };
      return review(deps, loaded, p, [{ id: result.id, score: result.score, explanation: result.explanation }], policy);
    }
    case 'review':
      return review(deps, loaded, p, result.candidates, policy);
    case 'new':
      return policy.create ? createFromHint(deps, loaded, p) : { kind: 'skipped' };
    default: {
      const _never: never = result;
      return _never;
    }
  }
}

async function review(
  deps: HintDeps,
  loaded: LoadedConnection,
  p: HintPatient,
  candidates: Parameters<typeof createMatchReview>[1]['candidates'],
  policy: { review: boolean },
): Promise<LinkOutcome> {
  if (!policy.review) return { kind: 'skipped' };
  const id = await createMatchReview(deps.db, {
    practiceId: loaded.connection.practiceId,
    connectionId: loaded.connection.id,
    entityKind: 'patient',
    remoteId: p.id,
    incoming: matchRecordOf(p),
    candidates,
  });
  await writeLog(deps.db, loaded.connection.practiceId, {
    level: 'debug',
    message: 'uncertain match sent to review',
    connectionId: loaded.connection.id,
    entityKind: 'patient',
    context: { hintId: p.id, reviewId: id },
  });
  return { kind: 'review' };
}

/**
 * Links the pair unless either side got linked meanwhile (a concurrent record, a webhook):
 * the insert takes the link only when both unique keys are free, so a race ends in
 * "taken" (undefined), never in a stolen link or a crash.
 */
async function linkTo(
  deps: HintDeps,
  loaded: LoadedConnection,
  p: HintPatient,
  localId: string,
): Promise<{ link: Link; remote?: HintPatient } | undefined> {
  const key = keyOf(loaded, { localId, remoteId: p.id });
  if (!(await createLinkIfAbsent(deps.db, key, 'unsynced'))) return undefined;
  await supersedeReviews(deps.db, { ...key, remoteId: p.id });
  const link = await upsertLink(deps.db, key, {
    status: 'unsynced',
    remoteData: { ...staffFacts(p) },
    remoteState: stateOf(p),
  });
  return { link, remote: await writeBackIds(deps, loaded, p, localId) };
}

/**
 * integration_record_id and integration_web_link on the Hint record (integration fields: no
 * webhook, no echo). Returns Hint's current record (its answer when it wrote), so a merge that
 * follows sees the ids there and does not write them a second time.
 *
 * Hint wants the names on every update, and `p` may be older than Hint's record (a webhook
 * delivered late or out of order, a retried job): its names would undo a rename made since, and
 * that rename's own event would then be stale. So the names come from Hint itself, read just
 * before the write (the chaos suite found this: bench/chaos.ts).
 */
export async function writeBackIds(
  deps: HintDeps,
  loaded: LoadedConnection,
  p: HintPatient,
  localId: string,
): Promise<HintPatient | undefined> {
  if (!idsMissingIn(deps, p, localId)) return undefined;
  try {
    const current = await getPatient(deps, loaded, p.id);
    if (current && !idsMissingIn(deps, current, localId)) return current;
    return await patchPatient(
      deps,
      loaded,
      p.id,
      {
        integration_record_id: localId,
        integration_web_link: webLinkOf(deps, localId),
        integration_error_message: null,
      },
      current,
    );
  } catch (error) {
    // An answer no retry can change (Hint does not know this patient, or refuses the write): the
    // link shows Hint's reason, and the error goes on to fail the job at once (not retryable).
    if (error instanceof HintApiError && !error.retryable) {
      const link = await findLink(deps.db, loaded.connection.practiceId, loaded.connection.id, 'patient', { localId });
      await markErrored(deps, loaded, { link, localId, remoteId: p.id }, vendorReason(error));
    }
    throw error;
  }
}

export async function createFromHint(deps: HintDeps, loaded: LoadedConnection, p: HintPatient): Promise<LinkOutcome> {
  const { db } = deps;
  const rules = loaded.settings.fieldMapping.filter((r) => readsFromHint(r.direction));
  const incoming = hintValues(rules, p);
  const resolver = await resolverForHintPatient(deps, loaded, [], p.practitioner?.id);
  const input = canonicalPatch(new Map([...incoming].map(([r, w]) => [r, decodeWire(r, w, resolver)])), {});
  const checked = await checkPatientFields(db, loaded.connection.practiceId, input, 'create');
  if (!checked.value) {
    // No Tandem record to link: the reason goes onto the Hint record and into the log.
    // Best effort: the log line below says it either way; a failure other than Hint's answer is thrown.
    await patchPatient(deps, loaded, p.id, { integration_error_message: checked.reason }).catch((error: unknown) => {
      if (!(error instanceof HintApiError)) throw error;
    });
    await writeLog(db, loaded.connection.practiceId, {
      level: 'error',
      message: `Hint patient not created in Tandem: ${checked.reason}`,
      connectionId: loaded.connection.id,
      entityKind: 'patient',
      context: { hintId: p.id },
    });
    return { kind: 'skipped' };
  }
  const value = checked.value;
  const snapshot = snapshotOf(hintValues(loaded.settings.fieldMapping, p));
  // Refused fields stay out of the base: they count as changed in Hint until fixed there.
  for (const rule of loaded.settings.fieldMapping)
    if (checked.refused.includes(rule.canonical.split('.')[0]!)) delete snapshot[rule.hint];
  const link = await inTransaction(db, async (tx) => {
    const created = await createRecord(db, writeContext(loaded.connection), patients, value, tx);
    const linked = await upsertLink(tx, keyOf(loaded, { localId: String(created.id), remoteId: p.id }), {
      status: checked.reason ? 'errored' : 'synced',
      errorMessage: checked.reason,
      readHash: hashValues(snapshot),
      remoteVersion: p.updated_at ?? null,
      remoteData: { ...staffFacts(p) },
      remoteState: stateOf(p),
      synced: !checked.reason,
    });
    await writeSnapshot(tx, loaded.connection.practiceId, linked.id, snapshot);
    await supersedeReviews(tx, { ...linked, remoteId: p.id });
    return linked;
  });
  const remote = await writeBackIds(deps, loaded, p, link.localId);
  if (checked.reason) await markErrored(deps, loaded, { link, localId: link.localId, remoteId: p.id }, checked.reason);
  return { kind: 'linked', link, created: true, ...(remote ? { remote } : {}) };
}
