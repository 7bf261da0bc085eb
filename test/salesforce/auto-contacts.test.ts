// A new Hint patient meets Salesforce (go-live scenarios 6–8): no contact with its name and date
// of birth → a contact in the Default Account when the setting is on (nothing, and a log line,
// when off); one unsynced contact → linked, the patient's values winning and its blanks filled;
// an already-synced contact is not taken.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHintWorld, tandemPatientOf, type HintWorld } from '../hint/support.ts';
import { startSfWorld, waitFor, type SfWorld } from './support.ts';

let hint: HintWorld;
let w: SfWorld;
let connectionId: string;
let accountId: string;

beforeAll(async () => {
  hint = await startHintWorld();
  await hint.connect();
  w = await startSfWorld({ hub: hint.hub });
  accountId = (
    await w.sf('GET', `/query?q=${encodeURIComponent("SELECT Id FROM Account WHERE Name = 'Hint Patients (Default)'")}`)
  ).body.records[0].Id;
  connectionId = await w.connectJwt({ createContactWhenNoMatch: true, defaultAccountId: accountId });
}, 60_000);
afterAll(async () => {
  await w?.stop();
  await hint?.stop();
});

async function newHintPatient(fields: Record<string, unknown>) {
  const created = await hint.harness('POST', `/practices/${hint.hintPracticeId}/patients`, fields);
  const patient = await waitFor(() => tandemPatientOf(hint, created.id), 'the Hint patient in Tandem');
  return { hintId: created.id as string, patientId: patient.id as string };
}
const sfLinkOf = async (patientId: string) =>
  (await hint.hub.api('GET', `/api/v1/patients/${patientId}`)).body.links.find((l: any) => l.system === 'salesforce');
const contact = async (id: string) => (await w.sf('GET', `/sobjects/Contact/${id}`)).body;
/** How many requests a fault has met (1 once it is used up and gone). */
const faultHits = async (id: number) =>
  ((await w.harness('GET', '/faults')).body as { id: number; hits: number }[]).find((f) => f.id === id)?.hits ?? 1;

