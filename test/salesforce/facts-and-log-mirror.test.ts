// The Hint-owned acceptances (digest §9 fields 21–24): the member contract (Hint's patient
// agreement) and the HIPAA authorization, with their times, read from the Hint emulator into
// the Hint facts, shown by the API, and written to the linked contact's read-only fields —
// including when only the acceptance changes in Hint. Nothing flows back from Salesforce.
// And the log mirror: an Error-level action lands in the org's Hint_Log__c only when the
// setting is on, with record ids and the code, never the refused value.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHintWorld, tandemPatientOf, type HintWorld } from '../hint/support.ts';
import { startSfWorld, waitFor, type SfWorld } from './support.ts';

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

const contact = async (id: string) => (await w.sf('GET', `/sobjects/Contact/${id}`)).body;
const facts = async (id: string) => (await hint.hub.api('GET', `/api/v1/patients/${id}`)).body.hint;
const inHint = async (id: string) => (await hint.hint('GET', `/provider/patients/${id}`)).body;
/** Salesforce keeps DateTime to the second. */
const sameInstant = (a: unknown, b: unknown) =>
  typeof a === 'string' &&
  typeof b === 'string' &&
  Math.floor(Date.parse(a) / 1000) === Math.floor(Date.parse(b) / 1000);

it('member contract and HIPAA acceptances go Hint → Tandem facts → contact fields, read-only', async () => {
  const practice = `/practices/${hint.hintPracticeId}/patients`;
  const created = await hint.harness('POST', practice, {
    first_name: 'Ines',
    last_name: 'Abara',
    dob: '1979-11-02',
    patient_agreement_accepted: true,
  });
  expect(created.patient_agreement_accepted_at).toEqual(expect.any(String));
  const patientId = (await waitFor(() => tandemPatientOf(hint, created.id), 'the Hint patient in Tandem')).id as string;

  // Kept in the Hint facts and shown by the API (times as UTC instants).
  const before = await waitFor(async () => {
    const f = await facts(patientId);
    return f?.memberContractAccepted === true ? f : undefined;
  }, 'the member contract in the Hint facts');
  expect(before).toMatchObject({ hipaaAuthorizationAccepted: false, hipaaAuthorizationAcceptedAt: null });
  expect(sameInstant(before.memberContractAcceptedAt, created.patient_agreement_accepted_at)).toBe(true);

  // Manual sync: the contact gets the Hint-owned fields.
  const made = await w.harness('POST', '/ui/Contact', { fields: { FirstName: 'Ines', LastName: 'Abara' } });
  const contactId = made.body.Id as string;
  const linked = await w.hub.api('POST', `/api/v1/salesforce/contacts/${contactId}/link`, { patientId });
  expect(linked.status).toBe(200);
  const c = await contact(contactId);
  expect(c).toMatchObject({ Hint_Member_Contract_Accepted__c: true, Hint_HIPAA_Authorization_Accepted__c: false });
  expect(sameInstant(c.Hint_Member_Contract_Accepted_At__c, created.patient_agreement_accepted_at)).toBe(true);
  expect(c.Hint_HIPAA_Authorization_Accepted_At__c).toBeNull();

  // The patient accepts the HIPAA authorization in Hint: no demographic changes, yet it reaches the contact.
  const accepted = await hint.harness('PATCH', `${practice}/${created.id}`, { hipaa_authorization_accepted: true });
  expect(accepted.hipaa_authorization_accepted_at).toEqual(expect.any(String));
  const after = await waitFor(async () => {
    const x = await contact(contactId);
    return x.Hint_HIPAA_Authorization_Accepted__c === true ? x : undefined;
  }, 'the HIPAA acceptance on the contact');
  expect(sameInstant(after.Hint_HIPAA_Authorization_Accepted_At__c, accepted.hipaa_authorization_accepted_at)).toBe(
    true,
  );
  expect(await facts(patientId)).toMatchObject({ hipaaAuthorizationAccepted: true });

  // Read-only elsewhere: a partner cannot accept for the patient, and Salesforce's copy never flows back.
  const names = { first_name: 'Ines', last_name: 'Abara' }; // Hint wants them on every update
  const ignored = await hint.hint('PATCH', `/provider/patients/${created.id}`, {
    ...names,
    hipaa_authorization_accepted: false,
  });
  expect(ignored, JSON.stringify(ignored)).toMatchObject({ status: 200 });
  expect(ignored.body.hipaa_authorization_accepted).toBe(true);
  await w.sf('PATCH', `/sobjects/Contact/${contactId}`, {
    Hint_HIPAA_Authorization_Accepted__c: false,
    Email: 'ines@example.com',
  });
  await waitFor(async () => (await inHint(created.id)).email === 'ines@example.com', 'the email edit in Hint');
  expect((await inHint(created.id)).hipaa_authorization_accepted).toBe(true);
  expect(await facts(patientId)).toMatchObject({ hipaaAuthorizationAccepted: true });
}, 90_000);

