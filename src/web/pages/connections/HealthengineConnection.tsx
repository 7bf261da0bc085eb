// One Healthengine link: status and health (with the consent steps when Healthengine refuses
// the key), its settings (generated form), the locations it covers, a new practice ID and key,
// resync, disable / enable.
import { Alert, Card, Group, PasswordInput, SimpleGrid, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api/client.ts';
import type { Connection, HealthengineConnectionView } from '../../api/ops.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { fieldErrors } from '../../components/fields.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { AdminButton } from './AdminButton.tsx';
import { SandboxNotice } from './ConnectionsPage.tsx';
import { Deactivate } from './Deactivate.tsx';
import { ConsentSteps, LocationChoice } from './LinkHealthengine.tsx';
import { patchHealthengineSettings, SettingsEditor } from './SettingsEditor.tsx';
import { StatusBadge } from './StatusBadge.tsx';

const when = (iso: unknown) => (typeof iso === 'string' ? new Date(iso).toLocaleString() : 'never');

interface Health {
  alert?: boolean;
  alertMessage?: string | null;
  lastSuccessfulPollAt?: string | null;
  oldestUnresolvedRequest?: { type: string; ageSeconds: number } | null;
}

function Relink({ view }: { view: HealthengineConnectionView }) {
  const client = useQueryClient();
  const [practiceId, setPracticeId] = useState(view.healthenginePracticeId);
  const [practiceKey, setPracticeKey] = useState('');
  const [locationIds, setLocationIds] = useState<string[]>(view.settings.locationIds);
  const save = useMutation({
    mutationFn: () =>
      api.patch<HealthengineConnectionView>(`/healthengine/connections/${view.id}`, {
        locationIds,
        ...(practiceKey ? { practiceId, practiceKey } : {}),
      }),
    onSuccess: async () => {
      setPracticeKey('');
      await client.invalidateQueries({ queryKey: ['connection', view.id] });
    },
  });
  const errors = fieldErrors(save.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit}>
      <Stack gap="sm" maw={560}>
        <LocationChoice value={locationIds} onChange={setLocationIds} error={errors.get('locationIds')} />
        <Text size="sm" c="dimmed">
          To link another Healthengine practice, or after consent was granted again, enter its practice ID and the new
          key. Leave the key empty to keep the current one.
        </Text>
        <TextInput
          label="Practice ID"
          value={practiceId}
          onChange={(e) => setPracticeId(e.currentTarget.value)}
          {...errors.props('practiceId')}
        />
        <PasswordInput
          label="New practice key"
          value={practiceKey}
          onChange={(e) => setPracticeKey(e.currentTarget.value)}
          autoComplete="off"
          {...errors.props('practiceKey')}
        />
        <ErrorAlert error={save.error} hideFields={errors.shown} title="Nothing was saved" />
        <Group>
          <AdminButton type="submit" loading={save.isPending}>
            Save
          </AdminButton>
          {save.isSuccess ? (
            <Text size="sm" c="teal.8" role="status">
              Saved; configuration and availability are being resent.
            </Text>
          ) : null}
        </Group>
      </Stack>
    </form>
  );
}

