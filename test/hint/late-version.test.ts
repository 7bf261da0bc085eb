// A Hint patient created in Tandem from a version older than the one Hint holds: the later
// version's event was handled first (it went to review while the patient was still unlinked,
// or a retried job ran behind it), so nothing would ever bring it in again. Hint's answer to
// the id write-back is its record as it is now, and Tandem merges it (the chaos suite found a
// patient left on its next-to-last surname this way).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConnection } from '../../src/connectors/hint/connection.ts';
import { absorbPatient } from '../../src/connectors/hint/inbound-patient.ts';
import { findLink } from '../../src/db/links.ts';
import { startHintWorld, tandemPatientOf, waitFor, worldDeps, type HintWorld } from './support.ts';

let w: HintWorld;
let connectionId: string;
beforeAll(async () => {
  w = await startHintWorld();
  connectionId = await w.connect();
  // Hint's own webhooks create nothing here: the test decides which version creates the patient.
  await w.hub.api('PATCH', `/api/v1/hint/connections/${connectionId}/settings`, { createInTandem: false });
});
afterAll(async () => {
  await w?.stop();
});

const settled = (hintId: string) =>
  waitFor(async () => {
    const { rows } = await w.hub.database.db.query(
      `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*)::int AS n FROM inbox
       WHERE connection_id = $1 AND payload->'object'->>'id' = $2`,
      [connectionId, hintId],
    );
    return rows[0].n >= 2 && rows[0].pending === 0;
  }, "Hint's webhooks for the patient processed");

describe('a Hint patient created from an older version', () => {
  it('ends with the values Hint holds now', async () => {
    const older = await w.harness('POST', `/practices/${w.hintPracticeId}/patients`, {
      first_name: 'Perpetua',
      last_name: 'Avonleigh',
      dob: '1971-03-09',
      email: 'perpetua.1@example.org',
    });
    const newer = await w.harness('PATCH', `/practices/${w.hintPracticeId}/patients/${older.id}`, {
      last_name: 'Brackenbury',
      email: 'perpetua.2@example.org',
    });
    await settled(older.id);
    expect(await tandemPatientOf(w, older.id)).toBeUndefined();

    const deps = await worldDeps(w);
    const loaded = await loadConnection(deps, w.hub.practiceId, connectionId);
    await absorbPatient(deps, loaded, older, { source: 'webhook', allowCreate: true });

    const patient = await tandemPatientOf(w, older.id);
    expect(patient).toMatchObject({ lastName: 'Brackenbury', email: 'perpetua.2@example.org' });
    const link = await findLink(w.hub.database.db, w.hub.practiceId, connectionId, 'patient', { remoteId: older.id });
    expect(Date.parse(link!.remoteVersion!)).toBeGreaterThanOrEqual(Date.parse(newer.updated_at));
    // Tandem took Hint's values: nothing of them was written back to Hint.
    const inHint = (await w.hint('GET', `/provider/patients/${older.id}`)).body;
    expect(inHint).toMatchObject({ last_name: 'Brackenbury', integration_record_id: patient.id });
  });
});
