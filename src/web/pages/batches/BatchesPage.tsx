// /batches: every batch of the practice, newest first, with its progress; and the way to start
// the Hint initial sync: a preview (dry run) first, then the run from the preview's page.
import { Button, Card, Group, Progress, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api/client.ts';
import { actionLabel, batchKindLabel, isLive, useConnections, type BatchView } from '../../api/ops.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { AdminButton } from '../connections/AdminButton.tsx';
import { StatusBadge } from '../connections/StatusBadge.tsx';
import { useStartSync } from './BatchPage.tsx';

function StartSync() {
  const connections = useConnections();
  const hint = (connections.data?.data ?? []).filter((c) => c.system === 'hint' && c.status === 'active');
  const [chosen, setChosen] = useState<string | null>(null);
  const connectionId = chosen ?? hint[0]?.id ?? null;
  const start = useStartSync(connectionId);
  if (connections.isPending) return <Loading what="connections" />;
  return (
    <Card withBorder mb="lg">
      <Stack gap="xs">
        <Title order={2} size="h4">
          Hint initial sync
        </Title>
        {hint.length === 0 ? (
          <Text size="sm">
            No active Hint connection. <Link to="/connections">Connect Hint</Link> first; the set-up ends with this
            preview.
          </Text>
        ) : (
          <>
            <Text size="sm">
              Matches every Hint patient against Tandem’s, then links, creates, or sends the uncertain ones to review.
              Start with a preview: it writes nothing and shows what would happen.
            </Text>
            <Group align="flex-end">
              {hint.length > 1 ? (
                <Select
                  label="Connection"
                  data={hint.map((c) => ({ value: c.id, label: c.name }))}
                  value={connectionId}
                  onChange={setChosen}
                  allowDeselect={false}
                  w={280}
                />
              ) : null}
              <AdminButton onClick={() => start.mutate(true)} loading={start.isPending && start.variables === true}>
                Preview the initial sync
              </AdminButton>
            </Group>
            <ErrorAlert error={start.error} title="The preview did not start" />
          </>
        )}
      </Stack>
    </Card>
  );
}

const summary = (b: BatchView) =>
  Object.entries(b.counts)
    .filter(([, n]) => n > 0)
    .map(([a, n]) => `${actionLabel[a] ?? a} ${n.toLocaleString()}`)
    .join(' · ');

export default function BatchesPage() {
  const navigate = useNavigate();
  const batches = useInfiniteQuery({
    queryKey: ['batches'],
    initialPageParam: '',
    queryFn: ({ pageParam }) =>
      api.get<{ data: BatchView[]; nextBefore: string | null }>(
        `/batches?limit=25${pageParam ? `&before=${encodeURIComponent(pageParam)}` : ''}`,
      ),
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    // Running batches move: re-read the list every second while any is live.
    refetchInterval: (q) => (q.state.data?.pages.some((p) => p.data.some(isLive)) ? 1000 : false),
  });
  const rows = batches.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <>
      <PageHeader title="Batches" description="Initial syncs and other runs over many records, with their reports." />
      <StartSync />
      {batches.isPending ? <Loading what="batches" /> : null}
      <ErrorAlert error={batches.error} title="Could not load the batches" />
      {!batches.isPending && !batches.isError && rows.length === 0 ? (
        <EmptyState title="No batches yet">
          A batch appears here when an initial sync or its preview runs. Start one above.
        </EmptyState>
      ) : null}
      {rows.length > 0 ? (
        <Table highlightOnHover withTableBorder data-testid="batches">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Started</Table.Th>
              <Table.Th>Batch</Table.Th>
              <Table.Th w={130}>Status</Table.Th>
              <Table.Th w={160}>Progress</Table.Th>
              <Table.Th>Outcome</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((b) => (
              <Table.Tr key={b.id} style={{ cursor: 'pointer' }} onClick={() => void navigate(`/batches/${b.id}`)}>
                <Table.Td>{new Date(b.createdAt).toLocaleString()}</Table.Td>
                <Table.Td>
                  <Link to={`/batches/${b.id}`} onClick={(e) => e.stopPropagation()}>
                    {batchKindLabel(b.kind)}
                    {b.dryRun ? ' (preview)' : ''}
                  </Link>
                </Table.Td>
                <Table.Td>
                  <StatusBadge status={b.status} />
                </Table.Td>
                <Table.Td>
                  <Progress
                    value={b.progress.percent ?? 0}
                    animated={isLive(b)}
                    aria-label={`Progress of the batch started ${new Date(b.createdAt).toLocaleString()}`}
                  />
                  <Text size="xs" c="dimmed">
                    {b.processed.toLocaleString()}
                    {b.total !== null ? ` of ${b.total.toLocaleString()}` : ''}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{b.error ?? summary(b)}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      {batches.hasNextPage ? (
        <Button
          mt="sm"
          variant="default"
          onClick={() => void batches.fetchNextPage()}
          loading={batches.isFetchingNextPage}
        >
          Older batches
        </Button>
      ) : null}
    </>
  );
}