function Status({ view }: { view: HealthengineConnectionView }) {
  const client = useQueryClient();
  const health = view.health as Health;
  const act = useMutation({
    mutationFn: (what: 'resync' | 'enable') => api.post(`/healthengine/connections/${view.id}/${what}`),
    onSuccess: () => client.invalidateQueries({ queryKey: ['connection', view.id] }),
  });
  return (
    <Stack gap="md">
      {view.status === 'consent_needed' ? (
        <Alert color="orange" title="Healthengine refused the practice key">
          <Text size="sm" mb="xs">
            The practice has not granted Tandem consent, has revoked it, or the ID or key was mistyped. Nothing is
            retried until this is fixed:
          </Text>
          <ConsentSteps />
          <Text size="sm" mt="xs">
            Then enter the new ID and key under <strong>Locations and key</strong>, or choose Enable if they did not
            change.
          </Text>
        </Alert>
      ) : null}
      {health.alert ? (
        <Alert color="red" title="Healthengine request waiting">
          {health.alertMessage}
        </Alert>
      ) : null}
      <SimpleGrid cols={2}>
        <Card withBorder>
          <Title order={3} size="h5" mb="xs">
            Healthengine practice
          </Title>
          <Text ff="monospace">{view.healthenginePracticeId}</Text>
          <Text size="sm" c="dimmed">
            {view.settings.locationIds.length} location{view.settings.locationIds.length === 1 ? '' : 's'}
          </Text>
        </Card>
        <Card withBorder>
          <Title order={3} size="h5" mb="xs">
            Requests
          </Title>
          <Text size="sm">Last successful poll: {when(health.lastSuccessfulPollAt ?? view.lastPollAt)}</Text>
          <Text size="sm">
            Webhooks:{' '}
            {view.subscription.id ? `subscribed until ${when(view.subscription.expiresAt)}` : 'not subscribed'}
          </Text>
          <Text size="sm" c="dimmed">
            Oldest waiting request:{' '}
            {health.oldestUnresolvedRequest
              ? `${health.oldestUnresolvedRequest.type}, ${health.oldestUnresolvedRequest.ageSeconds} s`
              : 'none'}
          </Text>
        </Card>
        <Card withBorder>
          <Title order={3} size="h5" mb="xs">
            Availability
          </Title>
          <Text size="sm">Last full publication: {when(view.lastFullPublishAt)}</Text>
          <Group mt="xs">
            <AdminButton
              size="xs"
              variant="default"
              onClick={() => act.mutate('resync')}
              disabled={view.status !== 'active'}
              loading={act.isPending && act.variables === 'resync'}
            >
              Resend configuration and availability
            </AdminButton>
          </Group>
        </Card>
        <Card withBorder>
          <Title order={3} size="h5" mb="xs">
            Activity
          </Title>
          <Text size="sm">
            Bookings and requests are in the <Link to={`/logs?connectionId=${view.id}`}>log of this connection</Link>.
          </Text>
          {view.status === 'disabled' || view.status === 'consent_needed' ? (
            <Group mt="xs">
              <AdminButton size="xs" onClick={() => act.mutate('enable')} loading={act.isPending}>
                Enable
              </AdminButton>
            </Group>
          ) : null}
        </Card>
      </SimpleGrid>
      <ErrorAlert error={act.error} title="Nothing was done" />
    </Stack>
  );
}

export function HealthengineConnection({ connection }: { connection: Connection }) {
  const [params, setParams] = useSearchParams();
  const view = useQuery({
    queryKey: ['connection', connection.id, 'healthengine'],
    queryFn: () => api.get<HealthengineConnectionView>(`/healthengine/connections/${connection.id}`),
    // Linking takes a few seconds: follow it until settled.
    refetchInterval: (q) => (q.state.data?.status === 'pending' ? 1000 : false),
  });
  const tab = params.get('tab') ?? 'status';
  return (
    <QueryState query={view} what="the Healthengine link">
      {(v) => (
        <>
          <PageHeader
            title={v.name}
            description={
              <>
                Healthengine · <Link to="/connections">all connections</Link>
              </>
            }
            actions={
              <>
                <StatusBadge status={v.status} />
                {v.status === 'active' || v.status === 'pending' ? <Deactivate connection={connection} /> : null}
              </>
            }
          />
          <SandboxNotice compact />
          {v.statusMessage ? (
            <Text size="sm" mb="md" c={v.status === 'active' ? 'dimmed' : 'red.8'}>
              {v.statusMessage}
            </Text>
          ) : null}
          <Tabs value={tab} onChange={(t) => setParams(t && t !== 'status' ? { tab: t } : {})} keepMounted={false}>
            <Tabs.List mb="md">
              <Tabs.Tab value="status">Status</Tabs.Tab>
              <Tabs.Tab value="settings">Settings</Tabs.Tab>
              <Tabs.Tab value="link">Locations and key</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="status">
              <Status view={v} />
            </Tabs.Panel>
            <Tabs.Panel value="settings">
              <SettingsEditor
                connection={connection}
                current={v.settings}
                only={Object.keys(v.settings).filter((k) => k !== 'locationIds')}
                prefix="settings."
                save={patchHealthengineSettings(connection.id)}
              />
            </Tabs.Panel>
            <Tabs.Panel value="link">
              <Relink view={v} />
            </Tabs.Panel>
          </Tabs>
        </>
      )}
    </QueryState>
  );
}
