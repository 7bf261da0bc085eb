// Optional persistence: the store (and webhook endpoints) saved as JSON to a file after
// writes and on close, and loaded at start, so a sandbox survives restarts. Deliveries in
// flight and the delivery log are not kept.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mulberry32 } from './random.ts';
import { HintData, type HintState } from './state.ts';
import type { WebhookEndpoint, WebhookStore } from './webhook-store.ts';

const FORMAT = 1;

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Map) return { $map: [...value.entries()] };
  if (value instanceof Set) return { $set: [...value] };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as { $map?: [unknown, unknown][]; $set?: unknown[] };
    if (v.$map) return new Map(v.$map);
    if (v.$set) return new Set(v.$set);
  }
  return value;
}

interface Snapshot {
  format: number;
  seed: number | null;
  data: HintData;
  endpoints: Map<string, WebhookEndpoint>;
}

export function saveState(path: string, state: HintState, store: WebhookStore, seed: number | undefined): void {
  const snapshot: Snapshot = { format: FORMAT, seed: seed ?? null, data: state.data, endpoints: store.endpoints };
  const temp = `${path}.tmp`;
  writeFileSync(temp, JSON.stringify(snapshot, replacer));
  renameSync(temp, path); // atomic: a crash mid-write never leaves half a file
}

/** Returns the saved seed when a snapshot was loaded, or false when there was none. */
export function loadState(path: string, state: HintState, store: WebhookStore): { seed: number | undefined } | false {
  if (!existsSync(path)) return false;
  const snapshot = JSON.parse(readFileSync(path, 'utf8'), reviver) as Snapshot;
  if (snapshot.format !== FORMAT) throw new Error(`${path}: unknown state format ${String(snapshot.format)}`);
  // New ids after a restart come from a fresh stream (mulberry32 state is not saved).
  state.replace(Object.assign(new HintData(), snapshot.data), mulberry32(Date.now() >>> 0));
  store.endpoints = snapshot.endpoints;
  return { seed: snapshot.seed ?? undefined };
}

/** Saves at most once a second while writes keep coming, and once more on close. */
export class StateSaver {
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly save: () => void) {}

  markDirty(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), 1000);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty) return;
    this.dirty = false;
    this.save();
  }
}
