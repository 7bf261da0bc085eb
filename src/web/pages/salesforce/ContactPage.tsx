// /salesforce/contacts/:contactId — where Salesforce's "Sync to Hint" and "Unlink Patient"
// buttons land. Shows the contact and its link; a search box pre-filled with the contact's name
// lists Hint patients as you type (dob, e-mail, phone, membership, who is linked already);
// choose one to link (the contact's values win, its blanks are filled), or create a new
// patient; unlink removes the link on both sides and keeps both records.
import { Alert, Badge, Button, Card, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import type { Candidate, ContactView, LinkResult } from './api.ts';

function useDebounced(value: string, ms: number): string {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

function Candidates({ contactId, initial, onLinked }: { contactId: string; initial: string; onLinked: () => void }) {
  const [q, setQ] = useState(initial);
  const term = useDebounced(q.trim(), 200);
  const search = useQuery({
    queryKey: ['sf-candidates', contactId, term],
    queryFn: () =>
      api.get<{ data: Candidate[] }>(`/salesforce/contacts/${contactId}/candidates?q=${encodeURIComponent(term)}`),
    enabled: term.length >= 2,
    placeholderData: (previous) => previous,
  });
  const link = useMutation({
    mutationFn: (patientId: string) => api.post<LinkResult>(`/salesforce/contacts/${contactId}/link`, { patientId }),
    onSuccess: onLinked,
  });
  const create = useMutation({
    mutationFn: () => api.post<LinkResult>(`/salesforce/contacts/${contactId}/create`, {}),
    onSuccess: onLinked,
  });
  const rows = search.data?.data ?? [];
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={2} size="h4">
          Sync to Hint
        </Title>
        <TextInput
          label="Search Hint patients"
          description="Name, e-mail, date of birth or phone; results update as you type."
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          autoFocus
        />
        {term.length < 2 ? (
          <Text size="sm" c="dimmed">
            Type at least two characters.
          </Text>
        ) : search.isError ? (
          <ErrorAlert error={search.error} title="Could not search" />
        ) : search.isPending ? (
          <Text size="sm" c="dimmed" role="status">
            Searching…
          </Text>
        ) : rows.length === 0 ? (
          <Text size="sm">No Hint patient matches “{term}”. Try another spelling, or create a new patient below.</Text>
        ) : (
          <Table striped aria-label="Hint patients">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Date of birth</Table.Th>
                <Table.Th>E-mail</Table.Th>
                <Table.Th>Phone</Table.Th>
                <Table.Th>Membership</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((c) => (
                <Table.Tr key={c.patientId}>
                  <Table.Td>
                    {c.firstName} {c.lastName}
                    {c.linkedContactId && !c.linkedToThisContact ? (
                      <Badge ml="xs" color="orange" variant="light" title={`Linked with contact ${c.linkedContactId}`}>
                        linked to another contact
                      </Badge>
                    ) : null}
                    {c.linkedToThisContact ? (
                      <Badge ml="xs" color="teal" variant="light">
                        linked here
                      </Badge>
                    ) : null}
                  </Table.Td>
                  <Table.Td>{c.dob ?? '—'}</Table.Td>
                  <Table.Td>{c.email ?? '—'}</Table.Td>
                  <Table.Td>{c.phone ?? '—'}</Table.Td>
                  <Table.Td>{c.membershipStatus ?? '—'}</Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      disabled={c.linkedToThisContact}
                      loading={link.isPending && link.variables === c.patientId}
                      onClick={() => link.mutate(c.patientId)}
                      aria-label={`Link with ${c.firstName} ${c.lastName}`}
                    >
                      Link
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <ErrorAlert error={link.error} title="Could not link" />
        <Group>
          <Button variant="default" onClick={() => create.mutate()} loading={create.isPending}>
            Create new patient
          </Button>
          <Text size="sm" c="dimmed">
            Creates the patient in Tandem and in Hint from this contact, and links them.
          </Text>
        </Group>
        <ErrorAlert error={create.error} title="Could not create the patient" />
      </Stack>
    </Card>
  );
}

function Linked({ view, onUnlinked }: { view: ContactView; onUnlinked: () => void }) {
  const [sure, setSure] = useState(false);
  const unlink = useMutation({
    mutationFn: () => api.post(`/salesforce/contacts/${view.contact.id}/unlink`, {}),
    onSuccess: onUnlinked,
  });
  const p = view.patient;
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Title order={2} size="h4">
          Linked patient
        </Title>
        {p ? (
          <Text>
            <Link to={`/patients/${p.patientId}`}>
              {p.firstName} {p.lastName}
            </Link>{' '}
            · born {p.dob ?? 'unknown'} · Hint {p.hintPatientId ?? 'not yet created'} · membership{' '}
            {p.membershipStatus ?? 'unknown'}
          </Text>
        ) : (
          <Text>Patient {view.link?.patientId}</Text>
        )}
        {view.link?.errorMessage ? (
          <Alert color="red" title="The last sync failed">
            {view.link.errorMessage}
          </Alert>
        ) : null}
        {sure ? (
          <Group>
            <Text size="sm">
              Unlink? The contact and the patient both stay; Synced to Hint is unchecked and later edits stop flowing.
            </Text>
            <Button color="red" onClick={() => unlink.mutate()} loading={unlink.isPending}>
              Unlink patient
            </Button>
            <Button variant="default" onClick={() => setSure(false)}>
              Keep the link
            </Button>
          </Group>
        ) : (
          <Group>
            <Button variant="default" color="red" onClick={() => setSure(true)}>
              Unlink…
            </Button>
          </Group>
        )}
        <ErrorAlert error={unlink.error} title="Could not unlink" />
      </Stack>
    </Card>
  );
}

export default function ContactPage() {
  const { contactId = '' } = useParams();
  const [params] = useSearchParams();
  const client = useQueryClient();
  const view = useQuery({
    queryKey: ['sf-contact', contactId],
    queryFn: () => api.get<ContactView>(`/salesforce/contacts/${contactId}`),
  });
  // The contact's link and the candidates' markers both change with a link or an unlink.
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ['sf-contact', contactId] });
    void client.invalidateQueries({ queryKey: ['sf-candidates', contactId] });
  };
  return (
    <QueryState query={view} what="the Salesforce contact">
      {(v) => (
        <>
          <PageHeader
            title={`${v.contact.firstName ?? ''} ${v.contact.lastName ?? ''}`.trim() || 'Salesforce contact'}
            description={
              <>
                Salesforce contact {v.contact.id} · {v.connection.name}
              </>
            }
            actions={
              <Badge color={v.contact.syncedToHint ? 'teal' : 'gray'} variant="light">
                {v.contact.syncedToHint ? 'Synced to Hint' : 'Not synced to Hint'}
              </Badge>
            }
          />
          <Text size="sm" mb="md">
            Born {v.contact.birthdate ?? 'unknown'} · {v.contact.email ?? 'no e-mail'}
            {v.contact.hintPatientId ? ` · Hint patient ${v.contact.hintPatientId}` : ''}
          </Text>
          <Stack>
            {v.link ? (
              <Linked view={v} onUnlinked={refresh} />
            ) : params.get('action') === 'unlink' ? (
              <Alert title="Nothing to unlink">
                This contact is not linked with a patient. Link it below if you wish.
              </Alert>
            ) : null}
            <Candidates
              contactId={v.contact.id}
              initial={`${v.contact.firstName ?? ''} ${v.contact.lastName ?? ''}`.trim()}
              onLinked={refresh}
            />
          </Stack>
        </>
      )}
    </QueryState>
  );
}
