// The patient's links to each connected system: status, the error in words, when it last
// synced, and "Retry now" (queues that connection's sync of this patient; the page then
// re-reads the patient every second until the link changes, for up to 20 s).
import { Anchor, Badge, Button, Card, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { api } from '../../api/client.ts';
import type { LinkSummary, PatientView } from '../../../http/schemas/records.ts';
import { dateTime, money, statusColor, systemName } from './format.ts';

function RetryButton({ patientId, link, onQueued }: { patientId: string; link: LinkSummary; onQueued(): void }) {
  const [queuedAt, setQueuedAt] = useState<string | null>(null);
  const retry = useMutation({
    mutationFn: () => api.post(`/patients/${patientId}/links/${link.connectionId}/retry`),
    onSuccess: () => {
      setQueuedAt(new Date().toLocaleTimeString());
      onQueued();
    },
  });
  return (
    <Stack gap={4} align="flex-start">
      <Button
        size="xs"
        variant={link.status === 'errored' ? 'filled' : 'default'}
        loading={retry.isPending}
        onClick={() => retry.mutate()}
        aria-label={`Retry the ${systemName(link.system)} sync now`}
      >
        Retry now
      </Button>
      {retry.isSuccess ? (
        <Text size="xs" c="dimmed" role="status">
          Queued at {queuedAt}; the status updates here.
        </Text>
      ) : null}
      {retry.isError ? <ErrorAlert error={retry.error} title="Could not retry" /> : null}
    </Stack>
  );
}

export function LinksCard({ patient, onRetryQueued }: { patient: PatientView; onRetryQueued(): void }) {
  return (
    <Card withBorder component="section" aria-labelledby="links-title">
      <Title order={2} size="h4" id="links-title" mb="xs">
        Links
      </Title>
      {patient.links.length === 0 ? (
        <Text size="sm" c="dimmed">
          Not linked to any connected system yet. A connection links this patient when it syncs (Hint: on its next
          change or the initial sync).
        </Text>
      ) : (
        <Table verticalSpacing={6} aria-label="Links">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>System</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Last synced</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {patient.links.map((l) => (
              <Table.Tr key={l.connectionId} data-testid={`link-${l.system}`}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {systemName(l.system)}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {l.remoteId ?? 'no remote record yet'}
                  </Text>
                </Table.Td>
                <Table.Td style={{ minWidth: 110 }}>
                  <Badge color={statusColor[l.status] ?? 'gray'} variant="light" style={{ flexShrink: 0 }}>
                    {l.status}
                  </Badge>
                  {l.errorMessage ? (
                    <Text size="xs" c="red.8" mt={4} data-testid="link-error">
                      {l.errorMessage}
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  <Text size="xs">{dateTime(l.lastSyncedAt)}</Text>
                </Table.Td>
                <Table.Td>
                  <RetryButton patientId={patient.id} link={l} onQueued={onRetryQueued} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

/** A Hint-owned acceptance in words (read-only here: the patient accepts in Hint). */
function acceptance(accepted: boolean | null | undefined, at: string | null | undefined): string {
  if (accepted === null || accepted === undefined) return '—';
  return accepted ? `Accepted${at ? ` ${dateTime(at)}` : ''}` : 'Not accepted';
}

export function HintFactsCard({ patient }: { patient: PatientView }) {
  const h = patient.hint;
  const rows: [string, string][] = h
    ? [
        ['Membership', h.membershipStatus ?? '—'],
        ['Plan', h.planName ?? '—'],
        ['Balance', money(h.balanceCents)],
        ['Employer', h.employerName ?? '—'],
        ['Practitioner', h.practitionerName ?? '—'],
        ['Member contract', acceptance(h.memberContractAccepted, h.memberContractAcceptedAt)],
        ['HIPAA authorization', acceptance(h.hipaaAuthorizationAccepted, h.hipaaAuthorizationAcceptedAt)],
      ]
    : [];
  return (
    <Card withBorder component="section" aria-labelledby="hint-title">
      <Title order={2} size="h4" id="hint-title" mb="xs">
        In Hint
      </Title>
      {h ? (
        <>
          <Table verticalSpacing={4} aria-label="Hint facts">
            <Table.Tbody>
              {rows.map(([label, value]) => (
                <Table.Tr key={label}>
                  <Table.Th w={160} fw={500}>
                    {label}
                  </Table.Th>
                  <Table.Td>{value}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {h.webLink ? (
            <Anchor href={h.webLink} target="_blank" rel="noreferrer" size="sm" mt="xs" display="inline-block">
              Open this patient in Hint
            </Anchor>
          ) : null}
        </>
      ) : (
        <Text size="sm" c="dimmed">
          Not linked to Hint: membership, plan and balance appear here once the patient is linked.
        </Text>
      )}
    </Card>
  );
}
