// The patient's appointments, bookings made through Healthengine among them (with the
// Healthengine booking id and the telehealth link when there is one).
import { Anchor, Badge, Card, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { QueryState } from '../../components/QueryState.tsx';
import type { Appointment, Page } from '../../../http/schemas/records.ts';
import { dateTime, systemName } from './format.ts';

interface HealthengineBooking {
  bookingId?: string | number;
  telehealthUrl?: string | null;
}

const statusColors: Record<Appointment['status'], string> = {
  booked: 'teal',
  cancelled: 'gray',
  attended: 'blue',
  did_not_attend: 'orange',
};

export function AppointmentsCard({ patientId }: { patientId: string }) {
  const appointments = useQuery({
    queryKey: ['patients', 'appointments', patientId],
    queryFn: () => api.get<Page<Appointment>>(`/appointments?patientId=${patientId}&limit=100`),
  });
  return (
    <Card withBorder component="section" aria-labelledby="appointments-title">
      <Title order={2} size="h4" id="appointments-title" mb="xs">
        Appointments and bookings
      </Title>
      <QueryState query={appointments} what="appointments">
        {(page) =>
          page.data.length === 0 ? (
            <Text size="sm" c="dimmed">
              No appointments. Bookings this patient makes through Healthengine appear here within seconds.
            </Text>
          ) : (
            <Table verticalSpacing={6} aria-label="Appointments">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Starts</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Booked through</Table.Th>
                  <Table.Th>Reason</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {[...page.data].reverse().map((a) => {
                  const he = (a.external?.healthengine ?? null) as HealthengineBooking | null;
                  return (
                    <Table.Tr key={a.id}>
                      <Table.Td>{dateTime(a.start)}</Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={statusColors[a.status]}>
                          {a.status.replaceAll('_', ' ')}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{a.source ? systemName(a.source) : '—'}</Text>
                        {he?.bookingId ? (
                          <Text size="xs" c="dimmed">
                            booking {String(he.bookingId)}
                          </Text>
                        ) : null}
                        {he?.telehealthUrl ? (
                          <Anchor href={he.telehealthUrl} target="_blank" rel="noreferrer" size="xs">
                            telehealth link
                          </Anchor>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{a.reason ?? '—'}</Text>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          )
        }
      </QueryState>
    </Card>
  );
}
