// Org verification (digest §12 step 1, go-live scenario 3): describe Contact and the log object
// and say exactly which of Tandem's package parts are missing or not writable, each with the
// way to fix it. Missing link fields block sync; the rest is shown as a warning.
import { IntegrationError } from '../../core/errors.ts';
import type { SalesforceClient } from './client.ts';
import {
  BATCH_RESULT_FIELD,
  BUTTONS,
  CONTACT_FIELDS,
  LINK_FIELDS,
  LOG_FIELDS,
  LOG_OBJECT,
  nsName,
} from './mapping-fields.ts';
import type { SalesforceSettings } from './settings.ts';

export interface Finding {
  /** blocking: sync cannot run; warning: a feature is off until it is fixed. */
  severity: 'blocking' | 'warning';
  kind: 'field' | 'object' | 'button';
  name: string;
  problem: string;
  fix: string;
}

export interface Verification {
  ok: boolean;
  checkedAt: string;
  findings: Finding[];
}

export const DEPLOY_FIX =
  'Deploy Tandem\'s metadata: `cd salesforce && sf project deploy start --target-org <your org>` (docs/salesforce.md "Deploying the metadata")';
const ACCESS_FIX =
  'Give the integration user edit access: assign the "Tandem Integration" permission set shipped in salesforce/ (Setup → Users → Permission Set Assignments)';

export async function verifyOrg(client: SalesforceClient, settings: SalesforceSettings): Promise<Verification> {
  const ns = settings.namespace;
  const findings: Finding[] = [];
  const contact = await client.describe('Contact');
  const fields = new Map(contact.fields.map((f) => [f.name, f]));
  const needed = new Map<string, 'blocking' | 'warning'>();
  for (const f of LINK_FIELDS) needed.set(nsName(ns, f), 'blocking');
  needed.set(nsName(ns, BATCH_RESULT_FIELD), 'warning');
  for (const rule of settings.fieldMapping) {
    const def = CONTACT_FIELDS[rule.contact] as { custom?: boolean; streetLine?: number };
    const name = def.streetLine ? 'MailingStreet' : def.custom ? nsName(ns, rule.contact) : rule.contact;
    if (!needed.has(name)) needed.set(name, 'warning');
  }
  for (const [name, severity] of needed) {
    const field = fields.get(name);
    if (!field)
      findings.push({
        severity,
        kind: 'field',
        name: `Contact.${name}`,
        problem: name === 'MiddleName' ? 'is not in this org (middle names are off)' : 'is missing',
        fix:
          name === 'MiddleName'
            ? 'Turn on middle names (Setup → User Interface) or map Middle Name to Hint_Middle_Name__c'
            : DEPLOY_FIX,
      });
    else if (!field.updateable)
      findings.push({
        severity,
        kind: 'field',
        name: `Contact.${name}`,
        problem: 'is not writable by the integration user',
        fix: ACCESS_FIX,
      });
  }
  findings.push(...(await verifyLogObject(client, ns, settings.mirrorLogsToSalesforce)));
  findings.push(...(await verifyButtons(client, ns)));
  return { ok: !findings.some((f) => f.severity === 'blocking'), checkedAt: new Date().toISOString(), findings };
}

async function verifyLogObject(client: SalesforceClient, ns: string, mirrored: boolean): Promise<Finding[]> {
  const name = nsName(ns, LOG_OBJECT);
  // Mirroring logs needs it: without it, the setting cannot be on.
  const severity = mirrored ? 'blocking' : 'warning';
  try {
    const log = await client.describe(name);
    const have = new Set(log.fields.map((f) => f.name));
    return LOG_FIELDS.filter((f) => !have.has(nsName(ns, f))).map((f) => ({
      severity,
      kind: 'field' as const,
      name: `${name}.${nsName(ns, f)}`,
      problem: 'is missing',
      fix: DEPLOY_FIX,
    }));
  } catch (e) {
    if (!isMissing(e)) throw e;
    return [{ severity, kind: 'object', name, problem: 'the log object is missing', fix: DEPLOY_FIX }];
  }
}

/** The two URL buttons on the Contact layout. Orgs that do not describe layouts get a warning to check by hand. */
async function verifyButtons(client: SalesforceClient, ns: string): Promise<Finding[]> {
  let names: Set<string>;
  try {
    const layouts = await client.request<{
      layouts?: { buttonLayoutSection?: { detailButtons?: { name: string }[] } }[];
    }>('GET', '/sobjects/Contact/describe/layouts');
    names = new Set(
      (layouts.layouts ?? []).flatMap((l) => (l.buttonLayoutSection?.detailButtons ?? []).map((b) => b.name)),
    );
  } catch (e) {
    if (!isMissing(e)) throw e;
    return BUTTONS.map((b) => ({
      severity: 'warning' as const,
      kind: 'button' as const,
      name: `Contact.${nsName(ns, b)}`,
      problem: 'could not be checked: this org does not describe its page layouts to the API',
      fix: 'Open a contact in Salesforce and check the "Sync to Hint" and "Unlink Patient" buttons are on the layout; if not, deploy salesforce/ and add them (Setup → Object Manager → Contact → Page Layouts)',
    }));
  }
  return BUTTONS.filter((b) => !names.has(nsName(ns, b)) && !names.has(b)).map((b) => ({
    severity: 'warning' as const,
    kind: 'button' as const,
    name: `Contact.${nsName(ns, b)}`,
    problem: 'is not on the Contact page layout',
    fix: `${DEPLOY_FIX}, then add the button to the Contact layout (Setup → Object Manager → Contact → Page Layouts)`,
  }));
}

const isMissing = (e: unknown) =>
  e instanceof IntegrationError && (e.status === 404 || e.code === 'INVALID_TYPE' || e.code === 'NOT_FOUND');
