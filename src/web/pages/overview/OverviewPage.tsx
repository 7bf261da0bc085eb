// The first page: one card per connection — status, health in words, last successful sync, and
// the counts that need someone (errored / unsynced links, pending reviews, failed jobs), each a
// link to the list that shows them.
import { Anchor, Badge, Card, Group, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../../api/client.ts';
import { useCurrentSession, useIsAdmin } from '../../api/session.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import type { ConnectionOverview, Overview } from '../../../http/schemas/records.ts';
import { ago, dateTime, statusColor, systemName } from '../patients/format.ts';

export const OVERVIEW_KEY = ['overview'] as const;

function Count({ n, label, to, tone }: { n: number; label: string; to: string; tone: string }) {
  const text = (
    <>
      <Text component="span" fw={700} c={n > 0 ? tone : undefined}>
        {n.toLocaleString()}
      </Text>{' '}
      {label}
    </>
  );
  return (
    <Text size="sm">
      {n > 0 ? (
        <Anchor component={Link} to={to} inherit>
          {text}
        </Anchor>
      ) : (
        text
      )}
    </Text>
  );
}

function ConnectionCard({ c }: { c: ConnectionOverview }) {
  const patientsLink = (status: string) => `/patients?${c.system}=${status}`;
  return (
    <Card withBorder padding="md" component="section" aria-label={`${c.name} (${systemName(c.system)})`}>
      <Group justify="space-between" wrap="nowrap" mb="xs">
        <Stack gap={0}>
          <Title order={2} size="h4">
            {c.name}
          </Title>
          <Text size="xs" c="dimmed">
            {systemName(c.system)}
          </Text>
        </Stack>
        <Badge color={statusColor[c.status] ?? 'gray'} variant="light">
          {c.status.replaceAll('_', ' ')}
        </Badge>
      </Group>
      {c.health.ok ? (
        <Text size="sm" c="teal.8" fw={500}>
          Healthy
        </Text>
      ) : (
        <List size="sm" c="red.8" spacing={2} aria-label="Problems">
          {c.health.problems.map((p) => (
            <List.Item key={p}>{p}</List.Item>
          ))}
        </List>
      )}
      {c.health.facts.length > 0 ? (
        <Text size="xs" c="dimmed" mt={2}>
          {c.health.facts.join(' · ')}
        </Text>
      ) : null}
      <Text size="sm" mt="sm">
        Last successful sync:{' '}
        <Text component="span" fw={500} title={dateTime(c.lastSyncedAt)}>
          {ago(c.lastSyncedAt)}
        </Text>
      </Text>
      <SimpleGrid cols={2} spacing={4} mt="xs">
        <Count n={c.patientLinks.errored} label="errored patient links" to={patientsLink('errored')} tone="red" />
        <Count
          n={c.patientLinks.unsynced}
          label="unsynced patient links"
          to={patientsLink('unsynced')}
          tone="yellow.8"
        />
        <Count n={c.pendingReviews} label="reviews waiting" to="/reviews" tone="orange" />
        <Count n={c.failedJobs} label="failed jobs" to="/jobs" tone="red" />
      </SimpleGrid>
      <Text size="xs" c="dimmed" mt="xs">
        {c.patientLinks.linked.toLocaleString()} patients linked ·{' '}
        <Anchor component={Link} to={`/patients?${c.system}=synced`} inherit>
          browse them
        </Anchor>
      </Text>
    </Card>
  );
}

export default function OverviewPage() {
  const session = useCurrentSession();
  const admin = useIsAdmin();
  // Refreshed every 15 s: the counts move as syncs run.
  const overview = useQuery({
    queryKey: OVERVIEW_KEY,
    queryFn: () => api.get<Overview>('/overview'),
    refetchInterval: 15_000,
  });
  return (
    <>
      <PageHeader title="Overview" description={session.practice.name} />
      <QueryState query={overview} what="the overview">
        {(o) => (
          <Stack>
            <Group gap="xl">
              <Count n={o.pendingReviews} label="matches waiting for review" to="/reviews" tone="orange" />
              <Count n={o.failedJobs} label="failed jobs in this practice" to="/jobs" tone="red" />
            </Group>
            {o.connections.length === 0 ? (
              <EmptyState
                title="No connections yet"
                action={
                  admin ? (
                    <Anchor component={Link} to="/connections">
                      Go to Connections
                    </Anchor>
                  ) : null
                }
              >
                {admin
                  ? 'Connect Hint or link a Healthengine practice on the Connections page; each connection then gets a card here.'
                  : 'An admin of this practice connects Hint or Healthengine; each connection then gets a card here.'}
              </EmptyState>
            ) : (
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
                {o.connections.map((c) => (
                  <ConnectionCard key={c.id} c={c} />
                ))}
              </SimpleGrid>
            )}
          </Stack>
        )}
      </QueryState>
    </>
  );
}
