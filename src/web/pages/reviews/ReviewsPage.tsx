// The review queue: one uncertain match at a time, the incoming record beside each candidate
// with the matcher's per-field comparison and weight, the score and the guards that kept it from
// matching on its own. Accept a candidate (link, or merge the provisional patient into it) or
// reject (different people). Built for working through hundreds from the keyboard.
import { Alert, Badge, Button, Card, Group, Kbd, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/client.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import type { Explanation, MatchReview, PatientView } from '../../../http/schemas/records.ts';
import { OVERVIEW_KEY } from '../overview/OverviewPage.tsx';
import { dateTime, fullName, systemName } from '../patients/format.ts';
import { fieldRows, type Incoming } from './fields.ts';

const LIST_LIMIT = 200;
const REVIEWS_KEY = ['reviews', 'pending'] as const;

type Candidate = MatchReview['candidates'][number] & { explanation: Explanation };

const shortcuts: [string, string][] = [
  ['J', 'next review'],
  ['K', 'previous review'],
  ['1–9', 'choose candidate 1–9'],
  ['A', 'accept the chosen candidate'],
  ['R', 'reject: different people'],
];

function Shortcuts() {
  return (
    <Card withBorder padding="xs" component="aside" aria-label="Keyboard shortcuts">
      <Text size="xs" fw={700} mb={4}>
        Keyboard shortcuts
      </Text>
      <Group gap="md">
        {shortcuts.map(([key, what]) => (
          <Text size="xs" key={key}>
            <Kbd size="xs">{key}</Kbd> {what}
          </Text>
        ))}
      </Group>
    </Card>
  );
}

function weightColor(weight: number): string {
  if (weight > 0) return 'teal.8';
  if (weight < 0) return 'red.8';
  return 'dimmed';
}

function CandidateHeader({
  c,
  index,
  chosen,
  patient,
  system,
}: {
  c: Candidate;
  index: number;
  chosen: boolean;
  patient?: PatientView;
  system: string;
}) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed">
        Candidate {index + 1} {chosen ? '(chosen)' : ''}
      </Text>
      {patient ? (
        <Text size="sm" fw={600} component={Link} to={`/patients/${patient.id}`} target="_blank" c="inherit">
          {fullName(patient)}
        </Text>
      ) : (
        <Text size="sm" c="dimmed">
          patient {c.id.slice(0, 8)}…
        </Text>
      )}
      <Group gap={4}>
        <Badge size="sm" variant="light">
          score {c.score.toFixed(1)}
        </Badge>
        <Badge size="sm" variant="light" color="gray">
          {Math.round(c.explanation.probability * 100)}% likely
        </Badge>
      </Group>
      {c.alreadyLinkedTo ? (
        <Badge size="sm" variant="light" color="orange" title={`Linked to ${system} record ${c.alreadyLinkedTo}`}>
          already linked in {system}
        </Badge>
      ) : null}
      {c.explanation.guards.map((g) => (
        <Badge key={g} size="xs" color="red" variant="light">
          {g}
        </Badge>
      ))}
    </Stack>
  );
}

