// --state FILE: the org (records, recycle bin, delete log, users, connected app and its key,
// sessions, settings, retained change events) saved as JSON after writes and on close, and
// loaded at start, so a sandbox survives restarts. Cursors and faults are not kept.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mulberry32 } from '../shared/random.ts';
import type { ChangeEvent } from './events.ts';
import type { Org } from './org.ts';
import { OrgData } from './state.ts';

const FORMAT = 1;

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Map) return { $map: [...value.entries()] };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value) && '$map' in value)
    return new Map((value as { $map: [unknown, unknown][] }).$map);
  return value;
}

interface Snapshot {
  format: number;
  seed: number | null;
  data: OrgData;
  config: Org['config'];
  events: ChangeEvent[];
  nextReplayId: number;
}

export function saveState(path: string, org: Org, seed: number | undefined): void {
  const snapshot: Snapshot = {
    format: FORMAT,
    seed: seed ?? null,
    data: org.data,
    config: org.config,
    events: org.events.events,
    nextReplayId: org.events.nextReplayId,
  };
  const temp = `${path}.tmp`;
  writeFileSync(temp, JSON.stringify(snapshot, replacer));
  renameSync(temp, path); // atomic: a crash mid-write never leaves half a file
}

export function loadState(path: string, org: Org): { seed: number | undefined } | false {
  if (!existsSync(path)) return false;
  const snapshot = JSON.parse(readFileSync(path, 'utf8'), reviver) as Snapshot;
  if (snapshot.format !== FORMAT) throw new Error(`${path}: unknown state format ${String(snapshot.format)}`);
  Object.assign(org.config, snapshot.config);
  org.replace(Object.assign(new OrgData(), snapshot.data), mulberry32(Date.now() >>> 0));
  org.events.events = snapshot.events;
  org.events.nextReplayId = snapshot.nextReplayId;
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
