// Tandem → Hint for one canonical patient: create it in Hint (with integration_record_id =
// Tandem's id and integration_web_link = its page in Tandem) or PATCH only the fields Tandem
// changed since both sides last agreed. The written values' hash is kept on the link, so the
// webhook Hint sends back for this write is recognised and causes no write anywhere.
import { ConnectionGone, NotFoundError } from '../../core/errors.ts';
import { findLink, upsertLink, type Link } from '../../db/links.ts';
import { writeLog } from '../../db/logs.ts';
import { patients } from '../../db/records/kinds.ts';
import { getRecord, type Json } from '../../db/records/repository.ts';
import { createPatient, getPatient, patchPatient, type HintNames } from './client-endpoints.ts';
import { HintApiError } from './client.ts';
import { absorbPatient } from './inbound-patient.ts';
import { hintValues, keyOf, snapshotOf, stateOf } from './inbound-patient-values.ts';
import { markErrored, reasonFromHint } from './outbound-errors.ts';
import { canonicalWire, getPath, hintBody, staffFacts, type Wire } from './mapping.ts';
import { hashValues, planOutbound, type Snapshot } from './mapping-merge.ts';
import { practitionerResolver, resolverOf } from './mapping-resolver.ts';
import { webLinkOf, type LoadedConnection, type HintDeps } from './connection.ts';
import type { FieldRule } from './mapping-fields.ts';
import type { HintPatient } from './schemas.ts';
import { readPushState, saveLinkState, type NameEcho } from './store.ts';

export type PushResult = 'created' | 'updated' | 'unchanged' | 'errored' | 'skipped';

/** Fields Hint (or this practice's use of it) requires, named in the reason when missing. */
function missingRequired(loaded: LoadedConnection, canonical: Json): string | undefined {
  const required = ['firstName', 'lastName', ...loaded.settings.hintRequiredFields];
  const missing = required.filter((f) => {
    const v = getPath(canonical, f);
    return v === null || v === undefined || v === '';
  });
  return missing.length ? `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} required by Hint` : undefined;
}

/** `merged`: Hint's newer record was just merged (see namesToSend); the push is not planned a third time. */
export async function pushPatient(
  deps: HintDeps,
  loaded: LoadedConnection,
  patientId: string,
  merged = false,
): Promise<PushResult> {
  const { db } = deps;
  // The record, and beside it (two round trips at once) the practice's state, the link with its
  // merge base and the practitioner's link (readPushState).
  const [canonical, state] = await Promise.all([
    getRecord(db, loaded.connection.practiceId, patients, patientId).catch((error: unknown) => {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }),
    readPushState(db, loaded.connection.practiceId, loaded.connection.id, patientId),
  ]);
  if (state.practiceDisabled) throw new ConnectionGone(loaded.connection.id, 'practice-disabled');
  if (!canonical) return 'skipped'; // deleted in Tandem: the Hint record stays (Hint holds billing)
  const linked = state.linked;
  const link = linked?.link;
  if (link?.remoteState === 'destroyed') return 'skipped';
  const missing = missingRequired(loaded, canonical);
  if (missing) {
    await markErrored(deps, loaded, { link, localId: patientId, remoteId: link?.remoteId ?? null }, missing);
    return 'errored';
  }
  const rules = loaded.settings.fieldMapping;
  // The practitioner link read beside the row is used when both reads saw the same practitioner.
  const resolver =
    (canonical.practitionerId ?? null) === state.practitioner.localId
      ? resolverOf(state.practitioner.link ? [state.practitioner.link] : [])
      : await practitionerResolver(db, loaded, [canonical.practitionerId], []);
  const tandem = new Map(rules.map((r) => [r, canonicalWire(r, canonical, resolver)]));
  if (!linked) return createInHint(deps, loaded, patientId, tandem);
  return updateInHint(deps, loaded, linked.link, linked.snapshot, tandem, merged);
}

async function createInHint(
  deps: HintDeps,
  loaded: LoadedConnection,
  patientId: string,
  tandem: Map<FieldRule, Wire | undefined>,
): Promise<PushResult> {
  if (!loaded.settings.createInHint) return 'skipped';
  const values = planOutbound(loaded.settings.fieldMapping, null, tandem);
  const body = {
    ...hintBody(loaded.settings.fieldMapping, values, { create: true }),
    ...integrationFields(deps, patientId),
  };
  let created: HintPatient;
  try {
    created = await createPatient(deps, loaded, body);
  } catch (error) {
    if (error instanceof HintApiError && !error.retryable) {
      // Hint keeps integration_record_id unique: a create that succeeded before (a lost answer,
      // a crash) is refused, and found by its id alias instead of being made twice.
      const existing = error.status === 422 ? await getPatient(deps, loaded, patientId) : undefined;
      if (existing && existing.integration_record_id === patientId) {
        const link = await upsertLink(deps.db, keyOf(loaded, { localId: patientId, remoteId: existing.id }), {
          status: 'unsynced',
        });
        return absorbThenPush(deps, loaded, link, existing);
      }
      await markErrored(deps, loaded, { localId: patientId, remoteId: null }, reasonFromHint(error));
      return 'errored';
    }
    throw error;
  }
  const snapshot: Snapshot = Object.fromEntries([...values].map(([r, v]) => [r.hint, v]));
  await remember(deps, loaded, { localId: patientId, remoteId: created.id }, snapshot, created);
  await absorbPatient(deps, loaded, created, { source: 'write' });
  return 'created';
}

