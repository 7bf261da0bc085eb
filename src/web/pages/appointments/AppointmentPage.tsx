// One appointment: what `integration_web_link` of a Hint partner interaction opens. Its time and
// status, how it was booked, its links (the Healthengine booking, the Hint interaction) with
// their errors, and the way to its patient.
import { Badge, Button, Card, Group, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, ApiError } from '../../api/client.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import type { Appointment } from '../../../http/schemas/records.ts';
import { dateTime, statusColor, systemName } from '../patients/format.ts';

export default function AppointmentPage() {
  const { id = '' } = useParams();
  const query = useQuery({
    queryKey: ['appointments', id],
    queryFn: () => api.get<Appointment>(`/appointments/${encodeURIComponent(id)}`),
  });
  if (query.error instanceof ApiError && (query.error.status === 404 || query.error.status === 422))
    return (
      <>
        <PageHeader title="Appointment not found" />
        <EmptyState
          title="This practice has no appointment at this address"
          action={
            <Button component={Link} to="/patients" variant="default">
              Search the patients
            </Button>
          }
        >
          It may have been deleted, or it belongs to another practice: switch practice at the top and open the link
          again.
        </EmptyState>
      </>
    );
  return (
    <QueryState query={query} what="the appointment">
      {(a) => (
        <Stack gap="md">
          <PageHeader
            title={`Appointment ${dateTime(a.start)}`}
            description={`${a.status.replaceAll('_', ' ')}${a.source ? ` · booked through ${systemName(a.source)}` : ''}`}
            actions={
              <Button component={Link} to={`/patients/${a.patientId}`}>
                Open the patient
              </Button>
            }
          />
          <Card withBorder>
            <Group gap="xl">
              <div>
                <Text size="xs" c="dimmed">
                  Starts
                </Text>
                <Text>{dateTime(a.start)}</Text>
              </div>
              <div>
                <Text size="xs" c="dimmed">
                  Ends
                </Text>
                <Text>{dateTime(a.end)}</Text>
              </div>
              <div>
                <Text size="xs" c="dimmed">
                  Reason
                </Text>
                <Text>{a.reason ?? '—'}</Text>
              </div>
            </Group>
          </Card>
          <Card withBorder>
            {a.links.length === 0 ? (
              <Text c="dimmed" size="sm">
                Not linked to any other system.
              </Text>
            ) : (
              <Table aria-label="Links">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>System</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Remote id</Table.Th>
                    <Table.Th>Problem</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {a.links.map((l) => (
                    <Table.Tr key={`${l.system}:${l.connectionId}`}>
                      <Table.Td>{systemName(l.system)}</Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={statusColor[l.status] ?? 'gray'}>
                          {l.status}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{l.remoteId ?? '—'}</Table.Td>
                      <Table.Td>
                        <Text size="sm" c={l.errorMessage ? 'red' : 'dimmed'}>
                          {l.errorMessage ?? '—'}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Card>
        </Stack>
      )}
    </QueryState>
  );
}
