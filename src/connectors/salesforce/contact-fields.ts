// Which Contact fields Tandem reads, and the link's bookkeeping: the snapshot of values both
// sides last agreed on (links.remote_data.agreed), kept in canonical form.
import type { Link } from '../../db/links.ts';
import { apiName, nsName, type MappingRule } from './mapping-fields.ts';
import type { Values } from './mapping.ts';
import type { SalesforceSettings } from './settings.ts';

export function readFields(settings: SalesforceSettings): string[] {
  const ns = settings.namespace;
  const names = new Set<string>(['Id', 'FirstName', 'LastName', 'Birthdate', 'Email', 'AccountId']);
  for (const rule of settings.fieldMapping as MappingRule[]) names.add(apiName(ns, rule.contact));
  for (const f of ['Hint_Patient_Id__c', 'Synced_to_Hint__c', 'Last_Batch_Sync_Id__c']) names.add(nsName(ns, f));
  return [...names];
}

export const agreedOf = (link: Pick<Link, 'remoteData'> | undefined): Values =>
  ((link?.remoteData as { agreed?: Values } | undefined)?.agreed ?? {}) as Values;

/** The link fields written on a contact linked to a patient (Hint's id when Hint has the patient). */
export function linkFieldValues(settings: SalesforceSettings, hintPatientId: string | null): Record<string, unknown> {
  return {
    [nsName(settings.namespace, 'Hint_Patient_Id__c')]: hintPatientId,
    [nsName(settings.namespace, 'Synced_to_Hint__c')]: true,
  };
}
