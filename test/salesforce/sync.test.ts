// Contacts linked with patients, and through the hub with Hint (go-live scenarios 4, 5, 15, 17,
// 18, 20): manual "Sync to Hint" where the contact wins, live search, re-link, changes both ways
// with echo suppression, unlink, deleted contacts, Salesforce's refusals (a validation rule, a
// trigger) stored on the link. Real HTTP to both emulators; the real Tandem composition.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHintWorld, tandemPatientOf, type HintWorld } from '../hint/support.ts';
import { salesforceSettled, startSfWorld, waitFor, type SfWorld } from './support.ts';

let hint: HintWorld;
let w: SfWorld;

beforeAll(async () => {
  hint = await startHintWorld();
  await hint.connect();
  w = await startSfWorld({ hub: hint.hub });
  await w.connectJwt();
}, 60_000);
afterAll(async () => {
  await w?.stop();
  await hint?.stop();
});

async function hintPatient(fields: Record<string, unknown>) {
  const created = await hint.harness('POST', `/practices/${hint.hintPracticeId}/patients`, fields);
  const patient = await waitFor(() => tandemPatientOf(hint, created.id), 'the Hint patient in Tandem');
  await settled();
  return { hintId: created.id as string, patientId: patient.id as string };
}
/** No Salesforce job waiting (a new patient's contact matching runs a moment after it arrives). */
const settled = () => salesforceSettled(w.hub.database.db);
async function uiContact(fields: Record<string, unknown>): Promise<string> {
  const res = await w.harness('POST', '/ui/Contact', { fields });
  expect(res.status).toBe(201);
  return res.body.Id;
}
const contact = async (id: string) => (await w.sf('GET', `/sobjects/Contact/${id}`)).body;
const patient = async (id: string) => (await hint.hub.api('GET', `/api/v1/patients/${id}`)).body;
const inHint = async (id: string) => (await hint.hint('GET', `/provider/patients/${id}`)).body;
const sfLink = (p: any) => p.links.find((l: any) => l.system === 'salesforce');

