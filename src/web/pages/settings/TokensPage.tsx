// Settings → API tokens (admins): create one (the token is shown once), see when each was last
// used, revoke (effective at once in every Tandem process).
import { Button, Group, Stack, Table, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { ApiTokenInfo } from '../../../db/practices.ts';
import { api } from '../../api/client.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { fieldErrors } from '../../components/fields.ts';
import { formatDateTime } from '../../components/format.ts';
import { OneTimeSecret } from '../../components/OneTimeSecret.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';

type TokenRow = Omit<ApiTokenInfo, 'practiceId'>;
const TOKENS_KEY = ['tokens'] as const;

function CreateToken({ onCreated }: { onCreated(token: { name: string; token: string }): void }) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => api.post<{ id: string; name: string; token: string }>('/tokens', { name }),
    onSuccess: async (created) => {
      setName('');
      onCreated(created);
      await client.invalidateQueries({ queryKey: TOKENS_KEY });
    },
  });
  const errors = fieldErrors(create.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Create an API token">
      <Stack gap="xs">
        <Group align="flex-start" gap="sm">
          <TextInput
            label="Token name"
            description="What will use it, e.g. “EMR nightly export”"
            required
            w={340}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            {...errors.props('name')}
          />
          <Button type="submit" mt={45} loading={create.isPending}>
            Create token
          </Button>
        </Group>
        {create.isError ? (
          <ErrorAlert error={create.error} title="Could not create the token" hideFields={errors.shown} />
        ) : null}
      </Stack>
    </form>
  );
}

function TokenRowView({ token }: { token: TokenRow }) {
  const client = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => api.del(`/tokens/${token.id}`),
    onSettled: () => client.invalidateQueries({ queryKey: TOKENS_KEY }),
  });
  return (
    <>
      <Table.Tr>
        <Table.Td>{token.name}</Table.Td>
        <Table.Td>{formatDateTime(token.createdAt)}</Table.Td>
        <Table.Td>{formatDateTime(token.lastUsedAt)}</Table.Td>
        <Table.Td>
          <ConfirmButton
            size="xs"
            variant="default"
            color="red"
            aria-label={`Revoke ${token.name}`}
            loading={revoke.isPending}
            title={`Revoke the token “${token.name}”?`}
            message="Whatever uses it is refused from now on, in every Tandem process. This cannot be undone: create a new token to grant access again."
            confirmLabel="Revoke"
            onConfirm={() => revoke.mutate()}
          >
            Revoke
          </ConfirmButton>
        </Table.Td>
      </Table.Tr>
      {revoke.isError ? (
        <Table.Tr>
          <Table.Td colSpan={4}>
            <ErrorAlert error={revoke.error} title={`Could not revoke “${token.name}”`} />
          </Table.Td>
        </Table.Tr>
      ) : null}
    </>
  );
}

export default function TokensPage() {
  const tokens = useQuery({ queryKey: TOKENS_KEY, queryFn: () => api.get<{ data: TokenRow[] }>('/tokens') });
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  return (
    <>
      <PageHeader
        title="API tokens"
        description="Tokens let scripts and other systems call Tandem's REST API as an admin of this practice."
      />
      <Stack gap="lg">
        <CreateToken onCreated={setCreated} />
        {created ? (
          <OneTimeSecret
            title={`Token “${created.name}”`}
            value={created.token}
            note="Copy it now: only its hash is stored, so it cannot be shown again. Send it as “Authorization: Bearer <token>”."
          />
        ) : null}
        <QueryState query={tokens} what="API tokens">
          {({ data }) =>
            data.length === 0 ? (
              <EmptyState title="No API tokens">
                Create one above for each script or system that calls the API (reference at /api/docs), so each can be
                revoked on its own.
              </EmptyState>
            ) : (
              <Table striped highlightOnHover aria-label="API tokens">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Created</Table.Th>
                    <Table.Th>Last used</Table.Th>
                    <Table.Th>Actions</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.map((t) => (
                    <TokenRowView key={t.id} token={t} />
                  ))}
                </Table.Tbody>
              </Table>
            )
          }
        </QueryState>
      </Stack>
    </>
  );
}
