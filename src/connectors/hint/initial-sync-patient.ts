// One Hint patient during the initial sync: classified (dry run) or linked / created /
// reviewed / skipped, with a report line naming ids and the action only.
import type { BatchItem } from '../../db/batches.ts';
import { findLink } from '../../db/links.ts';
import { hasPendingReview } from '../../db/match-reviews.ts';
import { matchPatient } from '../../db/patient-matching.ts';
import { patients } from '../../db/records/kinds.ts';
import { recordExists } from '../../db/records/repository.ts';
import { absorbPatient } from './inbound-patient.ts';
import { linkUnlinkedPatient, matchRecordOf } from './inbound-patient-link.ts';
import type { Run } from './initial-sync-run.ts';
import type { HintPatient } from './schemas.ts';
import { isUuid } from '../../core/ids.ts';
import { normalizeEmail } from '../../core/matching/normalize/emails.ts';
import { normalizePhone } from '../../core/matching/normalize/phones.ts';

/**
 * Takes a local patient for one record of this run; false when another record has it. Test
 * and set with no await between: records run concurrently, and a check before an await
 * would let two of them take the same patient.
 */
export function claim(run: Run, localId: string): boolean {
  if (run.claimed.has(localId)) return false;
  run.claimed.add(localId);
  return true;
}

/**
 * The keys under which two Hint patients might be the same person: dob (day and month in
 * either order, as the matcher reads them), email, phones. Records sharing one are synced
 * one after the other (LanePool), so the second sees what the first linked or created.
 */
export function laneKeysOf(p: HintPatient): string[] {
  const keys: string[] = [];
  const dob = /^(\d{4})-(\d{2})-(\d{2})/.exec(p.dob ?? '');
  if (dob) keys.push(`dob:${dob[1]}-${[dob[2], dob[3]].sort().join('-')}`);
  const email = normalizeEmail(p.email);
  if (email) keys.push(`email:${email}`);
  for (const phone of p.phones ?? []) {
    const number = normalizePhone(phone.number, 'US');
    if (number) keys.push(`phone:${number}`);
  }
  return keys;
}

/**
 * A person is deciding this record: a re-run neither links nor creates it. (The matcher's
 * verdict can shift as the practice grows — its prior is the practice's size — so matching
 * it again could create the very duplicate the review is there to prevent.)
 */
async function pendingReview(run: Run, remoteId: string): Promise<boolean> {
  return hasPendingReview(run.deps.db, run.loaded.connection.id, 'patient', remoteId);
}

export async function syncOnePatient(run: Run, p: HintPatient): Promise<BatchItem> {
  const { deps, loaded } = run;
  const item = (action: string, localId: string | null = null, message: string | null = null): BatchItem => ({
    entityKind: 'patient',
    remoteId: p.id,
    localId,
    action,
    message,
  });
  const existing = await findLink(deps.db, loaded.connection.practiceId, loaded.connection.id, 'patient', {
    remoteId: p.id,
  });
  if (existing) {
    const result = await absorbPatient(deps, loaded, p, { source: 'initial', allowCreate: false });
    const after =
      result === 'errored'
        ? await findLink(deps.db, loaded.connection.practiceId, loaded.connection.id, 'patient', { remoteId: p.id })
        : undefined;
    return item('already_linked', existing.localId, after?.errorMessage ?? null);
  }
  if (await pendingReview(run, p.id)) return item('review', null, 'a match review is pending');
  const policy = loaded.settings.initialSync;
  const outcome = await linkUnlinkedPatient(deps, loaded, p, {
    create: policy.unmatchedHint === 'create' && loaded.settings.createInTandem,
    review: policy.uncertain === 'review',
    claim: (id) => claim(run, id),
  });
  switch (outcome.kind) {
    case 'linked': {
      if (outcome.created) return item('create_local', outcome.link.localId);
      // Hint's answer to the id write-back, when there was one: the merge then has no ids left to write.
      const merged = await absorbPatient(deps, loaded, outcome.remote ?? p, { source: 'initial', allowCreate: false });
      if (merged !== 'errored') return item('link', outcome.link.localId);
      // Linked; some field could not be taken: the link (and the Hint record) say which.
      const linked = await findLink(deps.db, loaded.connection.practiceId, loaded.connection.id, 'patient', {
        remoteId: p.id,
      });
      return item('link', outcome.link.localId, linked?.errorMessage ?? 'linked with an error');
    }
    case 'review':
      return item('review');
    case 'skipped':
      return item('skip');
    default: {
      const _never: never = outcome;
      return _never;
    }
  }
}

/** What syncOnePatient would do, without writing anything. */
export async function classifyPatient(run: Run, p: HintPatient): Promise<BatchItem> {
  const { deps, loaded } = run;
  const item = (action: string, localId: string | null = null): BatchItem => ({
    entityKind: 'patient',
    remoteId: p.id,
    localId,
    action,
  });
  const existing = await findLink(deps.db, loaded.connection.practiceId, loaded.connection.id, 'patient', {
    remoteId: p.id,
  });
  if (existing) {
    run.claimed.add(existing.localId);
    return item('already_linked', existing.localId);
  }
  if (await pendingReview(run, p.id)) return item('review');
  const recordId = p.integration_record_id;
  if (recordId && isUuid(recordId) && !run.claimed.has(recordId)) {
    if ((await recordExists(deps.db, loaded.connection.practiceId, patients, recordId)) && claim(run, recordId))
      return item('link', recordId);
  }
  const policy = loaded.settings.initialSync;
  const result = await matchPatient(deps.db, loaded.connection.practiceId, matchRecordOf(p), {
    region: 'US',
    precision: loaded.settings.matchPrecision,
  });
  switch (result.kind) {
    case 'match': {
      const taken =
        run.claimed.has(result.id) ||
        (await findLink(deps.db, loaded.connection.practiceId, loaded.connection.id, 'patient', {
          localId: result.id,
        }));
      if (!taken && claim(run, result.id)) return item('link', result.id);
      if (policy.uncertain === 'review') {
        run.inReview.add(result.id);
        return item('review');
      }
      return item('skip');
    }
    case 'review':
      if (policy.uncertain !== 'review') return item('skip');
      for (const c of result.candidates) run.inReview.add(c.id);
      return item('review');
    case 'new':
      return item(policy.unmatchedHint === 'create' && loaded.settings.createInTandem ? 'create_local' : 'skip');
    default: {
      const _never: never = result;
      return _never;
    }
  }
}
