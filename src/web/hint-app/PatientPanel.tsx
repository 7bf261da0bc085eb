// What Tandem knows about the patient open in Hint: whether and how it is linked (and why
// not), each link with its error, Hint's facts, Healthengine bookings and the sync timeline;
// "Retry sync" and "Link now" for the roles allowed to.
import { Anchor, Badge, Button, Group, Paper, SimpleGrid, Stack, Table, Tabs, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { EmptyState } from '../components/EmptyState.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { QueryState } from '../components/QueryState.tsx';
import { systemName } from '../pages/patients/format.ts';
import { appApi, type LinkedPanel as Linked, type Panel } from './api.ts';
import type { Permission } from '../../connectors/hint/app/roles.ts';

const STATUS_COLOURS: Record<string, string> = {
  linked: 'teal',
  synced: 'teal',
  enabled: 'blue',
  errored: 'red',
  under_review: 'yellow',
  unsynced: 'gray',
};

const LABELS: Record<string, string> = { under_review: 'under review' };

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge color={STATUS_COLOURS[status] ?? 'gray'} variant="light">
      {LABELS[status] ?? status}
    </Badge>
  );
}

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const money = (cents: unknown) => (typeof cents === 'number' ? `$${(cents / 100).toFixed(2)}` : '—');

function Facts({ hint }: { hint: Linked['hint'] }) {
  const rows: [string, unknown][] = [
    ['Membership', hint.membershipStatus],
    ['Plan', hint.planName],
    ['Balance', money(hint.balanceCents)],
    ['Employer', hint.employerName],
    ['Practitioner', hint.practitionerName],
  ];
  return (
    <SimpleGrid cols={5} spacing="xs">
      {rows.map(([label, value]) => (
        <div key={label}>
          <Text size="xs" c="dimmed">
            {label}
          </Text>
          <Text size="sm">{value === null || value === undefined || value === '' ? '—' : String(value)}</Text>
        </div>
      ))}
    </SimpleGrid>
  );
}