it('mirrors an Error into Hint_Log__c when the setting is on, and nothing when it is off', async () => {
  const connection = (await w.hub.api('GET', '/api/v1/salesforce/connections')).body.data[0];
  expect(connection.settings.mirrorLogsToSalesforce).toBe(false); // off by default
  await w.harness('POST', '/rules/validation', {
    name: 'No_Blocked_Domain',
    object: 'Contact',
    errorCondition: "Email LIKE '%@blocked.example.com'",
    message: 'Clinic policy: that e-mail domain is not accepted',
  });
  /** A patient linked to a new contact, then an edit Salesforce refuses: an Error-level action. */
  const refusedEdit = async (first: string) => {
    const created = await hint.hub.api('POST', '/api/v1/patients', { firstName: first, lastName: 'Mirror' });
    expect(created.status).toBe(201);
    const made = await w.harness('POST', '/ui/Contact', { fields: { FirstName: first, LastName: 'Mirror' } });
    const contactId = made.body.Id as string;
    const linked = await w.hub.api('POST', `/api/v1/salesforce/contacts/${contactId}/link`, {
      patientId: created.body.id,
    });
    expect(linked.status).toBe(200);
    await hint.hub.api('PATCH', `/api/v1/patients/${created.body.id}`, { email: `${first}@blocked.example.com` });
    await waitFor(async () => {
      const p = (await hint.hub.api('GET', `/api/v1/patients/${created.body.id}`)).body;
      return p.links.find((l: any) => l.system === 'salesforce')?.status === 'errored';
    }, 'the refusal on the link');
    return contactId;
  };
  const logRows = async (contactId: string) =>
    (
      await w.sf(
        'GET',
        `/query?q=${encodeURIComponent(`SELECT Level__c, Message__c, Operation__c FROM Hint_Log__c WHERE Contact__c = '${contactId}'`)}`,
      )
    ).body.records as Record<string, unknown>[];

  /** Tandem's own Error lines about a contact (each refused push logs one). */
  const errorsAbout = async (contactId: string) =>
    (
      await w.hub.database.db.query(
        `SELECT count(*)::int AS n FROM log_entries WHERE level = 'error' AND message LIKE $1`,
        [`Contact ${contactId}:%`],
      )
    ).rows[0].n as number;

  const whileOff = await refusedEdit('Offelia');
  const refusedWhileOff = await errorsAbout(whileOff);
  const on = await w.hub.api('PATCH', `/api/v1/salesforce/connections/${connection.id}`, {
    settings: { mirrorLogsToSalesforce: true, mirrorLogLevel: 'error' },
  });
  expect(on.status).toBe(200);
  const whileOn = await refusedEdit('Onora');
  const rows = await waitFor(async () => {
    const r = await logRows(whileOn);
    return r.length > 0 ? r : undefined;
  }, 'the Error row in Hint_Log__c');
  // One row per refused push (a later change to the patient is refused again): all Errors.
  for (const row of rows)
    expect(row).toMatchObject({
      Level__c: 'Error',
      Operation__c: 'push-contact',
      Message__c: expect.stringContaining('FIELD_CUSTOM_VALIDATION_EXCEPTION'),
    });
  expect(JSON.stringify(rows)).not.toContain('blocked.example.com'); // never the refused value
  // The refusal while off happened first, and nothing of it reached the org (Debug lines neither).
  // (A later change to that patient, refused again once the mirror is on, is mirrored: it is an
  // Error while on. On a loaded machine one can still be on its way when the setting changes.)
  expect((await logRows(whileOff)).length).toBeLessThanOrEqual((await errorsAbout(whileOff)) - refusedWhileOff);
  await w.harness('DELETE', '/rules/validation/No_Blocked_Domain');
}, 90_000);
