// One patient (the page `integration_web_link` opens from Hint): links with their errors and
// "retry now", what Hint knows, demographics to edit, appointments, and the timeline.
import { Anchor, Button, Grid, Stack } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiError } from '../../api/client.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import type { PatientView } from '../../../http/schemas/records.ts';
import { AppointmentsCard } from './AppointmentsCard.tsx';
import { DemographicsForm } from './DemographicsForm.tsx';
import { dateTime, fullName } from './format.ts';
import { HintFactsCard, LinksCard } from './LinksCard.tsx';
import { TimelineCard } from './TimelineCard.tsx';

/** After "retry now": re-read the patient and its timeline every second for this long. */
const FOLLOW_MS = 20_000;

function PatientNotFound() {
  return (
    <>
      <PageHeader title="Patient not found" />
      <EmptyState
        title="This practice has no patient at this address"
        action={
          <Button component={Link} to="/patients" variant="default">
            Search the patients
          </Button>
        }
      >
        The patient may have been merged into another one or deleted, or belongs to another practice. If you work for
        several practices, switch practice at the top and open the link again.
      </EmptyState>
    </>
  );
}

export default function PatientPage() {
  const { id = '' } = useParams();
  const [followUntil, setFollowUntil] = useState(0);
  const following = followUntil > Date.now();
  useEffect(() => {
    if (!following) return;
    const timer = window.setTimeout(() => setFollowUntil(0), followUntil - Date.now());
    return () => window.clearTimeout(timer);
  }, [following, followUntil]);

  const patient = useQuery({
    queryKey: ['patients', 'one', id],
    queryFn: () => api.get<PatientView>(`/patients/${encodeURIComponent(id)}`),
    refetchInterval: following ? 1_000 : false,
  });

  if (patient.error instanceof ApiError && patient.error.status === 404) return <PatientNotFound />;
  return (
    <QueryState query={patient} what="the patient">
      {(p) => (
        <>
          <PageHeader
            title={fullName(p)}
            description={
              <>
                Patient since {dateTime(p.createdAt)} · last changed {dateTime(p.updatedAt)} ·{' '}
                <Anchor component={Link} to="/patients" inherit>
                  all patients
                </Anchor>
              </>
            }
          />
          <Stack gap="md">
            <Grid gap="md">
              <Grid.Col span={{ base: 12, md: 7 }}>
                <LinksCard patient={p} onRetryQueued={() => setFollowUntil(Date.now() + FOLLOW_MS)} />
              </Grid.Col>
              <Grid.Col span={{ base: 12, md: 5 }}>
                <HintFactsCard patient={p} />
              </Grid.Col>
            </Grid>
            <DemographicsForm patient={p} />
            <AppointmentsCard patientId={p.id} />
            <TimelineCard patientId={p.id} refreshing={following} />
          </Stack>
        </>
      )}
    </QueryState>
  );
}
