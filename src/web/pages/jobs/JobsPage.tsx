// /jobs: background jobs that used up their attempts, with their last error — retry one or all —
// and the inbox of stored inbound events (webhooks, poll results), any of which can be replayed:
// processed again as if it had just arrived. Every retry and replay is audited.
import { Badge, Button, Code, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../../api/client.ts';
import { useConnections, type FailedJob, type InboundSummary, type Page } from '../../api/ops.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';

function FailedJobs() {
  const client = useQueryClient();
  const jobs = useQuery({
    queryKey: ['jobs-failed'],
    queryFn: () => api.get<Page<FailedJob>>('/jobs/failed'),
    refetchInterval: 5000,
  });
  const retry = useMutation({
    mutationFn: (id: string | 'all') =>
      api.post(id === 'all' ? '/jobs/failed/retry' : `/jobs/${encodeURIComponent(id)}/retry`),
    onSuccess: () => client.invalidateQueries({ queryKey: ['jobs-failed'] }),
  });
  return (
    <QueryState query={jobs} what="failed jobs">
      {({ data }) => (
        <Stack gap="xs">
          <Group justify="space-between">
            <Title order={2} size="h4">
              Failed jobs
            </Title>
            {data.length > 0 ? (
              <Button
                onClick={() => retry.mutate('all')}
                loading={retry.isPending && retry.variables === 'all'}
                variant="default"
              >
                Retry all {data.length}
              </Button>
            ) : null}
          </Group>
          <ErrorAlert error={retry.error} title="Not retried" />
          {retry.isSuccess ? (
            <Text size="sm" c="teal.8" role="status">
              Queued again. A job that fails again comes back here with its new error.
            </Text>
          ) : null}
          {data.length === 0 ? (
            <EmptyState title="No failed jobs">
              Jobs that use up their attempts (a platform down for long, a record it refuses) appear here with their
              error. Fix the cause, then retry them.
            </EmptyState>
          ) : (
            <Table withTableBorder verticalSpacing={6} data-testid="failed-jobs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Job</Table.Th>
                  <Table.Th w={90}>Attempts</Table.Th>
                  <Table.Th>Last error</Table.Th>
                  <Table.Th w={160}>Failed</Table.Th>
                  <Table.Th w={90} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.map((j) => (
                  <Table.Tr key={j.id}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {j.task}
                      </Text>
                      <Text size="xs" c="dimmed">
                        #{j.id}
                        {j.queue ? ` · ${j.queue}` : ''}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {j.attempts} of {j.maxAttempts}
                    </Table.Td>
                    <Table.Td>
                      <Code block style={{ whiteSpace: 'pre-wrap', maxHeight: 120, overflow: 'auto' }}>
                        {j.lastError ?? 'no error recorded'}
                      </Code>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs">{new Date(j.updatedAt).toLocaleString()}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="xs"
                        onClick={() => retry.mutate(j.id)}
                        loading={retry.isPending && retry.variables === j.id}
                        aria-label={`Retry job ${j.id}`}
                      >
                        Retry
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
      )}
    </QueryState>
  );
}

const statusColour: Record<string, string> = { processed: 'teal', pending: 'blue', ignored: 'gray', failed: 'red' };

function Inbox() {
  const client = useQueryClient();
  const [params, setParams] = useSearchParams();
  const connections = useConnections();
  const names = useMemo(() => new Map((connections.data?.data ?? []).map((c) => [c.id, c.name])), [connections.data]);
  const connectionId = params.get('inboxConnection');
  const status = params.get('inboxStatus');
  const filter = new URLSearchParams({ limit: '50' });
  if (connectionId) filter.set('connectionId', connectionId);
  if (status) filter.set('status', status);
  const events = useQuery({
    queryKey: ['inbox', filter.toString()],
    queryFn: () => api.get<Page<InboundSummary>>(`/inbox?${filter}`),
    // A replayed event turns pending, then processed: watch it while any is pending.
    refetchInterval: (q) => (q.state.data?.data.some((e) => e.status === 'pending') ? 1000 : false),
  });
  const replay = useMutation({
    mutationFn: (id: number) => api.post<InboundSummary>(`/inbox/${id}/replay`),
    onSuccess: () => client.invalidateQueries({ queryKey: ['inbox'] }),
  });
  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  };
  return (
    <Stack gap="xs" mt="xl">
      <Title order={2} size="h4">
        Inbound events
      </Title>
      <Text size="sm" c="dimmed">
        Every webhook and poll result is stored before it is processed. Replay one to process it again as if it had just
        arrived (it changes nothing a second time if it was already taken in).
      </Text>
      <Group>
        <Select
          label="Connection"
          w={220}
          clearable
          placeholder="Every connection"
          data={(connections.data?.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
          value={connectionId}
          onChange={(v) => set('inboxConnection', v)}
        />
        <Select
          label="Status"
          w={180}
          clearable
          placeholder="Any status"
          data={['pending', 'processed', 'ignored', 'failed']}
          value={status}
          onChange={(v) => set('inboxStatus', v)}
        />
      </Group>
      <ErrorAlert error={replay.error} title="Not replayed" />
      <QueryState query={events} what="inbound events">
        {({ data }) =>
          data.length === 0 ? (
            <EmptyState title="No inbound events here">
              Events appear as platforms send them: a change in Hint, a booking on Healthengine.
            </EmptyState>
          ) : (
            <Table withTableBorder verticalSpacing={4} data-testid="inbox">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={160}>Received</Table.Th>
                  <Table.Th>Event</Table.Th>
                  <Table.Th w={140}>Connection</Table.Th>
                  <Table.Th w={120}>Status</Table.Th>
                  <Table.Th w={90} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td>
                      <Text size="xs">{new Date(e.receivedAt).toLocaleString()}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{e.eventType}</Text>
                      <Text size="xs" c="dimmed" ff="monospace">
                        #{e.id} · {e.sourceEventId.slice(0, 40)}
                      </Text>
                      {e.error ? (
                        <Text size="xs" c={e.status === 'failed' ? 'red.8' : 'dimmed'}>
                          {e.error}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs">{names.get(e.connectionId) ?? 'connection'}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={statusColour[e.status] ?? 'gray'} variant="light">
                        {e.status}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => replay.mutate(e.id)}
                        loading={replay.isPending && replay.variables === e.id}
                        disabled={e.status === 'pending'}
                        aria-label={`Replay event ${e.id}`}
                      >
                        Replay
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )
        }
      </QueryState>
    </Stack>
  );
}

export default function JobsPage() {
  return (
    <>
      <PageHeader
        title="Jobs"
        description="Work that failed after every retry, and the inbound events Tandem has stored. Retries and replays are audited."
      />
      <FailedJobs />
      <Inbox />
    </>
  );
}
