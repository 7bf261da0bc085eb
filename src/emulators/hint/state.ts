// The in-memory store. One HintState per emulator; reset() swaps in a fresh seed.
import type { EmulatorClock } from '../shared/clock.ts';
import type { HintConfig } from './config.ts';
import { newId, newToken } from './ids.ts';
import type {
  Company,
  IntegrationData,
  CustomerInvoice,
  Integration,
  Interaction,
  Location,
  LocationGroup,
  Membership,
  Partner,
  Patient,
  Plan,
  Practice,
  Practitioner,
} from './model.ts';
import { mulberry32, type Random } from './random.ts';

export interface InstantOnCode {
  code: string;
  partnerId: string;
  practiceId: string;
  expiresAt: number;
  used: boolean;
}

export interface TokenGrant {
  kind: 'partner' | 'practice';
  partnerId: string;
  integrationId?: string;
}

/** Every table the emulator keeps; replaced wholesale on reset. */
export class HintData {
  partners = new Map<string, Partner>();
  practices = new Map<string, Practice>();
  integrations = new Map<string, Integration>();
  locations = new Map<string, Location>();
  locationGroups = new Map<string, LocationGroup>();
  practitioners = new Map<string, Practitioner>();
  plans = new Map<string, Plan>();
  companies = new Map<string, Company>();
  patients = new Map<string, Patient>();
  memberships = new Map<string, Membership>();
  invoices = new Map<string, CustomerInvoice>();
  interactions = new Map<string, Interaction>();
  codes = new Map<string, InstantOnCode>();
  leadSources = new Map<string, { id: string; name: string; createdAt: number }>();
  invoiceCounters = new Map<string, number>();
  /** `${partnerId}|${objectId}` → that partner's integration data on the object. */
  integrationData = new Map<string, IntegrationData>();
  /** `${partnerId}|${practiceId}|${kind}|${integration_record_id}` → object id (aliasing, uniqueness). */
  recordIndex = new Map<string, string>();
  /** patient id → ids of memberships they belong to; owner id → ids of invoices they owe. */
  membershipsByPatient = new Map<string, Set<string>>();
  invoicesByOwner = new Map<string, Set<string>>();
  /** Bumped whenever a patient is added or removed: list indexes sorted by creation stay valid until then. */
  patientSetVersion = 0;
}

export function addToIndex(index: Map<string, Set<string>>, key: string, value: string): void {
  const set = index.get(key) ?? new Set<string>();
  set.add(value);
  index.set(key, set);
}

export class HintState {
  data = new HintData();
  random: Random;
  /** Rendered views, valid until the next write (see invalidateViews). */
  private views = new Map<string, unknown>();
  /** token → who holds it; rebuilt from partners and integrations. */
  private tokens = new Map<string, TokenGrant>();

  constructor(
    readonly clock: EmulatorClock,
    readonly config: HintConfig,
    seed: number,
  ) {
    this.random = mulberry32(seed ^ 0x5eed);
  }

  now(): number {
    return this.clock.now();
  }

  /**
   * Reads dominate benchmarks; a view is rebuilt only after a write. Every non-GET request
   * invalidates all views (coarse, so no dependency can be missed).
   */
  cachedView<T>(key: string, build: () => T): T {
    const hit = this.views.get(key);
    if (hit !== undefined) return hit as T;
    const view = build();
    if (this.views.size > 50_000) this.views.clear();
    this.views.set(key, view);
    return view;
  }

  invalidateViews(): void {
    this.views.clear();
  }

  id(prefix: string): string {
    return newId(this.random, prefix);
  }

  token(): string {
    return newToken(this.random);
  }

  replace(data: HintData, random: Random): void {
    this.data = data;
    this.random = random;
    this.invalidateViews();
    this.reindexTokens();
  }

  reindexTokens(): void {
    this.tokens.clear();
    for (const partner of this.data.partners.values())
      this.tokens.set(partner.apiKey, { kind: 'partner', partnerId: partner.id });
    for (const integration of this.data.integrations.values()) {
      for (const key of integration.apiKeys) {
        this.tokens.set(key.token, {
          kind: 'practice',
          partnerId: integration.partnerId,
          integrationId: integration.id,
        });
      }
    }
  }

  grantFor(token: string): TokenGrant | undefined {
    return this.tokens.get(token);
  }

  addPracticeToken(integration: Integration, token: string): void {
    this.tokens.set(token, { kind: 'practice', partnerId: integration.partnerId, integrationId: integration.id });
  }

  integrationFor(partnerId: string, practiceId: string): Integration | undefined {
    for (const integration of this.data.integrations.values()) {
      if (integration.partnerId === partnerId && integration.practiceId === practiceId) return integration;
    }
    return undefined;
  }

  activeIntegrationsOf(practiceId: string): Integration[] {
    return [...this.data.integrations.values()].filter((i) => i.practiceId === practiceId && i.status === 'active');
  }

  practice(practiceId: string): Practice {
    const practice = this.data.practices.get(practiceId);
    if (!practice) throw new Error(`unknown practice ${practiceId}`);
    return practice;
  }

  offsetOf(practiceId: string): number {
    return this.data.practices.get(practiceId)?.offsetMinutes ?? 0;
  }

  nextInvoiceNumber(practiceId: string): number {
    const next = (this.data.invoiceCounters.get(practiceId) ?? 0) + 1;
    this.data.invoiceCounters.set(practiceId, next);
    return next;
  }

  /** Marks a record changed: bumps updated_at and the version the sync-status rules compare. */
  touch(record: { updatedAt: number; version: number }): void {
    record.updatedAt = this.now();
    record.version += 1;
  }
}
