// Deactivate (Hint) or disable (Healthengine) a connection, after a confirmation that says what
// stops and what stays.
import { Button, Group, List, Modal, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import type { Connection } from '../../api/ops.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { AdminButton } from './AdminButton.tsx';

const copy = {
  hint: {
    button: 'Deactivate',
    title: 'Deactivate the Hint connection?',
    path: 'deactivate',
    stops: [
      'Nothing more is sent to Hint or taken from it: webhooks are acknowledged and dropped, reconciliation stops.',
      'Tandem’s webhook endpoint is deleted in Hint and the integration deactivated there.',
    ],
    stays: [
      'Every patient and practitioner in Tandem, and everything in Hint.',
      'The links between them, so connecting again resumes without duplicates.',
      'The log, the inbox and the batch reports.',
    ],
  },
  healthengine: {
    button: 'Disable',
    title: 'Disable the Healthengine link?',
    path: 'disable',
    stops: [
      'Nothing is sent to or taken from Healthengine: no availability, no bookings; the webhook subscription is deleted.',
      'Healthengine may show the practice as unavailable for online booking while it is disabled.',
    ],
    stays: [
      'Every appointment already booked and every patient, in Tandem.',
      'The practice ID and key (encrypted) and the settings: enabling again resends configuration and availability and picks up requests made meanwhile.',
    ],
  },
} as const;

export function Deactivate({ connection }: { connection: Connection }) {
  const [open, setOpen] = useState(false);
  const client = useQueryClient();
  const words = copy[connection.system as 'hint' | 'healthengine'];
  const go = useMutation({
    mutationFn: () => api.post(`/${connection.system}/connections/${connection.id}/${words.path}`),
    onSuccess: async () => {
      setOpen(false);
      await client.invalidateQueries({ queryKey: ['connection', connection.id] });
      await client.invalidateQueries({ queryKey: ['connections'] });
    },
  });
  if (!words) return null;
  return (
    <>
      <AdminButton color="red" variant="light" onClick={() => setOpen(true)}>
        {words.button}
      </AdminButton>
      <Modal opened={open} onClose={() => setOpen(false)} title={words.title} size="lg">
        <Stack gap="sm">
          <Text fw={600} size="sm">
            What stops
          </Text>
          <List size="sm">
            {words.stops.map((s) => (
              <List.Item key={s}>{s}</List.Item>
            ))}
          </List>
          <Text fw={600} size="sm">
            What stays
          </Text>
          <List size="sm">
            {words.stays.map((s) => (
              <List.Item key={s}>{s}</List.Item>
            ))}
          </List>
          <ErrorAlert error={go.error} title="Nothing changed" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button color="red" onClick={() => go.mutate()} loading={go.isPending}>
              {words.button} {connection.name}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
