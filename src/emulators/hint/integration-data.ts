// Integration data is stored per (partner, object): each partner sees only its own
// integration_record_id / web link / error / sync status, and may use its own record id
// in place of the Hint id in paths.
import { HintError } from './errors.ts';
import type { IntegrationData, IntegrationKind } from './model.ts';
import type { HintState } from './state.ts';
import { formatNullableTimestamp } from './time.ts';

export interface IntegrationWrite {
  integration_record_id?: string | null | undefined;
  integration_web_link?: string | null | undefined;
  integration_error_message?: string | null | undefined;
}

export type SyncStatus = 'errored' | 'synced' | 'unsynced' | 'enabled';

interface Versioned {
  id: string;
  practiceId: string;
  version: number;
}

const dataKey = (partnerId: string, objectId: string) => `${partnerId}|${objectId}`;
const indexKey = (partnerId: string, practiceId: string, kind: IntegrationKind, recordId: string) =>
  `${partnerId}|${practiceId}|${kind}|${recordId}`;

export function integrationDataOf(state: HintState, partnerId: string, objectId: string): IntegrationData | undefined {
  return state.data.integrationData.get(dataKey(partnerId, objectId));
}

/** Resolves a path id: the Hint id, or else the caller's own integration_record_id for that kind. */
export function resolveAlias(
  state: HintState,
  partnerId: string,
  practiceId: string,
  kind: IntegrationKind,
  id: string,
): string {
  return state.data.recordIndex.get(indexKey(partnerId, practiceId, kind, id)) ?? id;
}

export function hasIntegrationFields(body: IntegrationWrite): boolean {
  return (
    body.integration_record_id !== undefined ||
    body.integration_web_link !== undefined ||
    body.integration_error_message !== undefined
  );
}

/** Throws 422 before anything changes when another object of the kind already holds the record id. */
export function assertRecordIdFree(
  state: HintState,
  partnerId: string,
  practiceId: string,
  kind: IntegrationKind,
  recordId: string | null | undefined,
  objectId?: string,
): void {
  if (!recordId) return;
  const holder = state.data.recordIndex.get(indexKey(partnerId, practiceId, kind, recordId));
  if (holder && holder !== objectId)
    throw new HintError(422, 'Validation failed: Integration record has already been taken');
}

/**
 * Records a partner's write to an object. Any write by the partner counts as a sync (it
 * just pushed its view), so last_synced_at moves to now and the object's current version
 * becomes the partner's synced version; integration fields in the body are applied.
 * Call it after the object's own fields (and version) have been updated.
 */
export function recordPartnerWrite(
  state: HintState,
  partnerId: string,
  kind: IntegrationKind,
  object: Versioned,
  body: IntegrationWrite,
): void {
  const key = dataKey(partnerId, object.id);
  const existing = state.data.integrationData.get(key);
  if (!existing && !hasIntegrationFields(body)) return;
  const current = existing ?? {
    recordId: null,
    webLink: null,
    errorMessage: null,
    lastSyncedAt: null,
    syncedVersion: 0,
  };
  if (body.integration_record_id !== undefined) {
    if (current.recordId) state.data.recordIndex.delete(indexKey(partnerId, object.practiceId, kind, current.recordId));
    current.recordId = body.integration_record_id || null;
    if (current.recordId)
      state.data.recordIndex.set(indexKey(partnerId, object.practiceId, kind, current.recordId), object.id);
  }
  if (body.integration_web_link !== undefined) current.webLink = body.integration_web_link || null;
  if (body.integration_error_message !== undefined) current.errorMessage = body.integration_error_message || null;
  current.lastSyncedAt = state.now();
  current.syncedVersion = object.version;
  state.data.integrationData.set(key, current);
}

/** Drops every partner's data on a destroyed object, freeing its record ids. */
export function forgetIntegrationData(state: HintState, kind: IntegrationKind, object: Versioned): void {
  for (const partnerId of state.data.partners.keys()) {
    const data = state.data.integrationData.get(dataKey(partnerId, object.id));
    if (!data) continue;
    if (data.recordId) state.data.recordIndex.delete(indexKey(partnerId, object.practiceId, kind, data.recordId));
    state.data.integrationData.delete(dataKey(partnerId, object.id));
  }
}

/**
 * The documented vocabulary with the emulator's (configurable) inferred rules:
 * error set → errored; no record id → enabled; changed in Hint since the partner's last
 * sync → unsynced; otherwise synced. 'always-enabled' mimics every recorded example.
 */
export function syncStatus(state: HintState, data: IntegrationData | undefined, objectVersion: number): SyncStatus {
  if (state.config.syncStatusRules === 'always-enabled' || !data) return 'enabled';
  if (data.errorMessage) return 'errored';
  if (!data.recordId) return 'enabled';
  return objectVersion > data.syncedVersion ? 'unsynced' : 'synced';
}

/** The five integration_* fields as one partner sees them. */
export function integrationFields(state: HintState, partnerId: string, object: Versioned) {
  const data = integrationDataOf(state, partnerId, object.id);
  return {
    integration_error_message: data?.errorMessage ?? null,
    integration_last_synced_at: formatNullableTimestamp(data?.lastSyncedAt ?? null, state.offsetOf(object.practiceId)),
    integration_record_id: data?.recordId ?? null,
    integration_sync_status: syncStatus(state, data, object.version),
    integration_web_link: data?.webLink ?? null,
  };
}

export function recordIdOf(state: HintState, partnerId: string, objectId: string): string | null {
  return integrationDataOf(state, partnerId, objectId)?.recordId ?? null;
}

export function partnersWithRecords(state: HintState, objectId: string): { partnerId: string; recordId: string }[] {
  const out: { partnerId: string; recordId: string }[] = [];
  for (const partnerId of state.data.partners.keys()) {
    const recordId = recordIdOf(state, partnerId, objectId);
    if (recordId) out.push({ partnerId, recordId });
  }
  return out;
}
