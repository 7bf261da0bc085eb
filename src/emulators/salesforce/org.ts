// One emulated org: its data, its schema (rebuilt when setup changes), clock, settings and
// change-event bus. Every route and the harness work through this object.
import type { EmulatorClock } from '../shared/clock.ts';
import type { Random } from '../shared/random.ts';
import type { SalesforceConfig } from './config.ts';
import { invalidType, SfError } from './errors.ts';
import { ChangeEventBus } from './events.ts';
import { newRecordId, to18 } from './ids.ts';
import { buildSchema, findObject, type ObjectDef } from './metadata.ts';
import { OrgData, type SfRecord, type SfUser } from './state.ts';

const HOUR = 3_600_000;

export class Org {
  data = new OrgData();
  schema = new Map<string, ObjectDef>();
  readonly events: ChangeEventBus;

  constructor(
    readonly clock: EmulatorClock,
    readonly config: SalesforceConfig,
    public random: Random,
  ) {
    this.events = new ChangeEventBus(clock, config);
  }

  now(): number {
    return this.clock.now();
  }

  /** Record timestamps have second precision (…T13:59:41.000+0000). */
  stamp(): number {
    return Math.floor(this.clock.now() / 1000) * 1000;
  }

  replace(data: OrgData, random: Random): void {
    this.data = data;
    this.random = random;
    this.rebuildSchema();
  }

  rebuildSchema(): void {
    this.schema = buildSchema(this.data.org, this.data.createdAt);
  }

  /** The object named in a URL or query; unknown → INVALID_TYPE (or NOT_FOUND for URLs). */
  object(name: string, missing: 'type' | 'notFound' = 'type'): ObjectDef {
    const def = findObject(this.schema, name);
    if (def) return def;
    if (missing === 'notFound') throw new SfError(404, 'NOT_FOUND', 'The requested resource does not exist');
    throw invalidType(name);
  }

  table(object: string): Map<string, SfRecord> {
    let table = this.data.records.get(object);
    if (!table) {
      table = new Map();
      this.data.records.set(object, table);
    }
    return table;
  }

  newId(def: ObjectDef): string {
    return newRecordId(def.keyPrefix, this.data.pod, this.data.serial++);
  }

  /** A record by 15- or 18-character id, deleted ones included; undefined when unknown. */
  find(object: string, id: string): SfRecord | undefined {
    const full = to18(id);
    return full ? this.data.records.get(object)?.get(full) : undefined;
  }

  /** Which object an id's key prefix belongs to. */
  objectForId(id: string): ObjectDef | undefined {
    for (const def of this.schema.values()) if (id.startsWith(def.keyPrefix)) return def;
    return undefined;
  }

  user(id: string): SfUser | undefined {
    return this.data.users.find((u) => u.id === id);
  }

  userByName(username: string): SfUser | undefined {
    const lower = username.toLowerCase();
    return this.data.users.find((u) => u.username.toLowerCase() === lower);
  }

  integrationUser(): SfUser {
    return this.data.users[0]!;
  }

  standardUser(): SfUser {
    return this.data.users.find((u) => u.profile === 'Standard User') ?? this.data.users[0]!;
  }

  // --- the daily API allowance: requests per emulated hour over a rolling 24 h ---

  apiUsed(): number {
    const hour = Math.floor(this.now() / HOUR);
    let used = 0;
    for (const [h, n] of this.data.apiUsage) {
      if (h > hour - 24) used += n;
      else this.data.apiUsage.delete(h);
    }
    return used;
  }

  countApiRequest(): void {
    const hour = Math.floor(this.now() / HOUR);
    this.data.apiUsage.set(hour, (this.data.apiUsage.get(hour) ?? 0) + 1);
  }

  setApiUsed(used: number): void {
    this.data.apiUsage.clear();
    if (used > 0) this.data.apiUsage.set(Math.floor(this.now() / HOUR), used);
  }

  limitInfo(): string {
    return `api-usage=${this.apiUsed()}/${this.config.dailyApiRequests}`;
  }
}