function Bookings({ bookings }: { bookings: Linked['bookings'] }) {
  const list = [
    ...bookings.upcoming.map((b) => ({ ...b, when: 'upcoming' })),
    ...bookings.past.map((b) => ({ ...b, when: 'past' })),
  ];
  if (list.length === 0)
    return (
      <EmptyState title="No Healthengine bookings">
        Bookings this patient makes on Healthengine appear here within seconds.
      </EmptyState>
    );
  return (
    <Table striped aria-label="Healthengine bookings">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>When</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Healthengine</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {list.map((b) => (
          <Table.Tr key={b.id} data-when={b.when}>
            <Table.Td>
              {when(b.start)} {b.when === 'upcoming' ? <Badge size="xs">upcoming</Badge> : null}
            </Table.Td>
            <Table.Td>{b.status.replaceAll('_', ' ')}</Table.Td>
            <Table.Td>
              {b.healthengine ? <StatusBadge status={b.healthengine.status} /> : '—'}
              {b.healthengine?.errorMessage ? (
                <Text size="xs" c="red">
                  {b.healthengine.errorMessage}
                </Text>
              ) : null}
            </Table.Td>
            <Table.Td>{b.source ?? ''}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Actions({ panel, permissions }: { panel: Panel; permissions: Permission[] }) {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ['hint-app-panel', panel.hintPatientId] });
  const link = useMutation({
    mutationFn: () => appApi.post<{ outcome: string }>(`/patients/${encodeURIComponent(panel.hintPatientId)}/link`),
    onSuccess: refresh,
  });
  const retry = useMutation({
    mutationFn: () => appApi.post<{ queued: boolean }>(`/patients/${encodeURIComponent(panel.hintPatientId)}/retry`),
    onSuccess: () => window.setTimeout(refresh, 1500),
  });
  const canLink = permissions.includes('link');
  const canRetry = permissions.includes('retry');
  return (
    <Stack gap={6}>
      <Group gap="xs">
        {panel.status === 'unsynced' ? (
          <Button
            size="xs"
            onClick={() => link.mutate()}
            loading={link.isPending}
            disabled={!canLink}
            title={canLink ? undefined : 'Your Tandem role does not allow linking (clinician or admin can)'}
          >
            Link now
          </Button>
        ) : null}
        {panel.status === 'errored' ? (
          <Button
            size="xs"
            variant="light"
            onClick={() => retry.mutate()}
            loading={retry.isPending}
            disabled={!canRetry}
          >
            Retry sync
          </Button>
        ) : null}
        {panel.status === 'unsynced' && !canLink ? (
          <Text size="xs" c="dimmed">
            Linking needs the Tandem clinician or admin role.
          </Text>
        ) : null}
      </Group>
      {link.isSuccess ? <Text size="sm">Tandem answered: {link.data.outcome.replaceAll('_', ' ')}.</Text> : null}
      {retry.isSuccess ? <Text size="sm">Queued: the status updates in a moment.</Text> : null}
      <ErrorAlert error={link.error ?? retry.error} title="That did not work" />
    </Stack>
  );
}

function LinkedView({ panel, permissions }: { panel: Linked; permissions: Permission[] }) {
  return (
    <Stack gap="sm">
      <Paper withBorder p="sm">
        <Group justify="space-between" align="flex-start">
          <div>
            <Group gap="xs">
              <StatusBadge status={panel.status} />
              <Text size="sm">{panel.reason}</Text>
            </Group>
            <Anchor href={panel.patient.consoleUrl} target="_blank" rel="noopener" size="sm">
              Open in Tandem
            </Anchor>
          </div>
          <Actions panel={panel} permissions={permissions} />
        </Group>
      </Paper>
      <Tabs defaultValue="links" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="links">Links</Tabs.Tab>
          <Tabs.Tab value="bookings">Bookings</Tabs.Tab>
          <Tabs.Tab value="timeline">Timeline</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="links" pt="sm">
          <Stack gap="sm">
            <Table aria-label="Links">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>System</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Last synced</Table.Th>
                  <Table.Th>Problem</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {panel.links.map((l) => (
                  <Table.Tr key={`${l.system}:${l.connectionId}`}>
                    <Table.Td>{systemName(l.system)}</Table.Td>
                    <Table.Td>
                      <StatusBadge status={l.status} />
                    </Table.Td>
                    <Table.Td>{l.lastSyncedAt ? when(l.lastSyncedAt) : 'never'}</Table.Td>
                    <Table.Td>
                      <Text size="sm" c={l.errorMessage ? 'red' : 'dimmed'}>
                        {l.errorMessage ?? '—'}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Facts hint={panel.hint} />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="bookings" pt="sm">
          <Bookings bookings={panel.bookings} />
        </Tabs.Panel>
        <Tabs.Panel value="timeline" pt="sm">
          {panel.timeline.length === 0 ? (
            <EmptyState title="Nothing recorded yet">
              Syncs, decisions and errors for this patient appear here.
            </EmptyState>
          ) : (
            <Stack gap={4} aria-label="Timeline">
              {panel.timeline.map((t, i) => (
                <Group key={i} gap="xs" wrap="nowrap">
                  <Text size="xs" c="dimmed" w={150}>
                    {when(t.at)}
                  </Text>
                  <Badge size="xs" color={t.level === 'debug' ? 'gray' : 'red'} variant="light">
                    {t.level}
                  </Badge>
                  <Text size="sm">{t.message}</Text>
                </Group>
              ))}
            </Stack>
          )}
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

export function PatientPanel({
  hintPatientId,
  permissions,
}: {
  hintPatientId: string | null;
  permissions: Permission[];
}) {
  const query = useQuery({
    queryKey: ['hint-app-panel', hintPatientId],
    queryFn: () => appApi.get<Panel>(`/patients/${encodeURIComponent(hintPatientId ?? '')}`),
    enabled: hintPatientId !== null,
  });
  if (hintPatientId === null)
    return (
      <EmptyState title="No patient open">Open a patient&apos;s chart in Hint to see what Tandem knows.</EmptyState>
    );
  return (
    <QueryState query={query} what="this patient">
      {(panel) =>
        panel.patient !== null ? (
          <LinkedView panel={panel} permissions={permissions} />
        ) : (
          <Paper withBorder p="md" data-testid="not-linked">
            <Group gap="xs" mb="xs">
              <StatusBadge status={panel.status} />
              <Text>{panel.reason}</Text>
            </Group>
            {panel.reviewUrl ? (
              <Anchor href={panel.reviewUrl} target="_blank" rel="noopener">
                Open the review in Tandem
              </Anchor>
            ) : (
              <Actions panel={panel} permissions={permissions} />
            )}
          </Paper>
        )
      }
    </QueryState>
  );
}
