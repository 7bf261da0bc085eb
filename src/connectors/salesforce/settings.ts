// A Salesforce connection's settings, as data in connections.settings: the field mapping
// (which canonical field ↔ which Contact field, and in which direction), the Default Account
// for contacts Tandem creates, whether a patient with no demographic match gets a contact,
// whether the log is mirrored into the org's log object, and the package namespace.
// Stored partially; read through `readSettings`, which fills in the defaults.
import { z } from 'zod';
import { eachFieldOnce } from '../../core/validation.ts';
import {
  CANONICAL_FIELDS,
  CONTACT_FIELDS,
  DEFAULT_MAPPING,
  HINT_OWNED,
  type CanonicalKey,
  type ContactKey,
} from './mapping-fields.ts';

const canonicalField = z.enum(Object.keys(CANONICAL_FIELDS) as [CanonicalKey, ...CanonicalKey[]]);
const contactField = z.enum(Object.keys(CONTACT_FIELDS) as [ContactKey, ...ContactKey[]]);

const ruleSchema = z
  .object({
    canonical: canonicalField,
    contact: contactField,
    /** both: each side's changes reach the other; toSalesforce: Tandem/Hint own it (read-only in Salesforce). */
    direction: z.enum(['both', 'fromSalesforce', 'toSalesforce']),
  })
  .strict()
  .refine((r) => CANONICAL_FIELDS[r.canonical] === CONTACT_FIELDS[r.contact].kind, {
    message: 'pairs fields of different kinds',
    path: ['contact'],
  })
  // Hint owns these (digest §9, read-only in Salesforce): they only ever flow to Salesforce.
  .refine((r) => !HINT_OWNED.has(r.canonical) || r.direction === 'toSalesforce', {
    message: 'is owned by Hint: it can only go to Salesforce',
    path: ['direction'],
  });

const mappingSchema = z
  .array(ruleSchema)
  .max(40)
  .superRefine(eachFieldOnce(['canonical', 'contact']));

export const settingsSchema = z
  .object({
    fieldMapping: mappingSchema,
    /** The Account (001…) every contact Tandem creates joins when it has none. */
    defaultAccountId: z
      .string()
      .regex(/^001[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/, 'must be an Account id (001…, 15 or 18 characters)')
      .nullable(),
    /** A Hint patient with no contact on first name, last name and date of birth gets a new contact. */
    createContactWhenNoMatch: z.boolean(),
    /** Every log line of this connection is copied into the org's Hint_Log__c (ids only, never PHI). */
    mirrorLogsToSalesforce: z.boolean(),
    /** Lowest level mirrored into Salesforce. */
    mirrorLogLevel: z.enum(['debug', 'error', 'exception']),
    /** The managed package's namespace (e.g. "hint" → hint__Hint_Patient_Id__c); empty when unmanaged. */
    namespace: z
      .string()
      .regex(/^([A-Za-z][A-Za-z0-9]{0,14})?$/, 'must be a namespace prefix (letters and digits, up to 15) or empty'),
    /** Seconds between polls when CDC is not enabled for Contact. */
    pollEverySeconds: z.number().int().min(5).max(3600),
    /** Minutes between reconciliations (Get Updated / Get Deleted since the last one), whatever the capture. */
    reconcileEveryMinutes: z.number().int().min(1).max(1440),
  })
  .strict();

export type SalesforceSettings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: SalesforceSettings = {
  fieldMapping: DEFAULT_MAPPING,
  defaultAccountId: null,
  createContactWhenNoMatch: false,
  mirrorLogsToSalesforce: false,
  mirrorLogLevel: 'debug',
  namespace: '',
  pollEverySeconds: 60,
  reconcileEveryMinutes: 15,
};

export const settingsPatchSchema = settingsSchema.partial().strict();

/** Stored settings (with other keys the connection keeps there) → complete settings. */
export function readSettings(stored: Record<string, unknown>): SalesforceSettings {
  const keys = Object.keys(settingsSchema.shape);
  const picked = Object.fromEntries(Object.entries(stored).filter(([k]) => keys.includes(k)));
  const parsed = settingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...picked });
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

export function applySettingsPatch(
  current: SalesforceSettings,
  patch: z.infer<typeof settingsPatchSchema>,
): SalesforceSettings {
  return settingsSchema.parse({ ...current, ...patch });
}
