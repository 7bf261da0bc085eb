// The clinical_interaction surface: the Healthengine booking behind the interaction open in
// Hint, then the patient's panel.
import { Anchor, Group, Paper, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { EmptyState } from '../components/EmptyState.tsx';
import { QueryState } from '../components/QueryState.tsx';
import { appApi, type InteractionView } from './api.ts';
import { PatientPanel, StatusBadge } from './PatientPanel.tsx';
import type { Permission } from '../../connectors/hint/app/roles.ts';

export function InteractionPanel({
  interactionId,
  permissions,
}: {
  interactionId: string | null;
  permissions: Permission[];
}) {
  const query = useQuery({
    queryKey: ['hint-app-interaction', interactionId],
    queryFn: () => appApi.get<InteractionView>(`/interactions/${encodeURIComponent(interactionId ?? '')}`),
    enabled: interactionId !== null,
  });
  if (interactionId === null)
    return <EmptyState title="No interaction open">Open a Healthengine booking interaction in Hint.</EmptyState>;
  return (
    <QueryState query={query} what="the booking">
      {(view) =>
        view.appointment === null ? (
          <EmptyState title="Not a Tandem booking">{view.reason}</EmptyState>
        ) : (
          <Stack gap="sm">
            <Paper withBorder p="sm" data-testid="appointment">
              <Group gap="xs">
                <StatusBadge status={view.appointment.sync.status} />
                <Text fw={600}>
                  {new Date(String(view.appointment.start)).toLocaleString(undefined, {
                    dateStyle: 'full',
                    timeStyle: 'short',
                  })}
                </Text>
                <Text>{String(view.appointment.status).replaceAll('_', ' ')}</Text>
              </Group>
              {view.appointment.sync.errorMessage ? (
                <Text c="red" size="sm">
                  {view.appointment.sync.errorMessage}
                </Text>
              ) : null}
              <Anchor href={view.appointment.consoleUrl} target="_blank" rel="noopener" size="sm">
                Open the appointment in Tandem
              </Anchor>
            </Paper>
            <PatientPanel hintPatientId={view.hintPatientId} permissions={permissions} />
          </Stack>
        )
      }
    </QueryState>
  );
}