describe('automatic contact creation', () => {
  it('sf scenario 06: a new patient with no match gets a contact in the Default Account, synced, with its fields', async () => {
    const p = await newHintPatient({
      first_name: 'Tui',
      last_name: 'Ngata',
      dob: '1992-08-19',
      email: 'tui@example.com',
      phones: [{ number: '4155550111', type: 'mobile' }],
    });
    const link = await waitFor(() => sfLinkOf(p.patientId), 'a contact for the new patient');
    const c = await waitFor(async () => {
      const x = await contact(link.remoteId);
      return x.Hint_Patient_Id__c ? x : undefined;
    }, 'the Hint id on the contact');
    expect(c).toMatchObject({
      FirstName: 'Tui',
      LastName: 'Ngata',
      Birthdate: '1992-08-19',
      Email: 'tui@example.com',
      MobilePhone: '+14155550111',
      AccountId: accountId,
      Synced_to_Hint__c: true,
      Hint_Patient_Id__c: p.hintId,
    });
    const { rows } = await w.hub.database.db.query(
      `SELECT level, message FROM log_entries WHERE connection_id = $1 AND entity_id = $2`,
      [connectionId, p.patientId],
    );
    expect(rows).toEqual(
      expect.arrayContaining([expect.objectContaining({ level: 'debug', message: expect.stringMatching(/created/) })]),
    );
  });

  it('sf scenario 07: one unsynced match is linked (the patient wins, blanks filled); an already-synced match is not taken', async () => {
    const existing = await w.harness('POST', '/ui/Contact', {
      fields: {
        FirstName: 'Wiremu',
        LastName: 'Hale',
        Birthdate: '1988-02-02',
        Email: 'old@example.com',
        HomePhone: '+1 415 555 0122',
      },
    });
    const p = await newHintPatient({
      first_name: 'Wiremu',
      last_name: 'Hale',
      dob: '1988-02-02',
      email: 'new@example.com',
    });
    const link = await waitFor(() => sfLinkOf(p.patientId), 'the match linked');
    expect(link.remoteId).toBe(existing.body.Id);
    const c = await waitFor(async () => {
      const x = await contact(existing.body.Id);
      return x.Synced_to_Hint__c ? x : undefined;
    }, 'the contact synced');
    expect(c.Email).toBe('new@example.com'); // the patient wins
    const patient = (await hint.hub.api('GET', `/api/v1/patients/${p.patientId}`)).body;
    expect(patient.phones).toEqual(expect.arrayContaining([{ type: 'home', number: '+14155550122' }])); // blank filled

    // A contact already synced (to some other Hint record) with a new patient's demographics is not taken.
    await w.harness('POST', '/ui/Contact', {
      fields: { FirstName: 'Mere', LastName: 'Kawa', Birthdate: '1966-06-06', Synced_to_Hint__c: true },
    });
    const mere = await newHintPatient({ first_name: 'Mere', last_name: 'Kawa', dob: '1966-06-06' });
    await waitFor(async () => {
      const { rows } = await w.hub.database.db.query(
        `SELECT message FROM log_entries WHERE connection_id = $1 AND entity_id = $2`,
        [connectionId, mere.patientId],
      );
      return rows.some((r) => /already synced; not taken/.test(r.message));
    }, 'the skip logged');
    expect(await sfLinkOf(mere.patientId)).toBeUndefined();
  });

  it('a patient linked by hand while its contact is being made keeps the hand link, and no second contact is left', async () => {
    // Salesforce answers the contact's creation slowly (3 s), and a person links the patient in that time.
    const fault = (
      await w.harness('POST', '/faults', { latencyMs: 3000, path: '/sobjects/Contact', method: 'POST', count: 1 })
    ).body.id as number;
    const hits = () => faultHits(fault);
    const chosen = (await w.harness('POST', '/ui/Contact', { fields: { FirstName: 'Rua', LastName: 'Handpicked' } }))
      .body.Id as string;
    const p = await newHintPatient({ first_name: 'Rua', last_name: 'Handpicked', dob: '1983-02-14' });
    await waitFor(async () => (await hits()) >= 1, 'the new contact on its way');
    const linked = await w.hub.api('POST', `/api/v1/salesforce/contacts/${chosen}/link`, { patientId: p.patientId });
    expect(linked.status).toBe(200);
    await waitFor(async () => {
      const { rows } = await w.hub.database.db.query(
        `SELECT message FROM log_entries WHERE connection_id = $1 AND entity_id = $2`,
        [connectionId, p.patientId],
      );
      return rows.some((r) => /linked by hand meanwhile/.test(r.message));
    }, 'the automatic contact given up');
    // (Salesforce refuses the second contact with the patient's Hint id, DUPLICATE_VALUE; had it
    // been made, Tandem would delete it.) No Exception: nothing failed.
    const { rows: levels } = await w.hub.database.db.query(
      `SELECT level FROM log_entries WHERE connection_id = $1 AND (entity_id = $2 OR message LIKE '%new-patient failed%')`,
      [connectionId, p.patientId],
    );
    expect(levels.map((r) => r.level)).not.toContain('exception');
    expect((await sfLinkOf(p.patientId)).remoteId).toBe(chosen);
    const same = await w.sf(
      'GET',
      `/query?q=${encodeURIComponent("SELECT Id FROM Contact WHERE FirstName = 'Rua' AND LastName = 'Handpicked'")}`,
    );
    expect(same.body.records.map((r: { Id: string }) => r.Id)).toEqual([chosen]);
    expect((await contact(chosen)).Synced_to_Hint__c).toBe(true);
  });

  it("a contact made while the patient was linked by hand is deleted, and the hand link's contact gets the patient's Hint id", async () => {
    // Salesforce makes the contact at once but its answer comes late (3 s): in that time a person
    // links the patient with another contact, whose write Salesforce refuses (DUPLICATE_VALUE: the
    // new contact already holds the patient's Hint id).
    const fault = (
      await w.harness('POST', '/faults', {
        latencyAfterMs: 3000,
        path: '/sobjects/Contact',
        method: 'POST',
        count: 1,
      })
    ).body.id as number;
    const hits = () => faultHits(fault);
    const named = async () =>
      (
        await w.sf(
          'GET',
          `/query?q=${encodeURIComponent("SELECT Id FROM Contact WHERE FirstName = 'Mere' AND LastName = 'Latecomer'")}`,
        )
      ).body.records.map((r: { Id: string }) => r.Id) as string[];
    const chosen = (await w.harness('POST', '/ui/Contact', { fields: { FirstName: 'Mere', LastName: 'Latecomer' } }))
      .body.Id as string;
    const p = await newHintPatient({ first_name: 'Mere', last_name: 'Latecomer', dob: '1979-06-30' });
    await waitFor(async () => (await hits()) >= 1 && (await named()).length === 2, 'the new contact made');
    const linked = await w.hub.api('POST', `/api/v1/salesforce/contacts/${chosen}/link`, { patientId: p.patientId });
    expect(linked.status).toBe(200);
    expect(linked.body.contactError).toMatch(/DUPLICATE_VALUE/);
    await waitFor(async () => {
      const { rows } = await w.hub.database.db.query(
        `SELECT message FROM log_entries WHERE connection_id = $1 AND entity_id = $2`,
        [connectionId, p.patientId],
      );
      return rows.some((r) => /just made is deleted/.test(r.message));
    }, 'the late contact deleted');
    expect(await named()).toEqual([chosen]);
    // The hand link heals: its contact now carries the patient's Hint id, and the link is synced.
    const healed = await waitFor(async () => {
      const l = await sfLinkOf(p.patientId);
      return l?.status === 'synced' ? l : undefined;
    }, 'the hand link synced');
    expect(healed.remoteId).toBe(chosen);
    expect(await contact(chosen)).toMatchObject({ Hint_Patient_Id__c: p.hintId, Synced_to_Hint__c: true });
    const { rows: levels } = await w.hub.database.db.query(
      `SELECT level FROM log_entries WHERE connection_id = $1 AND entity_id = $2 AND level = 'exception'`,
      [connectionId, p.patientId],
    );
    expect(levels).toEqual([]);
  });

  it('sf scenario 08: with the setting off, no contact is made and the log says why', async () => {
    await w.hub.api('PATCH', `/api/v1/salesforce/connections/${connectionId}`, {
      settings: { createContactWhenNoMatch: false },
    });
    const p = await newHintPatient({ first_name: 'Aroha', last_name: 'Pene', dob: '1975-12-12' });
    await waitFor(async () => {
      const { rows } = await w.hub.database.db.query(
        `SELECT message FROM log_entries WHERE connection_id = $1 AND entity_id = $2`,
        [connectionId, p.patientId],
      );
      return rows.some((r) => /none created/.test(r.message));
    }, 'the explanation logged');
    expect(await sfLinkOf(p.patientId)).toBeUndefined();
  });
});
