// Patients: search (name, dob, phone, email, or an alias such as hint:pat-…), filter by link
// status on each connected system, page through 50 at a time on the server.
//
// The search words are PHI, so they never go into a URL: the list is asked with POST
// /patients/search, and the words are kept in this tab's sessionStorage (so the back button
// from a patient returns to the same search). Filters and the page cursor are not PHI and live
// in the URL, so a filtered list can be linked (the overview does) and the back button works.
import { Anchor, Badge, Button, CloseButton, Group, Loader, Select, Table, Text, TextInput } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api/client.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import type { Overview, Page, PatientView } from '../../../http/schemas/records.ts';
import { OVERVIEW_KEY } from '../overview/OverviewPage.tsx';
import { dateTime, fullName, linkStatuses, statusColor, systemName } from './format.ts';

const SEARCH_STORAGE = 'tandem.patients.search';
const SYSTEMS = ['hint', 'healthengine', 'salesforce'] as const;
const PAGE_SIZE = 50;

const statusOptions = [
  { value: '', label: 'Any' },
  ...linkStatuses.map((s) => ({ value: s, label: s[0]!.toUpperCase() + s.slice(1) })),
  { value: 'none', label: 'Not linked' },
];

function LinkBadges({ patient }: { patient: PatientView }) {
  if (patient.links.length === 0)
    return (
      <Text size="xs" c="dimmed">
        not linked
      </Text>
    );
  return (
    <Group gap={4}>
      {patient.links.map((l) => (
        <Badge key={l.connectionId} size="sm" variant="light" color={statusColor[l.status] ?? 'gray'}>
          {systemName(l.system)}: {l.status}
        </Badge>
      ))}
    </Group>
  );
}

export default function PatientsPage() {
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const pageNumber = (location.state as { page?: number } | null)?.page ?? 1;
  const [term, setTerm] = useState(() => sessionStorage.getItem(SEARCH_STORAGE) ?? '');
  const [search, setSearch] = useState(term.trim());

  const overview = useQuery({ queryKey: OVERVIEW_KEY, queryFn: () => api.get<Overview>('/overview') });
  const connected = SYSTEMS.filter((s) => overview.data?.connections.some((c) => c.system === s));
  // A filter given in the URL is shown even before (or without) a connection on that system.
  const systems = SYSTEMS.filter((s) => connected.includes(s) || params.get(s));
  const filters = Object.fromEntries(SYSTEMS.flatMap((s) => (params.get(s) ? [[s, params.get(s)!]] : [])));
  const cursor = params.get('cursor') ?? undefined;

  const patients = useQuery({
    queryKey: ['patients', 'list', search, filters, cursor],
    queryFn: () =>
      api.post<Page<PatientView>>('/patients/search', {
        limit: PAGE_SIZE,
        ...(search ? { search } : {}),
        ...(cursor ? { cursor } : {}),
        ...filters,
      }),
    placeholderData: keepPreviousData,
  });

  const setFilter = (system: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(system, value);
    else next.delete(system);
    next.delete('cursor');
    setParams(next);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const words = term.trim();
    sessionStorage.setItem(SEARCH_STORAGE, words);
    setSearch(words);
    if (cursor) {
      const next = new URLSearchParams(params);
      next.delete('cursor');
      setParams(next);
    }
  };

  const clearSearch = () => {
    setTerm('');
    setSearch('');
    sessionStorage.removeItem(SEARCH_STORAGE);
  };

  const nextPage = (nextCursor: string) => {
    const next = new URLSearchParams(params);
    next.set('cursor', nextCursor);
    setParams(next, { state: { page: pageNumber + 1 } });
  };

  const filtered = Boolean(search) || Object.keys(filters).length > 0;

  return (
    <>
      <PageHeader
        title="Patients"
        description="Every patient of the practice, with the state of its link to each connected system."
      />
      <form onSubmit={submit} role="search" aria-label="Search patients">
        <Group align="flex-end" gap="sm" mb="md" wrap="wrap">
          <TextInput
            label="Search"
            description="Name, date of birth (YYYY-MM-DD), phone, email, or an id such as hint:pat-…"
            value={term}
            onChange={(e) => setTerm(e.currentTarget.value)}
            w={380}
            rightSection={term ? <CloseButton aria-label="Clear search" onClick={clearSearch} size="sm" /> : null}
          />
          <Button type="submit">Search</Button>
          {systems.map((system) => (
            <Select
              key={system}
              label={`${systemName(system)} link`}
              data={statusOptions}
              value={params.get(system) ?? ''}
              onChange={(v) => setFilter(system, v)}
              allowDeselect={false}
              w={140}
            />
          ))}
        </Group>
      </form>
      <QueryState query={patients} what="patients">
        {(page) =>
          page.data.length === 0 ? (
            filtered ? (
              <EmptyState
                title="No patient matches"
                action={
                  <Button
                    variant="default"
                    onClick={() => {
                      clearSearch();
                      setParams(new URLSearchParams());
                    }}
                  >
                    Clear search and filters
                  </Button>
                }
              >
                Check the spelling, search by another detail (a date of birth as YYYY-MM-DD, a phone number, an email
                address, or hint:pat-… from Hint), or clear the filters.
              </EmptyState>
            ) : (
              <EmptyState title="No patients yet">
                Patients arrive when a connection syncs them (for Hint: run the initial sync on the Batches page), when
                Healthengine books a new patient, or when your own system creates them through the API.
              </EmptyState>
            )
          ) : (
            <>
              <Table striped highlightOnHover verticalSpacing={6} aria-label="Patients">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Date of birth</Table.Th>
                    <Table.Th>Email</Table.Th>
                    <Table.Th>Phone</Table.Th>
                    <Table.Th>Links</Table.Th>
                    <Table.Th>Updated</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {page.data.map((p) => (
                    <Table.Tr key={p.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/patients/${p.id}`}>
                          {fullName(p)}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{p.dob ?? '—'}</Table.Td>
                      <Table.Td style={{ wordBreak: 'break-all' }}>{p.email ?? '—'}</Table.Td>
                      <Table.Td>{p.phones[0]?.number ?? '—'}</Table.Td>
                      <Table.Td>
                        <LinkBadges patient={p} />
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs">{dateTime(p.updatedAt)}</Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <Group justify="space-between" mt="sm">
                <Text size="sm" c="dimmed">
                  Page {pageNumber} · {page.data.length} patients
                  {patients.isPlaceholderData ? <Loader size="xs" ml="xs" aria-label="Loading the page" /> : null}
                </Text>
                <Group gap="xs">
                  <Button
                    variant="default"
                    disabled={!cursor}
                    onClick={() => (pageNumber > 1 ? navigate(-1) : setFilter('cursor', null))}
                  >
                    Previous page
                  </Button>
                  <Button
                    variant="default"
                    disabled={!page.nextCursor}
                    onClick={() => page.nextCursor && nextPage(page.nextCursor)}
                  >
                    Next page
                  </Button>
                </Group>
              </Group>
            </>
          )
        }
      </QueryState>
    </>
  );
}
