import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHintWorld, tandemPatientOf, waitFor, type HintWorld } from './support.ts';

let w: HintWorld;
let connectionId: string;
beforeAll(async () => {
  w = await startHintWorld();
  connectionId = await w.connect();
  // Tandem's patients stay out of Hint here, so that Hint's twins arrive unlinked.
  await w.hub.api('PATCH', `/api/v1/hint/connections/${connectionId}/settings`, { createInHint: false });
});
afterAll(async () => {
  await w?.stop();
});

const reviewFor = (hintId: string) =>
  waitFor(
    async () => (await w.hub.api('GET', '/api/v1/match-reviews')).body.data.find((r: any) => r.remoteId === hintId),
    'a match review',
  );

describe('uncertain matches from Hint', () => {
  it('go to review instead of a silent duplicate; accepting links, merges and writes our id back', async () => {
    const local = (
      await w.hub.api('POST', '/api/v1/patients', { firstName: 'Jordan', lastName: 'Quill', dob: '1980-04-12' })
    ).body;
    const twin = await w.harness('POST', `/practices/${w.hintPracticeId}/patients`, {
      first_name: 'Jordan',
      last_name: 'Quill',
      email: 'jordan@example.com',
    });
    const review = await reviewFor(twin.id);
    expect(review.candidates.map((c: any) => c.id)).toContain(local.id);
    expect(
      (await w.hub.database.db.query(`SELECT count(*)::int AS n FROM patients WHERE last_name = 'Quill'`)).rows[0].n,
    ).toBe(1);
    expect((await w.hub.api('POST', `/api/v1/match-reviews/${review.id}/accept`, { patientId: local.id })).status).toBe(
      200,
    );
    await waitFor(
      async () => (await w.hint('GET', `/provider/patients/${twin.id}`)).body.integration_record_id === local.id,
      'our id in Hint',
    );
    const merged = await waitFor(async () => {
      const p = await tandemPatientOf(w, twin.id);
      // The merged fields land before the write-back marks the link synced: wait for both.
      return p?.email === 'jordan@example.com' && p.links[0]?.status === 'synced' ? p : undefined;
    }, 'the merge');
    expect(merged).toMatchObject({
      id: local.id,
      dob: '1980-04-12',
      links: [expect.objectContaining({ status: 'synced' })],
    });
  });

  it('rejecting creates the Hint patient in Tandem as a person of its own', async () => {
    const local = (
      await w.hub.api('POST', '/api/v1/patients', { firstName: 'Robin', lastName: 'Vale', dob: '1975-01-20' })
    ).body;
    const other = await w.harness('POST', `/practices/${w.hintPracticeId}/patients`, {
      first_name: 'Robin',
      last_name: 'Vale',
    });
    const review = await reviewFor(other.id);
    expect((await w.hub.api('POST', `/api/v1/match-reviews/${review.id}/reject`)).status).toBe(200);
    const created = await waitFor(() => tandemPatientOf(w, other.id), 'the new patient');
    expect(created.id).not.toBe(local.id);
  });

  it('closes a review as superseded when a newer version of the Hint patient is decided automatically', async () => {
    await w.hub.api('POST', '/api/v1/patients', { firstName: 'Casey', lastName: 'Marlow', dob: '1988-06-30' });
    const twin = await w.harness('POST', `/practices/${w.hintPracticeId}/patients`, {
      first_name: 'Casey',
      last_name: 'Marlow',
    });
    const review = await reviewFor(twin.id);
    // The practice completes the Hint record: clearly someone else, so it is created in Tandem.
    await w.harness('PATCH', `/practices/${w.hintPracticeId}/patients/${twin.id}`, {
      first_name: 'Zebedee',
      last_name: 'Okonkwo-Hart',
      dob: '2001-12-03',
      email: 'zebedee@example.org',
    });
    const created = await waitFor(() => tandemPatientOf(w, twin.id), 'the Hint patient linked');
    expect(created).toMatchObject({ firstName: 'Zebedee', lastName: 'Okonkwo-Hart' });
    const closed = (await w.hub.api('GET', `/api/v1/match-reviews/${review.id}`)).body;
    expect(closed).toMatchObject({ status: 'superseded', resolvedBy: 'tandem', resolution: { linkedTo: created.id } });
    const pending = (await w.hub.api('GET', '/api/v1/match-reviews')).body.data;
    expect(pending.map((r: any) => r.id)).not.toContain(review.id);
    const refused = await w.hub.api('POST', `/api/v1/match-reviews/${review.id}/reject`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/newer version of the record was linked automatically/);
  });

  it('refuses, in words, to give a patient a second Hint record on one connection, and moves nothing', async () => {
    const local = (
      await w.hub.api('POST', '/api/v1/patients', { firstName: 'Imogen', lastName: 'Thackeray', dob: '1969-11-02' })
    ).body;
    const first = await w.harness('POST', `/practices/${w.hintPracticeId}/patients`, {
      first_name: 'Imogen',
      last_name: 'Thackeray',
      email: 'imogen@example.com',
    });
    const firstReview = await reviewFor(first.id);
    expect(firstReview.candidates[0]).toMatchObject({ id: local.id, alreadyLinkedTo: null });
    await w.hub.api('POST', `/api/v1/match-reviews/${firstReview.id}/accept`, { patientId: local.id });
    await waitFor(async () => (await tandemPatientOf(w, first.id))?.id === local.id, 'the first link');
    // A second Hint record of the same name: the review says its candidate is taken.
    const second = await w.harness('POST', `/practices/${w.hintPracticeId}/patients`, {
      first_name: 'Imogen',
      last_name: 'Thackeray',
      email: 'imogen.t@example.net',
    });
    const review = await reviewFor(second.id);
    expect(review.candidates.find((c: any) => c.id === local.id)?.alreadyLinkedTo).toBe(first.id);
    const refused = await w.hub.api('POST', `/api/v1/match-reviews/${review.id}/accept`, { patientId: local.id });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/already linked to another Hint record \(.+\).*merge them in Hint first/);
    expect(refused.body.details).toEqual([
      { field: 'patientId', message: `already linked to Hint record ${first.id}` },
    ]);
    expect((await w.hub.api('GET', `/api/v1/match-reviews/${review.id}`)).body.status).toBe('pending');
    expect((await tandemPatientOf(w, first.id))?.id).toBe(local.id);
    expect(await tandemPatientOf(w, second.id)).toBeUndefined();
  });
});
