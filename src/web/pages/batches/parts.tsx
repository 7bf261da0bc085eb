// Pieces of a batch shown on the batch page and in the connection set-up's preview: the live
// progress bar, the counts per action, and the per-record report as a paged table.
import { Badge, Button, Group, Progress, Select, SimpleGrid, Paper, Stack, Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/client.ts';
import { actionLabel, isLive, type BatchItemRow, type BatchView } from '../../api/ops.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading } from '../../components/Loading.tsx';

const seconds = (s: number) => (s < 90 ? `${s} s` : `${Math.round(s / 60)} min`);

export function BatchProgress({ batch }: { batch: BatchView }) {
  const { percent, perSecond, etaSeconds } = batch.progress;
  const live = isLive(batch);
  const words =
    batch.status === 'queued'
      ? 'Waiting for a worker to start it…'
      : batch.total === null
        ? `${batch.processed} records so far (counting the total…)`
        : `${batch.processed.toLocaleString()} of ${batch.total.toLocaleString()} records`;
  return (
    <Stack gap={4}>
      <Progress
        value={percent ?? (live ? 100 : 0)}
        animated={live}
        striped={live && percent === null}
        size="xl"
        aria-label="Batch progress"
        aria-valuetext={percent === null ? words : `${percent}%`}
        color={batch.status === 'failed' ? 'red' : batch.status === 'aborted' ? 'gray' : 'teal'}
        data-testid="batch-progress"
        data-percent={percent ?? ''}
      />
      <Group justify="space-between">
        <Text size="sm" aria-live="polite">
          {words}
          {percent !== null ? ` · ${percent}%` : ''}
        </Text>
        <Text size="sm" c="dimmed">
          {perSecond ? `${perSecond}/s` : ''}
          {etaSeconds !== null && live ? ` · about ${seconds(etaSeconds)} left` : ''}
        </Text>
      </Group>
    </Stack>
  );
}

/** The counts a preview or a run reports, the main actions first. */
export function BatchCounts({ batch }: { batch: BatchView }) {
  // Salesforce batches report their own outcomes (the ones written on each contact).
  const main = batch.kind.startsWith('salesforce:')
    ? ['linked', 'skipped-already-linked', 'skipped-multiple-matches', 'no-match', 'error']
    : ['link', 'create_local', 'create_remote', 'review', 'skip'];
  const others = Object.keys(batch.counts).filter((k) => !main.includes(k));
  return (
    <SimpleGrid cols={{ base: 3, md: 6 }} spacing="xs" data-testid="batch-counts">
      {[...main, ...others].map((action) => (
        <Paper key={action} withBorder p="xs">
          <Text size="xs" c="dimmed">
            {actionLabel[action] ?? action}
          </Text>
          <Text fw={700} size="lg" data-action={action}>
            {(batch.counts[action] ?? 0).toLocaleString()}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}

const actionColour: Record<string, string> = {
  link: 'teal',
  create_local: 'blue',
  create_remote: 'blue',
  review: 'orange',
  skip: 'gray',
  error: 'red',
  invoice_error: 'red',
};

/** The report, 50 lines at a time, filterable by action. `limit` caps it (a preview's sample). */
export function ReportTable({ batch, sample }: { batch: BatchView; sample?: number }) {
  const [action, setAction] = useState<string | null>(null);
  const pageSize = sample ?? 50;
  const items = useInfiniteQuery({
    queryKey: ['batch-items', batch.id, action, pageSize, batch.processed],
    initialPageParam: 0,
    queryFn: ({ pageParam }) =>
      api.get<{ data: BatchItemRow[]; nextAfterId: number | null }>(
        `/batches/${batch.id}/items?limit=${pageSize}&afterId=${pageParam}${action ? `&action=${action}` : ''}`,
      ),
    getNextPageParam: (last) => (sample ? undefined : (last.nextAfterId ?? undefined)),
    placeholderData: (previous) => previous,
  });
  const rows = items.data?.pages.flatMap((p) => p.data) ?? [];
  const actions = Object.keys(batch.counts);
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Select
          label="Show"
          size="xs"
          w={220}
          data={[
            { value: '', label: 'Every action' },
            ...actions.map((a) => ({ value: a, label: actionLabel[a] ?? a })),
          ]}
          value={action ?? ''}
          onChange={(v) => setAction(v || null)}
          allowDeselect={false}
        />
        <Button
          component="a"
          href={`/api/v1/batches/${batch.id}/report.csv`}
          download
          variant="default"
          size="xs"
          aria-label="Download the report as CSV"
        >
          Download CSV
        </Button>
      </Group>
      {items.isPending ? <Loading what="the report" /> : null}
      <ErrorAlert error={items.error} title="Could not load the report" />
      {!items.isPending && rows.length === 0 ? (
        <Text c="dimmed" size="sm">
          {isLive(batch) ? 'No records reported yet; lines appear as the batch works.' : 'No records in this report.'}
        </Text>
      ) : null}
      {rows.length > 0 ? (
        <Table striped withTableBorder verticalSpacing={4} data-testid="batch-report">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Remote id</Table.Th>
              <Table.Th>Tandem record</Table.Th>
              <Table.Th>Reason</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>{r.entityKind}</Table.Td>
                <Table.Td>
                  <Badge color={actionColour[r.action] ?? 'gray'} variant="light">
                    {actionLabel[r.action] ?? r.action}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="xs" ff="monospace">
                    {r.remoteId ?? '—'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {r.localId && r.entityKind === 'patient' ? (
                    <Link to={`/patients/${r.localId}`}>
                      <Text size="xs" ff="monospace" span>
                        {r.localId.slice(0, 8)}…
                      </Text>
                    </Link>
                  ) : (
                    <Text size="xs" ff="monospace">
                      {r.localId ? `${r.localId.slice(0, 8)}…` : '—'}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{r.message ?? ''}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      {items.hasNextPage ? (
        <div>
          <Button
            variant="default"
            size="xs"
            onClick={() => void items.fetchNextPage()}
            loading={items.isFetchingNextPage}
          >
            Show more
          </Button>
        </div>
      ) : null}
    </Stack>
  );
}