async function absorbThenPush(
  deps: HintDeps,
  loaded: LoadedConnection,
  link: Link,
  existing: HintPatient,
): Promise<PushResult> {
  await absorbPatient(deps, loaded, existing, { source: 'write' });
  const fresh = await findLink(deps.db, loaded.connection.practiceId, loaded.connection.id, 'patient', {
    localId: link.localId,
  });
  return fresh ? pushPatient(deps, loaded, fresh.localId) : 'skipped';
}

async function updateInHint(
  deps: HintDeps,
  loaded: LoadedConnection,
  link: Link,
  snapshot: Snapshot | null,
  tandem: Map<FieldRule, Wire | undefined>,
  merged = false,
): Promise<PushResult> {
  const values = planOutbound(loaded.settings.fieldMapping, snapshot, tandem);
  const needsIds = link.status !== 'synced' || snapshot === null;
  if (values.size === 0 && !needsIds) return 'unchanged';
  const body = { ...hintBody(loaded.settings.fieldMapping, values), ...integrationFields(deps, link.localId) };
  let updated: HintPatient;
  let echo: NameEcho | null;
  try {
    const names = await namesToSend(deps, loaded, link, body, merged);
    if (names === 'merged') return pushPatient(deps, loaded, link.localId, true);
    updated = await patchPatient(deps, loaded, link.remoteId, body, names.names);
    echo = names.read ? { ...names.names, after: names.read, until: updated.updated_at ?? null } : null;
  } catch (error) {
    if (error instanceof HintApiError && error.status === 404) return markDestroyed(deps, loaded, link);
    if (error instanceof HintApiError && !error.retryable) {
      await markErrored(deps, loaded, { link, localId: link.localId, remoteId: link.remoteId }, reasonFromHint(error));
      return 'errored';
    }
    throw error;
  }
  const written: Snapshot = { ...(snapshot ?? {}), ...Object.fromEntries([...values].map(([r, v]) => [r.hint, v])) };
  await remember(deps, loaded, link, written, updated, echo);
  // The answer may carry changes made in Hint meanwhile: merge them now (Tandem's own are equal).
  if (hashValues(snapshotOf(hintValues(loaded.settings.fieldMapping, updated))) !== hashValues(written))
    await absorbPatient(deps, loaded, updated, { source: 'write' });
  return 'updated';
}

/**
 * Hint's PATCH must carry the legal names. When Tandem is not changing them, the names sent are
 * Hint's current ones, read just before: the names both sides last agreed on would undo a rename
 * made in Hint whose webhook is still on its way. A Hint record newer than the one we last saw
 * is merged first ('merged': plan the push again), once.
 */
async function namesToSend(
  deps: HintDeps,
  loaded: LoadedConnection,
  link: Link,
  body: Record<string, unknown>,
  merged: boolean,
): Promise<{ names: Required<HintNames>; read: string | null } | 'merged'> {
  if (body.first_name && body.last_name)
    return { names: { first_name: body.first_name as string, last_name: body.last_name as string }, read: null };
  const current = await getPatient(deps, loaded, link.remoteId);
  if (!current) throw new HintApiError(404, 'Patient not found', false, '/provider/patients/{id}');
  if (!merged && (current.updated_at ?? null) !== link.remoteVersion) {
    await absorbPatient(deps, loaded, current, { source: 'write' });
    return 'merged';
  }
  return {
    names: { first_name: current.first_name ?? null, last_name: current.last_name ?? null },
    read: current.updated_at ?? null,
  };
}

async function markDestroyed(deps: HintDeps, loaded: LoadedConnection, link: Link): Promise<PushResult> {
  await upsertLink(deps.db, keyOf(loaded, link), { remoteState: 'destroyed' });
  await writeLog(deps.db, loaded.connection.practiceId, {
    level: 'error',
    message: 'patient no longer exists in Hint',
    connectionId: loaded.connection.id,
    entityKind: 'patient',
    entityId: link.localId,
  });
  return 'skipped';
}

function integrationFields(deps: HintDeps, patientId: string): Json {
  return {
    integration_record_id: patientId,
    integration_web_link: webLinkOf(deps, patientId),
    integration_error_message: null,
  };
}

/** What Hint now holds (as far as we wrote it), its version, and the hash that marks the echo. */
async function remember(
  deps: HintDeps,
  loaded: LoadedConnection,
  ids: { localId: string; remoteId: string },
  snapshot: Snapshot,
  answer: HintPatient,
  echo: NameEcho | null = null,
): Promise<void> {
  await saveLinkState(
    deps.db,
    keyOf(loaded, ids),
    {
      status: 'synced',
      errorMessage: null,
      writtenHash: hashValues(snapshot),
      remoteVersion: answer.updated_at ?? null,
      remoteData: { ...staffFacts(answer) },
      remoteState: stateOf(answer),
      synced: true,
    },
    snapshot,
    echo,
  );
}
