// A Hint connection's settings, as data in connections.settings: the field mapping (which
// canonical field ↔ which Hint field, and in which direction), what creates what, the
// conflict policy, initial-sync policy, reconciliation interval, who bills, and the rate limit.
// Stored partially; read through `readSettings`, which fills in the defaults.
import { z } from 'zod';
import { eachFieldOnce } from '../../core/validation.ts';
import { DEFAULT_THRESHOLDS } from '../../core/matching/index.ts';
import {
  CANONICAL_PATIENT_FIELDS,
  DEFAULT_PATIENT_MAPPING,
  HINT_PATIENT_FIELDS,
  type CanonicalField,
  type HintField,
} from './mapping-fields.ts';

const canonicalField = z.enum(Object.keys(CANONICAL_PATIENT_FIELDS) as [CanonicalField, ...CanonicalField[]]);
const hintField = z.enum(Object.keys(HINT_PATIENT_FIELDS) as [HintField, ...HintField[]]);

const ruleSchema = z
  .object({
    canonical: canonicalField,
    hint: hintField,
    direction: z.enum(['both', 'fromHint', 'toHint', 'readOnly']),
  })
  .strict()
  .refine((r) => CANONICAL_PATIENT_FIELDS[r.canonical] === HINT_PATIENT_FIELDS[r.hint], {
    message: 'pairs fields of different kinds',
    path: ['hint'],
  });

const mappingSchema = z
  .array(ruleSchema)
  .max(50)
  .superRefine(eachFieldOnce(['canonical', 'hint']));

export const settingsSchema = z
  .object({
    fieldMapping: mappingSchema,
    /** A patient created in Tandem is created in Hint. */
    createInHint: z.boolean(),
    /** A patient created in Hint is created in Tandem. */
    createInTandem: z.boolean(),
    /** What a patient destroyed or made inactive in Hint does to the Tandem record. */
    onHintDelete: z.enum(['keep', 'delete']),
    conflictPolicy: z.enum(['latest', 'hint', 'tandem']),
    /** Fields this practice's Hint set-up needs beyond first and last name (refused locally with a clear reason). */
    hintRequiredFields: z.array(canonicalField).max(20),
    initialSync: z
      .object({
        /** A Hint patient with no certain match in Tandem. */
        unmatchedHint: z.enum(['create', 'skip']),
        /** A Tandem patient with no certain match in Hint. */
        unmatchedTandem: z.enum(['create', 'skip']),
        /** A match the matcher is unsure of. */
        uncertain: z.enum(['review', 'skip']),
      })
      .strict(),
    reconcileEveryMinutes: z.number().int().min(1).max(1440),
    /** Who bills: 'hint' (Hint's invoices only refresh what staff see) or 'practice' (the
     *  practice's system bills through Tandem: canonical invoices become Hint customer invoices). */
    billing: z.enum(['hint', 'practice']),
    rateLimitPerSecond: z.number().min(0.1).max(1000),
    /** Healthengine bookings of a Hint-linked patient become partner interactions on the Hint chart. */
    partnerInteractions: z.boolean(),
    /** Expected precision of an automatic patient match (docs/matching.md); below it, a review. */
    matchPrecision: z.number().min(0.5).max(0.99999),
  })
  .strict();

export type HintSettings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: HintSettings = {
  fieldMapping: DEFAULT_PATIENT_MAPPING,
  createInHint: true,
  createInTandem: true,
  onHintDelete: 'keep',
  conflictPolicy: 'latest',
  hintRequiredFields: [],
  initialSync: { unmatchedHint: 'create', unmatchedTandem: 'create', uncertain: 'review' },
  reconcileEveryMinutes: 5,
  billing: 'hint',
  rateLimitPerSecond: 20,
  partnerInteractions: true,
  matchPrecision: DEFAULT_THRESHOLDS.match,
};

/** The partial form API clients send: any top-level key; nested initialSync merges too. */
export const settingsPatchSchema = settingsSchema
  .partial()
  .extend({
    initialSync: settingsSchema.shape.initialSync.partial().optional(),
  })
  .strict();

/** Stored settings (with non-setting keys such as integrationId) → complete settings. */
export function readSettings(stored: Record<string, unknown>): HintSettings {
  const merged = {
    ...DEFAULT_SETTINGS,
    ...pick(stored),
    initialSync: { ...DEFAULT_SETTINGS.initialSync, ...(stored.initialSync as object | undefined) },
  };
  const parsed = settingsSchema.safeParse(merged);
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

function pick(stored: Record<string, unknown>): Partial<HintSettings> {
  const keys = Object.keys(settingsSchema.shape);
  return Object.fromEntries(Object.entries(stored).filter(([k]) => keys.includes(k)));
}

export function applySettingsPatch(current: HintSettings, patch: z.infer<typeof settingsPatchSchema>): HintSettings {
  return settingsSchema.parse({ ...current, ...patch, initialSync: { ...current.initialSync, ...patch.initialSync } });
}
