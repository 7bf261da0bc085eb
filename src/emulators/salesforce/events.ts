// Change Data Capture: every committed change to an object with CDC on becomes a change event
// on /data/<Object>ChangeEvent (custom objects: Name__ChangeEvent), kept for the retention window
// with an increasing replay id. Subscribers (the CometD server) hear each event as it commits.
import { randomUUID } from 'node:crypto';
import type { EmulatorClock } from '../shared/clock.ts';
import type { SalesforceConfig } from './config.ts';
import { formatDateTimeZ } from './values.ts';

export type ChangeType = 'CREATE' | 'UPDATE' | 'DELETE' | 'UNDELETE';

export interface ChangeEvent {
  replayId: number;
  channel: string;
  entity: string;
  at: number;
  payload: Record<string, unknown>;
}

export interface Change {
  object: string;
  changeType: ChangeType;
  recordId: string;
  /** Field → new value (only the changed ones for UPDATE; all for CREATE/UNDELETE). */
  values: Record<string, unknown>;
  changedFields: string[];
  userId: string;
  origin: string;
  types: Record<string, string>; // field → FieldType, for date formatting
  compound: Record<string, string>; // field → compound field name (Name, MailingAddress)
}

export const SCHEMA_ID = 'IeRuaY6cbI_HsV8Rv1Mc5g';
export const ALL_CHANGES = '/data/ChangeEvents';

export function channelFor(object: string): string {
  return object.endsWith('__c') ? `/data/${object.slice(0, -3)}__ChangeEvent` : `/data/${object}ChangeEvent`;
}

/** Address parts nest under their compound with the part name (MailingCity → City). */
function compoundKey(field: string, compound: string): string {
  if (compound === 'Name') return field;
  const prefix = compound.replace(/Address$/, '');
  return field.startsWith(prefix) ? field.slice(prefix.length) : field;
}

function body(change: Change): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(change.values)) {
    if (value === null || value === undefined) continue; // CometD carries non-null values only
    if (field === 'IsDeleted' || field === 'SystemModstamp' || field === 'Id' || field === 'Name') continue;
    const wire = change.types[field] === 'datetime' && typeof value === 'number' ? formatDateTimeZ(value) : value;
    const compound = change.compound[field];
    if (compound) {
      const nested = (out[compound] ??= {}) as Record<string, unknown>;
      nested[compoundKey(field, compound)] = wire;
    } else out[field] = wire;
  }
  return out;
}

type Listener = (event: ChangeEvent) => void;

export class ChangeEventBus {
  events: ChangeEvent[] = [];
  nextReplayId = 1;
  private listeners = new Set<Listener>();

  constructor(
    private readonly clock: EmulatorClock,
    private readonly config: SalesforceConfig,
  ) {}

  enabled(object: string): boolean {
    return this.config.cdc[object] === true;
  }

  listen(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Publishes the changes of one committed transaction, in order. */
  publish(changes: Change[]): void {
    const transactionKey = randomUUID();
    const commitTimestamp = this.clock.now();
    let sequence = 0;
    for (const change of changes) {
      if (!this.enabled(change.object)) continue;
      sequence += 1;
      const header: Record<string, unknown> = {
        entityName: change.object,
        recordIds: [change.recordId],
        changeType: change.changeType,
        changeOrigin: change.origin,
        transactionKey,
        sequenceNumber: sequence,
        commitTimestamp,
        commitNumber: 11_473_800_000_000 + this.nextReplayId,
        commitUser: change.userId,
      };
      if (this.config.cometdChangedFields)
        header.changedFields = change.changeType === 'UPDATE' ? change.changedFields : [];
      const payload = { ChangeEventHeader: header, ...(change.changeType === 'DELETE' ? {} : body(change)) };
      const event: ChangeEvent = {
        replayId: this.nextReplayId++,
        channel: channelFor(change.object),
        entity: change.object,
        at: commitTimestamp,
        payload,
      };
      this.events.push(event);
      for (const listener of this.listeners) listener(event);
    }
    this.prune();
  }

  /** Drops events older than the retention window. */
  prune(): void {
    const oldest = this.clock.now() - this.config.eventRetentionMs;
    let drop = 0;
    while (drop < this.events.length && this.events[drop]!.at < oldest) drop++;
    if (drop) this.events.splice(0, drop);
  }

  retained(): ChangeEvent[] {
    this.prune();
    return this.events;
  }
}

/** The CometD message for an event (examples/cdc-contact-*-cometd.json). */
export function cometdMessage(event: ChangeEvent, channel: string): Record<string, unknown> {
  return {
    data: { schema: SCHEMA_ID, payload: event.payload, event: { replayId: event.replayId } },
    channel,
  };
}
