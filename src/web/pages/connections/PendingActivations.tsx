// Hint activations nobody started in Tandem (a headless connect from Hint's marketplace, or a
// redirect without a connect session) are parked until an admin approves or rejects them
// (docs/hint.md). Shown only when there are some; the API answers an empty list to practices
// that do not own them.
import { Alert, Group, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, ApiError } from '../../api/client.ts';
import type { HintConnectionView, Page, PendingActivation } from '../../api/ops.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { AdminButton } from './AdminButton.tsx';
import { setupPath } from './ConnectHint.tsx';

export function PendingActivations() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const pending = useQuery({
    queryKey: ['hint-pending-activations'],
    queryFn: async () => {
      try {
        return await api.get<Page<PendingActivation>>('/hint/pending-activations');
      } catch (error) {
        // A Tandem without parked activations (older API) has no such route.
        if (error instanceof ApiError && error.status === 404) return { data: [] };
        throw error;
      }
    },
    refetchInterval: 10_000,
  });
  const decide = useMutation({
    mutationFn: ({ id, verdict }: { id: string; verdict: 'approve' | 'reject' }) =>
      api.post<HintConnectionView | unknown>(`/hint/pending-activations/${id}/${verdict}`),
    onSuccess: async (result, { verdict }) => {
      await client.invalidateQueries({ queryKey: ['hint-pending-activations'] });
      await client.invalidateQueries({ queryKey: ['connections'] });
      if (verdict === 'approve' && result && typeof result === 'object' && 'id' in result)
        await navigate(setupPath(String(result.id)));
    },
  });
  if (pending.isError) return <ErrorAlert error={pending.error} title="Could not load Hint activations" />;
  const rows = pending.data?.data ?? [];
  if (rows.length === 0) return null;
  return (
    <Alert color="orange" title="Hint connections waiting for approval" mb="md">
      <Stack gap="xs">
        <Text size="sm">
          Someone clicked Connect in Hint without starting the connection here, so nobody has vouched for it yet.
          Approve only a Hint practice you recognise as this practice’s; reject anything else.
        </Text>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Hint practice</Table.Th>
              <Table.Th>Arrived</Table.Th>
              <Table.Th>Decision</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>
                  {p.hintPracticeName ?? 'Unnamed practice'} ({p.hintPracticeId})
                </Table.Td>
                <Table.Td>{new Date(p.createdAt).toLocaleString()}</Table.Td>
                <Table.Td>
                  <Group gap="xs">
                    <AdminButton
                      size="xs"
                      onClick={() => decide.mutate({ id: p.id, verdict: 'approve' })}
                      loading={
                        decide.isPending && decide.variables?.id === p.id && decide.variables.verdict === 'approve'
                      }
                    >
                      Approve
                    </AdminButton>
                    <AdminButton
                      size="xs"
                      color="red"
                      variant="light"
                      onClick={() => decide.mutate({ id: p.id, verdict: 'reject' })}
                      loading={
                        decide.isPending && decide.variables?.id === p.id && decide.variables.verdict === 'reject'
                      }
                    >
                      Reject
                    </AdminButton>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <ErrorAlert error={decide.error} title="The decision was not recorded" />
      </Stack>
    </Alert>
  );
}
