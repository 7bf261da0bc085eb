// The salesforce/ folder (source format) holds every package part the connector reads, writes
// or verifies: a renamed field on one side and not the other fails here, not in a clinic's org.
import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  BATCH_RESULT_FIELD,
  BUTTONS,
  CONTACT_FIELDS,
  LINK_FIELDS,
  LOG_FIELDS,
  LOG_OBJECT,
} from '../../src/connectors/salesforce/mapping-fields.ts';

const ROOT = 'salesforce/force-app/main/default/objects';
const names = async (dir: string, suffix: string) =>
  (await readdir(dir)).filter((f) => f.endsWith(suffix)).map((f) => f.slice(0, -suffix.length));

describe('salesforce/ metadata', () => {
  it('defines every custom Contact field the connector uses, the log object with its levels, and both buttons', async () => {
    const contactFields = await names(`${ROOT}/Contact/fields`, '.field-meta.xml');
    const custom = Object.entries(CONTACT_FIELDS)
      .filter(([, d]) => (d as { custom?: boolean }).custom)
      .map(([k]) => k);
    expect(contactFields.sort()).toEqual([...new Set([...LINK_FIELDS, BATCH_RESULT_FIELD, ...custom])].sort());
    expect((await names(`${ROOT}/${LOG_OBJECT}/fields`, '.field-meta.xml')).sort()).toEqual([...LOG_FIELDS].sort());
    const level = await readFile(`${ROOT}/${LOG_OBJECT}/fields/Level__c.field-meta.xml`, 'utf8');
    expect([...level.matchAll(/<fullName>(\w+)<\/fullName>/g)].map((m) => m[1]).slice(1)).toEqual([
      'Debug',
      'Error',
      'Exception',
    ]);
    expect((await names(`${ROOT}/Contact/webLinks`, '.webLink-meta.xml')).sort()).toEqual([...BUTTONS].sort());
    const sync = await readFile(`${ROOT}/Contact/webLinks/Sync_to_Hint.webLink-meta.xml`, 'utf8');
    expect(sync).toContain('<url>{!$Label.Tandem_Url}/salesforce/contacts/{!Contact.Id}</url>');
    const unique = await readFile(`${ROOT}/Contact/fields/Hint_Patient_Id__c.field-meta.xml`, 'utf8');
    expect(unique).toMatch(/<externalId>true<\/externalId>[\s\S]*<unique>true<\/unique>/);
  });
});