describe('Salesforce contacts ↔ patients ↔ Hint', () => {
  let hana: { hintId: string; patientId: string };
  let contactId: string;

  it('sf scenario 04: manual sync, the contact wins where both have a value, blanks filled from the patient', async () => {
    hana = await hintPatient({
      first_name: 'Hana',
      last_name: 'Okafor',
      dob: '1985-03-14',
      email: 'hana@old.example.com',
      phones: [{ number: '4155550134', type: 'home' }],
    });
    contactId = await uiContact({
      FirstName: 'Hana',
      LastName: 'Okafor',
      Birthdate: '1985-03-14',
      Email: 'hana@new.example.com',
      MobilePhone: '+1 (415) 555-0199',
    });
    // Live search: the Hint patient, with what tells people apart.
    const search = await w.hub.api('GET', `/api/v1/salesforce/contacts/${contactId}/candidates?q=hana oka`);
    expect(search.status).toBe(200);
    expect(search.body.data).toEqual([
      expect.objectContaining({
        patientId: hana.patientId,
        dob: '1985-03-14',
        email: 'hana@old.example.com',
        hintPatientId: hana.hintId,
        membershipStatus: 'inactive',
        linkedContactId: null,
        linkedToThisContact: false,
      }),
    ]);

    const linked = await w.hub.api('POST', `/api/v1/salesforce/contacts/${contactId}/link`, {
      patientId: hana.patientId,
    });
    expect(linked.status).toBe(200);
    expect(linked.body).toMatchObject({ hintPatientId: hana.hintId, contactError: null });

    const c = await contact(contactId);
    expect(c).toMatchObject({
      Synced_to_Hint__c: true,
      Hint_Patient_Id__c: hana.hintId,
      Email: 'hana@new.example.com', // contact wins
      HomePhone: '+14155550134', // blank filled from the patient
    });
    const p = await patient(hana.patientId);
    expect(p.email).toBe('hana@new.example.com');
    expect(p.phones).toEqual(
      expect.arrayContaining([
        { type: 'home', number: '+14155550134' },
        { type: 'mobile', number: '+14155550199' },
      ]),
    );
    expect(sfLink(p)).toMatchObject({ remoteId: contactId, status: 'synced' });
    // Through the hub to Hint.
    await waitFor(async () => (await inHint(hana.hintId)).email === 'hana@new.example.com', 'the email in Hint');

    const page = await w.hub.api('GET', `/api/v1/salesforce/contacts/${contactId}`);
    expect(page.body).toMatchObject({
      contact: { id: contactId, syncedToHint: true, hintPatientId: hana.hintId },
      link: { patientId: hana.patientId, status: 'synced' },
      patient: { patientId: hana.patientId, linkedToThisContact: true },
    });
  });

  it("sf scenario 18: a user edit in Salesforce reaches Hint; Tandem's own writes do not come back as changes", async () => {
    const before = await patient(hana.patientId);
    await w.harness('PATCH', `/ui/Contact/${contactId}`, { fields: { Email: 'hana@edited.example.com' } });
    await waitFor(async () => (await inHint(hana.hintId)).email === 'hana@edited.example.com', 'the edit in Hint');
    const after = await patient(hana.patientId);
    expect(after.email).toBe('hana@edited.example.com');
    // One write for one edit: the echo of our own contact write changed nothing.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await patient(hana.patientId)).version).toBe(before.version + 1);
  });

  it('a change made in Hint reaches the contact (Hint → Tandem → Salesforce)', async () => {
    await hint.harness('PATCH', `/practices/${hint.hintPracticeId}/patients/${hana.hintId}`, {
      phones: [{ number: '4155550177', type: 'mobile' }],
    });
    await waitFor(async () => (await contact(contactId)).MobilePhone === '+14155550177', 'the phone on the contact');
  });

  it('the candidate list marks a patient already linked with another contact', async () => {
    const other = await uiContact({ FirstName: 'Hana', LastName: 'Okafor-Smith', Birthdate: '1990-01-01' });
    const search = await w.hub.api('GET', `/api/v1/salesforce/contacts/${other}/candidates?q=okafor`);
    expect(search.body.data[0]).toMatchObject({
      patientId: hana.patientId,
      linkedContactId: contactId,
      linkedToThisContact: false,
    });
  });

  it('sf scenario 05: re-linking a contact to another patient unlinks the previous one (audited)', async () => {
    const ines = await hintPatient({ first_name: 'Ines', last_name: 'Okafor', dob: '1960-07-02' });
    const res = await w.hub.api('POST', `/api/v1/salesforce/contacts/${contactId}/link`, { patientId: ines.patientId });
    expect(res.status).toBe(200);
    expect(res.body.unlinked).toEqual({ patientId: hana.patientId });
    expect(sfLink(await patient(hana.patientId))).toBeUndefined();
    expect(sfLink(await patient(ines.patientId))).toMatchObject({ remoteId: contactId });
    expect((await contact(contactId)).Hint_Patient_Id__c).toBe(ines.hintId);
    const { rows } = await w.hub.database.db.query(
      `SELECT action FROM audit_events WHERE entity_id = $1 AND action LIKE 'salesforce.%' ORDER BY id`,
      [hana.patientId],
    );
    expect(rows.map((r) => r.action)).toEqual(['salesforce.linked', 'salesforce.unlinked']);
    // Back to Hana for the next tests.
    await w.hub.api('POST', `/api/v1/salesforce/contacts/${contactId}/link`, { patientId: hana.patientId });
  });

  it("sf scenario 15: a validation rule's or a trigger's refusal is on the link with Salesforce's message, the log has the code, other contacts carry on, no retry", async () => {
    await w.harness('POST', '/rules/validation', {
      name: 'No_Example_Domain',
      object: 'Contact',
      errorCondition: "Email LIKE '%@blocked.example.com'",
      message: 'Clinic policy: that e-mail domain is not accepted',
    });
    await hint.hub.api('PATCH', `/api/v1/patients/${hana.patientId}`, { email: 'hana@blocked.example.com' });
    const link = await waitFor(async () => {
      const l = sfLink(await patient(hana.patientId));
      return l?.status === 'errored' ? l : undefined;
    }, 'the refusal on the link');
    expect(link.errorMessage).toBe(
      'Salesforce refused the update: FIELD_CUSTOM_VALIDATION_EXCEPTION: Clinic policy: that e-mail domain is not accepted',
    );
    // The log has the code; Salesforce's message (it may quote the value) stays on the link.
    const { rows: lines } = await w.hub.database.db.query(
      `SELECT level, message FROM log_entries WHERE entity_id = $1 AND level <> 'debug'`,
      [hana.patientId],
    );
    expect(lines).toEqual([
      {
        level: 'error',
        message: `Contact ${contactId}: Salesforce refused the update (FIELD_CUSTOM_VALIDATION_EXCEPTION); its message is on the link`,
      },
    ]);
    // Not retried: no push waits for another attempt. (A push queued by a later change of the
    // patient, such as Hint's answer to the same edit arriving on a loaded machine, is not a retry.)
    const { rows } = await w.hub.database.db.query(
      `SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'salesforce:push-contact' AND attempts > 0`,
    );
    expect(rows[0].n).toBe(0);

    // A change made in Salesforce to another field is taken in, but does not clear the refusal:
    // the patient still holds the e-mail the contact has not taken.
    await w.sf('PATCH', `/sobjects/Contact/${contactId}`, { MailingCity: 'Daly City' });
    const moved = await waitFor(async () => {
      const p = await patient(hana.patientId);
      return p.address?.city === 'Daly City' ? p : undefined;
    }, "the contact's change taken in");
    expect(moved.email).toBe('hana@blocked.example.com');
    expect(sfLink(moved)).toMatchObject({ status: 'errored', errorMessage: link.errorMessage });

    // The sync carries on with other contacts while Hana's is refused.
    const ada = await hintPatient({ first_name: 'Ada', last_name: 'Brandt', dob: '1971-05-06' });
    const adaContact = await uiContact({ FirstName: 'Ada', LastName: 'Brandt', Birthdate: '1971-05-06' });
    await w.hub.api('POST', `/api/v1/salesforce/contacts/${adaContact}/link`, { patientId: ada.patientId });
    await hint.hub.api('PATCH', `/api/v1/patients/${ada.patientId}`, { email: 'ada@fine.example.com' });
    await waitFor(async () => (await contact(adaContact)).Email === 'ada@fine.example.com', "Ada's e-mail written");

    // A trigger's failure (a fault stands in: the emulator runs no triggers): shown, tried once.
    await w.harness('POST', '/faults', {
      status: 400,
      errorCode: 'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY',
      count: 5,
      path: `/sobjects/Contact/${adaContact}`,
      method: 'PATCH',
    });
    await hint.hub.api('PATCH', `/api/v1/patients/${ada.patientId}`, { email: 'ada@trigger.example.com' });
    const adaLink = await waitFor(async () => {
      const l = sfLink(await patient(ada.patientId));
      return l?.status === 'errored' ? l : undefined;
    }, "the trigger's refusal on the link");
    expect(adaLink.errorMessage).toMatch(/^Salesforce refused the update: CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY: /);
    await settled();
    expect((await w.harness('GET', '/faults')).body).toEqual([expect.objectContaining({ hits: 1 })]);
    await w.harness('DELETE', '/faults');

    await w.harness('DELETE', '/rules/validation/No_Example_Domain');
    await hint.hub.api('PATCH', `/api/v1/patients/${hana.patientId}`, { email: 'hana@fine.example.com' });
    await waitFor(async () => sfLink(await patient(hana.patientId))?.status === 'synced', 'the link healed');
    expect((await contact(contactId)).Email).toBe('hana@fine.example.com');
  });

  it('sf scenario 20: a deleted contact marks the link and leaves the patient', async () => {
    const kim = await hintPatient({ first_name: 'Kim', last_name: 'Lau', dob: '1979-11-30' });
    const kimContact = await uiContact({ FirstName: 'Kim', LastName: 'Lau', Birthdate: '1979-11-30' });
    await w.hub.api('POST', `/api/v1/salesforce/contacts/${kimContact}/link`, { patientId: kim.patientId });
    await w.harness('DELETE', `/ui/Contact/${kimContact}`);
    const link = await waitFor(async () => {
      const l = sfLink(await patient(kim.patientId));
      return l?.errorMessage?.includes('deleted') ? l : undefined;
    }, 'the link marked');
    expect(link.status).toBe('errored');
    expect((await patient(kim.patientId)).firstName).toBe('Kim');
    expect((await inHint(kim.hintId)).first_name).toBe('Kim');
  });

  it("sf scenario 17: unlink clears the contact's link fields; later edits are not pushed", async () => {
    const res = await w.hub.api('POST', `/api/v1/salesforce/contacts/${contactId}/unlink`, {});
    expect(res.status).toBe(200);
    expect(await contact(contactId)).toMatchObject({ Hint_Patient_Id__c: null, Synced_to_Hint__c: false });
    expect(sfLink(await patient(hana.patientId))).toBeUndefined();
    await w.harness('PATCH', `/ui/Contact/${contactId}`, { fields: { Email: 'after-unlink@example.com' } });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await patient(hana.patientId)).email).toBe('hana@fine.example.com');
    const again = await w.hub.api('POST', `/api/v1/salesforce/contacts/${contactId}/unlink`, {});
    expect(again.status).toBe(409);
  });

  it('bad contact ids and patients are refused naming the field', async () => {
    const bad = await w.hub.api('GET', `/api/v1/salesforce/contacts/001000000000001/candidates?q=ab`);
    expect(bad.status).toBe(422);
    expect(bad.body.details[0].field).toBe('contactId');
    const noPatient = await w.hub.api('POST', `/api/v1/salesforce/contacts/${contactId}/link`, {
      patientId: '00000000-0000-4000-8000-000000000000',
    });
    expect(noPatient.status).toBe(422);
    expect(noPatient.body.details[0].field).toBe('patientId');
  });
});
