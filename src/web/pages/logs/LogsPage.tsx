// /logs: the practice's sync log (ids and reasons, never patient details), filtered by level,
// connection and record, newest first; "Follow" reads new entries every second. The filters
// live in the URL (?level=error&connectionId=…&entityId=…), so a filtered view can be linked
// to and Back works.
import {
  Badge,
  Button,
  Code,
  Group,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api/client.ts';
import { useConnections, type LogEntry, type LogLevel, type Page } from '../../api/ops.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';

const levelColour: Record<LogLevel, string> = { debug: 'gray', error: 'orange', exception: 'red' };
const PAGE = 200;

function query(params: URLSearchParams, extra: Record<string, string | number>) {
  const q = new URLSearchParams({ limit: String(PAGE) });
  for (const key of ['level', 'connectionId', 'entityId']) {
    const v = params.get(key);
    if (v) q.set(key, v);
  }
  for (const [k, v] of Object.entries(extra)) q.set(k, String(v));
  return q.toString();
}

function RecordLink({ e }: { e: LogEntry }) {
  if (!e.entityId) return null;
  const short = e.entityId.length > 12 ? `${e.entityId.slice(0, 8)}…` : e.entityId;
  if (e.entityKind === 'patient')
    return (
      <Link to={`/patients/${e.entityId}`} title={e.entityId}>
        patient {short}
      </Link>
    );
  return (
    <Text size="xs" title={e.entityId} span>
      {e.entityKind ?? 'record'} {short}
    </Text>
  );
}

export default function LogsPage() {
  const [params, setParams] = useSearchParams();
  const connections = useConnections();
  const names = useMemo(() => new Map((connections.data?.data ?? []).map((c) => [c.id, c.name])), [connections.data]);
  const [follow, setFollow] = useState(false);
  const [record, setRecord] = useState(params.get('entityId') ?? '');
  const filterKey = query(params, {});
  // The newest page for these filters; older pages and followed entries are kept beside it.
  const latest = useQuery({
    queryKey: ['logs', filterKey],
    queryFn: () => api.get<Page<LogEntry>>(`/logs?${filterKey}`),
  });
  const [older, setOlder] = useState<LogEntry[]>([]);
  const [newer, setNewer] = useState<LogEntry[]>([]);
  const [olderDone, setOlderDone] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(null);
  useEffect(() => {
    setOlder([]);
    setNewer([]);
    setOlderDone(false);
  }, [filterKey]);
  // Kept oldest first (as the API pages them), shown newest first.
  const entries = [...older, ...(latest.data?.data ?? []), ...newer];
  const shown = [...entries].reverse();
  const lastId = entries.at(-1)?.id ?? 0;
  const lastIdRef = useRef(lastId);
  lastIdRef.current = lastId;

  useEffect(() => {
    if (!follow || !latest.data) return;
    const timer = window.setInterval(() => {
      void api
        .get<Page<LogEntry>>(`/logs?${query(params, { afterId: lastIdRef.current })}`)
        .then((page) => {
          setMoreError(null);
          if (page.data.length) setNewer((n) => [...n, ...page.data.filter((e) => e.id > lastIdRef.current)]);
        })
        .catch(setMoreError);
    }, 1000);
    return () => window.clearInterval(timer);
  }, [follow, latest.data, params]);

  const loadOlder = async () => {
    const first = entries[0]?.id;
    if (!first) return;
    try {
      const page = await api.get<Page<LogEntry>>(`/logs?${query(params, { beforeId: first })}`);
      setMoreError(null);
      setOlder((o) => [...page.data, ...o]);
      if (page.data.length < PAGE) setOlderDone(true);
    } catch (error) {
      setMoreError(error);
    }
  };

  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  };

  return (
    <>
      <PageHeader
        title="Logs"
        description="What Tandem did and why, per connection and record. Entries carry ids and reasons, never patient details."
      />
      <Group align="flex-end" mb="md" gap="md">
        <Stack gap={4}>
          <Text size="sm" fw={500} id="level-label">
            Level
          </Text>
          <SegmentedControl
            aria-labelledby="level-label"
            value={params.get('level') ?? 'debug'}
            onChange={(v) => set('level', v === 'debug' ? null : v)}
            data={[
              { value: 'debug', label: 'Everything' },
              { value: 'error', label: 'Errors' },
              { value: 'exception', label: 'Exceptions' },
            ]}
          />
        </Stack>
        <Select
          label="Connection"
          w={220}
          clearable
          placeholder="Every connection"
          data={(connections.data?.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
          value={params.get('connectionId')}
          onChange={(v) => set('connectionId', v)}
        />
        <form
          onSubmit={(e) => {
            e.preventDefault();
            set('entityId', record.trim() || null);
          }}
        >
          <Group gap={4} align="flex-end">
            <TextInput
              label="Record id"
              placeholder="A patient id, or a Hint id"
              w={220}
              value={record}
              onChange={(e) => setRecord(e.currentTarget.value)}
            />
            <Button type="submit" variant="default">
              Filter
            </Button>
          </Group>
        </form>
        <Switch
          label="Follow"
          description="New entries every second"
          checked={follow}
          onChange={(e) => setFollow(e.currentTarget.checked)}
        />
      </Group>
      {latest.isPending ? <Loading what="the log" /> : null}
      <ErrorAlert error={latest.error} title="Could not load the log" />
      <ErrorAlert error={moreError} title="Could not load more entries" />
      {latest.data && entries.length === 0 ? (
        <EmptyState
          title="Nothing logged for these filters"
          action={
            params.toString() ? (
              <Button variant="default" onClick={() => setParams({})}>
                Clear the filters
              </Button>
            ) : undefined
          }
        >
          {params.toString()
            ? 'Widen the level or clear the connection and record filters.'
            : 'Entries appear as Tandem syncs: connect a platform, or turn on Follow to watch them arrive.'}
        </EmptyState>
      ) : null}
      {entries.length > 0 ? (
        <>
          {follow ? (
            <Text size="xs" c="dimmed" mb="xs" role="status">
              Following: new entries appear at the top.
            </Text>
          ) : null}
          <Table striped withTableBorder verticalSpacing={4} data-testid="log-entries">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={170}>Time</Table.Th>
                <Table.Th w={90}>Level</Table.Th>
                <Table.Th>Message</Table.Th>
                <Table.Th w={150}>Connection</Table.Th>
                <Table.Th w={140}>Record</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td>
                    <Text size="xs">{new Date(e.createdAt).toLocaleString()}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={levelColour[e.level]} variant="light">
                      {e.level}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{e.message}</Text>
                    {Object.keys(e.context).length ? (
                      <Tooltip label={<Code block>{JSON.stringify(e.context, null, 1)}</Code>} multiline maw={480}>
                        <Text size="xs" c="dimmed" span tabIndex={0}>
                          details
                        </Text>
                      </Tooltip>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    {e.connectionId ? (
                      <Link to={`/connections/${e.connectionId}`}>
                        <Text size="xs" span>
                          {names.get(e.connectionId) ?? 'connection'}
                        </Text>
                      </Link>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <RecordLink e={e} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {!olderDone && entries.length >= PAGE ? (
            <Button variant="default" size="xs" mt="xs" onClick={() => void loadOlder()}>
              Older entries
            </Button>
          ) : null}
        </>
      ) : null}
    </>
  );
}
