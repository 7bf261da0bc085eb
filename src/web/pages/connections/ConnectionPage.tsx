// /connections/:id: one connection. Hint: status and health, field mapping, settings, initial
// sync, deactivate — or, right after connecting (?setup=…), the set-up steps. Healthengine:
// status and health (consent instructions when needed), settings, locations, re-link, disable.
import { Anchor, Badge, Card, Group, List, SimpleGrid, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { api } from '../../api/client.ts';
import { systemName } from '../patients/format.ts';
import { batchKindLabel, type BatchView, type Connection, type HintConnectionView } from '../../api/ops.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { AdminButton } from './AdminButton.tsx';
import { HealthengineConnection } from './HealthengineConnection.tsx';
import { SalesforceConnection } from './SalesforceConnection.tsx';
import { Deactivate } from './Deactivate.tsx';
import { HintSetup } from './HintSetup.tsx';
import { SandboxNotice } from './ConnectionsPage.tsx';
import { MAPPING_KEYS, patchHintSettings, SettingsEditor } from './SettingsEditor.tsx';
import { StatusBadge } from './StatusBadge.tsx';
import { useStartSync } from '../batches/BatchPage.tsx';

const when = (iso: unknown) => (typeof iso === 'string' ? new Date(iso).toLocaleString() : 'never');

function HintStatus({ view }: { view: HintConnectionView }) {
  const reconcile = (view.health as { reconcile?: Record<string, unknown> }).reconcile ?? {};
  return (
    <SimpleGrid cols={2} spacing="md">
      <Card withBorder>
        <Title order={3} size="h5" mb="xs">
          Hint practice
        </Title>
        <Text>{view.hintPracticeName ?? 'Unnamed practice'}</Text>
        <Text size="sm" c="dimmed" ff="monospace">
          {view.hintPracticeId}
        </Text>
        <Anchor href={view.integrationPageUrl} target="_blank" rel="noreferrer" size="sm">
          The integration in Hint
        </Anchor>
      </Card>
      <Card withBorder>
        <Title order={3} size="h5" mb="xs">
          Webhooks
        </Title>
        <Group gap="xs">
          <Badge color={view.webhook.registered ? 'teal' : 'orange'} variant="light">
            {view.webhook.registered ? 'registered' : 'not registered'}
          </Badge>
        </Group>
        <Text size="sm" c="dimmed" mt={4}>
          {view.webhook.registered
            ? `Hint sends changes to ${view.webhook.url}.`
            : 'Changes arrive by reconciliation only (every few minutes).'}
        </Text>
      </Card>
      <Card withBorder>
        <Title order={3} size="h5" mb="xs">
          Reconciliation
        </Title>
        <Text size="sm">Last run: {when(reconcile.lastRunAt)}</Text>
        <Text size="sm" c="dimmed">
          Catches what webhooks missed.{' '}
          {typeof reconcile.lastChanged === 'number' ? `The last run brought in ${reconcile.lastChanged} changes.` : ''}
        </Text>
      </Card>
      <Card withBorder>
        <Title order={3} size="h5" mb="xs">
          Connected
        </Title>
        <Text size="sm">Since {when(view.createdAt)}</Text>
        <Text size="sm" c="dimmed">
          Last change {when(view.updatedAt)}
        </Text>
      </Card>
    </SimpleGrid>
  );
}

function HintBatches({ connectionId }: { connectionId: string }) {
  const start = useStartSync(connectionId);
  const batches = useQuery({
    queryKey: ['batches', connectionId],
    queryFn: () => api.get<{ data: BatchView[] }>(`/batches?connectionId=${connectionId}&limit=10`),
  });
  return (
    <Stack gap="sm">
      <Text size="sm">
        The initial sync matches every Hint patient against Tandem’s. Preview it first: the preview writes nothing.
      </Text>
      <Group>
        <AdminButton onClick={() => start.mutate(true)} loading={start.isPending}>
          Preview the initial sync
        </AdminButton>
      </Group>
      <QueryState query={batches} what="this connection’s batches">
        {({ data }) =>
          data.length === 0 ? (
            <Text c="dimmed" size="sm">
              No batch has run for this connection yet.
            </Text>
          ) : (
            <Table withTableBorder>
              <Table.Tbody>
                {data.map((b) => (
                  <Table.Tr key={b.id}>
                    <Table.Td>
                      <Link to={`/batches/${b.id}`}>
                        {batchKindLabel(b.kind)}
                        {b.dryRun ? ' (preview)' : ''}
                      </Link>
                    </Table.Td>
                    <Table.Td>{new Date(b.createdAt).toLocaleString()}</Table.Td>
                    <Table.Td>
                      <StatusBadge status={b.status} />
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

function HintConnection({ connection }: { connection: Connection }) {
  const [params, setParams] = useSearchParams();
  const view = useQuery({
    queryKey: ['connection', connection.id, 'hint'],
    queryFn: () => api.get<HintConnectionView>(`/hint/connections/${connection.id}`),
  });
  const settings = useQuery({
    queryKey: ['connection', connection.id, 'settings'],
    queryFn: () => api.get<Record<string, unknown>>(`/hint/connections/${connection.id}/settings`),
  });
  const setup = params.get('setup');
  const tab = params.get('tab') ?? 'status';
  return (
    <QueryState query={view} what="the connection">
      {(v) => (
        <>
          <PageHeader
            title={v.name}
            description={
              <>
                Hint · <Link to="/connections">all connections</Link>
              </>
            }
            actions={
              <>
                <StatusBadge status={v.status} />
                {v.status !== 'deactivated' && !setup ? <Deactivate connection={connection} /> : null}
              </>
            }
          />
          <SandboxNotice compact />
          {v.statusMessage ? (
            <Text size="sm" mb="md" c={v.status === 'active' ? 'dimmed' : 'red.8'}>
              {v.statusMessage}
            </Text>
          ) : null}
          {setup ? (
            <QueryState query={settings} what="the field mapping">
              {(s) => <HintSetup connection={connection} settings={s} />}
            </QueryState>
          ) : (
            <Tabs value={tab} onChange={(t) => setParams(t && t !== 'status' ? { tab: t } : {})} keepMounted={false}>
              <Tabs.List mb="md">
                <Tabs.Tab value="status">Status</Tabs.Tab>
                <Tabs.Tab value="mapping">Field mapping</Tabs.Tab>
                <Tabs.Tab value="settings">Settings</Tabs.Tab>
                <Tabs.Tab value="sync">Initial sync</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="status">
                <HintStatus view={v} />
              </Tabs.Panel>
              <Tabs.Panel value="mapping">
                <QueryState query={settings} what="the field mapping">
                  {(s) => (
                    <SettingsEditor
                      connection={connection}
                      current={s}
                      only={MAPPING_KEYS}
                      save={patchHintSettings(connection.id)}
                      saveLabel="Save the mapping"
                    />
                  )}
                </QueryState>
              </Tabs.Panel>
              <Tabs.Panel value="settings">
                <QueryState query={settings} what="the settings">
                  {(s) => (
                    <SettingsEditor
                      connection={connection}
                      current={s}
                      only={Object.keys(s).filter((k) => !MAPPING_KEYS.includes(k))}
                      save={patchHintSettings(connection.id)}
                    />
                  )}
                </QueryState>
              </Tabs.Panel>
              <Tabs.Panel value="sync">
                <HintBatches connectionId={connection.id} />
              </Tabs.Panel>
            </Tabs>
          )}
        </>
      )}
    </QueryState>
  );
}

export default function ConnectionPage() {
  const { id } = useParams();
  const connection = useQuery({
    queryKey: ['connection', id],
    queryFn: () => api.get<Connection>(`/connections/${id}`),
  });
  return (
    <QueryState query={connection} what="the connection">
      {(c) =>
        c.system === 'hint' ? (
          <HintConnection connection={c} />
        ) : c.system === 'healthengine' ? (
          <HealthengineConnection connection={c} />
        ) : c.system === 'salesforce' ? (
          <SalesforceConnection connection={c} />
        ) : (
          <>
            <PageHeader title={c.name} description={systemName(c.system)} />
            <List>
              <List.Item>Status: {c.status}</List.Item>
            </List>
          </>
        )
      }
    </QueryState>
  );
}