function ReviewCard({ review, chosen, onChoose }: { review: MatchReview; chosen: number; onChoose(i: number): void }) {
  const candidates = review.candidates as Candidate[];
  const patients = useQueries({
    queries: candidates.map((c) => ({
      queryKey: ['patients', 'one', c.id],
      queryFn: () => api.get<PatientView>(`/patients/${c.id}`),
      retry: false,
    })),
  });
  const incoming = (review.incoming ?? {}) as Incoming;
  const rows = fieldRows(incoming);
  return (
    <div style={{ overflowX: 'auto' }}>
      <Table withColumnBorders verticalSpacing={6} aria-label="Incoming record and candidates" miw={560}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={110}>Field</Table.Th>
            <Table.Th>
              <Text size="xs" c="dimmed">
                Incoming from {systemName(review.system ?? 'tandem')}
              </Text>
              <Text size="sm" fw={600}>
                {review.remoteId ?? 'new record'}
              </Text>
            </Table.Th>
            {candidates.map((c, i) => (
              <Table.Th
                key={c.id}
                onClick={() => onChoose(i)}
                style={{ cursor: 'pointer', background: i === chosen ? 'var(--mantine-color-teal-0)' : undefined }}
              >
                <CandidateHeader
                  c={c}
                  index={i}
                  chosen={i === chosen}
                  patient={patients[i]?.data}
                  system={systemName(review.system ?? 'tandem')}
                />
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.label}>
              <Table.Th fw={500}>{row.label}</Table.Th>
              <Table.Td>{row.incoming || <Text c="dimmed">—</Text>}</Table.Td>
              {candidates.map((c, i) => {
                const field = c.explanation.fields.find((f) => f.field === row.field);
                const p = patients[i]?.data;
                return (
                  <Table.Td key={c.id} style={{ background: i === chosen ? 'var(--mantine-color-teal-0)' : undefined }}>
                    <Text size="sm">{p ? row.candidate(p) || '—' : '…'}</Text>
                    {field ? (
                      <Text size="xs" c={weightColor(field.weight)}>
                        {field.level} {field.weight > 0 ? '+' : ''}
                        {field.weight}
                      </Text>
                    ) : null}
                  </Table.Td>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {patients.some((p) => p.isError) ? (
        <Text size="xs" c="red.8" mt={4}>
          A candidate could not be loaded (it may have been merged or deleted since); accepting it will be refused.
        </Text>
      ) : null}
    </div>
  );
}

/** Why the chosen candidate cannot be accepted, in words, or null when it can. */
function blockedReason(review: MatchReview, chosen: number): string | null {
  const linked = review.candidates[chosen]?.alreadyLinkedTo;
  if (!linked) return null;
  const system = systemName(review.system ?? 'tandem');
  return (
    `Candidate ${chosen + 1} is already linked to another ${system} record (${linked}): a patient links to one ` +
    `${system} record per connection. If the two ${system} records are the same person, merge them in ${system} ` +
    `first; otherwise reject this review.`
  );
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return Boolean(el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)));
}

export default function ReviewsPage() {
  const client = useQueryClient();
  const reviews = useQuery({
    queryKey: REVIEWS_KEY,
    queryFn: () => api.get<{ data: MatchReview[] }>(`/match-reviews?status=pending&limit=${LIST_LIMIT}`),
  });
  const list = reviews.data?.data ?? [];
  const [index, setIndex] = useState(0);
  const [chosen, setChosen] = useState(0);
  const [done, setDone] = useState<string | null>(null);
  const current = list[Math.min(index, Math.max(0, list.length - 1))];

  // Prefetch the next review's candidates: the next one shows at once.
  useEffect(() => {
    for (const c of list[index + 1]?.candidates ?? [])
      void client.prefetchQuery({
        queryKey: ['patients', 'one', c.id],
        queryFn: () => api.get<PatientView>(`/patients/${c.id}`),
      });
  }, [client, list, index]);

  const resolved = async (message: string) => {
    setDone(message);
    setChosen(0);
    // The resolved review leaves the list; the same index now shows the next one.
    await client.invalidateQueries({ queryKey: REVIEWS_KEY });
    void client.invalidateQueries({ queryKey: OVERVIEW_KEY });
  };
  const accept = useMutation({
    mutationFn: ({ review, patientId }: { review: MatchReview; patientId: string }) =>
      api.post<MatchReview>(`/match-reviews/${review.id}/accept`, { patientId }),
    onSuccess: (r) =>
      resolved(
        `Accepted: ${(r.resolution as { merged?: string | null })?.merged ? 'merged into' : 'linked to'} candidate ${chosen + 1}.`,
      ),
  });
  const reject = useMutation({
    mutationFn: (review: MatchReview) => api.post<MatchReview>(`/match-reviews/${review.id}/reject`),
    onSuccess: () => resolved('Rejected: recorded as different people.'),
  });
  const busy = accept.isPending || reject.isPending;

  const go = useCallback(
    (to: number) => {
      setIndex(Math.max(0, Math.min(list.length - 1, to)));
      setChosen(0);
      accept.reset();
      reject.reset();
    },
    [list.length, accept, reject],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!current || busy || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      const key = e.key.toLowerCase();
      if (key === 'j') go(index + 1);
      else if (key === 'k') go(index - 1);
      else if (/^[1-9]$/.test(key) && Number(key) <= current.candidates.length) setChosen(Number(key) - 1);
      else if (key === 'a' && current.candidates[chosen] && !blockedReason(current, chosen))
        accept.mutate({ review: current, patientId: current.candidates[chosen]!.id });
      else if (key === 'r') reject.mutate(current);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [current, busy, index, chosen, go, accept, reject]);

  return (
    <>
      <PageHeader
        title="Review queue"
        description="Matches the matcher was not sure about. Compare, then accept the right patient or reject them all."
      />
      <Stack gap="sm">
        <Shortcuts />
        <div role="status" aria-live="polite">
          {done ? (
            <Alert color="teal" variant="light" py={6} withCloseButton onClose={() => setDone(null)}>
              {done}
            </Alert>
          ) : null}
        </div>
        <QueryState query={reviews} what="the review queue">
          {() =>
            !current ? (
              <EmptyState title="No matches waiting for review">
                Uncertain matches appear here when the Hint initial sync, a Hint webhook or a Healthengine booking finds
                a patient that might already exist. Nothing to do until then.
              </EmptyState>
            ) : (
              <Card withBorder component="section" aria-label="Current review">
                <Group justify="space-between" mb="sm" wrap="nowrap">
                  <Stack gap={0}>
                    <Title order={2} size="h4">
                      Review {Math.min(index, list.length - 1) + 1} of {list.length}
                      {list.length === LIST_LIMIT ? '+' : ''} waiting
                    </Title>
                    <Text size="xs" c="dimmed">
                      Created {dateTime(current.createdAt)} ·{' '}
                      {current.localId
                        ? 'a provisional patient was created meanwhile: accepting merges it into the chosen one'
                        : 'accepting links the incoming record to the chosen patient'}
                    </Text>
                  </Stack>
                  <Group gap="xs" wrap="nowrap">
                    <Button variant="default" size="xs" onClick={() => go(index - 1)} disabled={index === 0}>
                      Previous (K)
                    </Button>
                    <Button
                      variant="default"
                      size="xs"
                      onClick={() => go(index + 1)}
                      disabled={index >= list.length - 1}
                    >
                      Next (J)
                    </Button>
                  </Group>
                </Group>
                <ReviewCard review={current} chosen={chosen} onChoose={setChosen} />
                <Group mt="md" gap="sm">
                  <Button
                    onClick={() => accept.mutate({ review: current, patientId: current.candidates[chosen]!.id })}
                    loading={accept.isPending}
                    disabled={busy || Boolean(blockedReason(current, chosen))}
                    aria-describedby={blockedReason(current, chosen) ? 'accept-blocked' : undefined}
                  >
                    Accept candidate {chosen + 1} (A)
                  </Button>
                  <Button
                    color="red"
                    variant="light"
                    onClick={() => reject.mutate(current)}
                    loading={reject.isPending}
                    disabled={busy}
                  >
                    Reject: different people (R)
                  </Button>
                  {busy ? <Loading what="the decision" /> : null}
                </Group>
                {blockedReason(current, chosen) ? (
                  <Text id="accept-blocked" size="sm" c="orange.9" mt="xs">
                    {blockedReason(current, chosen)}
                  </Text>
                ) : null}
                {accept.isError ? <ErrorAlert error={accept.error} title="The review was not accepted" /> : null}
                {reject.isError ? <ErrorAlert error={reject.error} title="The review was not rejected" /> : null}
              </Card>
            )
          }
        </QueryState>
      </Stack>
    </>
  );
}
