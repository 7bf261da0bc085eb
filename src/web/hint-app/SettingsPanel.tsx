// The settings surface (Tandem admins): the connection's state and the embedded app's own setting.
import { Anchor, Paper, Stack, Switch, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { QueryState } from '../components/QueryState.tsx';
import { appApi, type AppSettingsView } from './api.ts';

export function SettingsPanel() {
  const client = useQueryClient();
  const query = useQuery({ queryKey: ['hint-app-settings'], queryFn: () => appApi.get<AppSettingsView>('/settings') });
  const save = useMutation({
    mutationFn: (partnerInteractions: boolean) => appApi.patch('/settings', { partnerInteractions }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['hint-app-settings'] }),
  });
  return (
    <QueryState query={query} what="the settings">
      {(settings) => (
        <Stack gap="sm">
          <Paper withBorder p="sm">
            <Text>
              Hint connection: <strong>{settings.connection.status}</strong>
            </Text>
            <Anchor href={settings.connection.consoleUrl} target="_blank" rel="noopener" size="sm">
              Field mapping, sync and logs are in Tandem&apos;s console
            </Anchor>
          </Paper>
          <Switch
            label="Show Healthengine bookings as partner interactions on the Hint chart"
            checked={settings.partnerInteractions}
            disabled={save.isPending}
            onChange={(e) => save.mutate(e.currentTarget.checked)}
          />
          <ErrorAlert error={save.error} title="Could not save the setting" />
        </Stack>
      )}
    </QueryState>
  );
}
