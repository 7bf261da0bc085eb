// Settings → Users (admins): invite someone (a one-time set-password link to pass on), change a
// role, disable or enable, a new link for an invite that lapsed. The server refuses to leave the
// practice without an enabled admin, and says so next to the row.
import { Button, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { InvitedUser, Role, UserView } from '../../../http/schemas/auth.ts';
import { api } from '../../api/client.ts';
import { useCurrentSession } from '../../api/session.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { fieldErrors } from '../../components/fields.ts';
import { formatDateTime } from '../../components/format.ts';
import { OneTimeSecret } from '../../components/OneTimeSecret.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';

const USERS_KEY = ['users'] as const;
const ROLE_OPTIONS = [
  { value: 'staff', label: 'Staff — records, reviews, batches, logs, jobs' },
  { value: 'admin', label: 'Admin — also connections, mapping, users, tokens' },
];

function InviteForm({ onInvited }: { onInvited(result: InvitedUser): void }) {
  const client = useQueryClient();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('staff');
  const invite = useMutation({
    mutationFn: () => api.post<InvitedUser>('/users', { email, role }),
    onSuccess: async (result) => {
      setEmail('');
      onInvited(result);
      await client.invalidateQueries({ queryKey: USERS_KEY });
    },
  });
  const errors = fieldErrors(invite.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    invite.mutate();
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Invite a user">
      <Stack gap="xs">
        <Group align="flex-start" gap="sm" wrap="nowrap">
          <TextInput
            label="Email"
            type="email"
            required
            w={300}
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            {...errors.props('email')}
          />
          <Select
            label="Role"
            w={360}
            allowDeselect={false}
            data={ROLE_OPTIONS}
            value={role}
            onChange={(v) => v && setRole(v as Role)}
            {...errors.props('role')}
          />
          <Button type="submit" mt={25} loading={invite.isPending}>
            Invite
          </Button>
        </Group>
        {invite.isError ? <ErrorAlert error={invite.error} title="Could not invite" hideFields={errors.shown} /> : null}
      </Stack>
    </form>
  );
}

function UserRow({ user, self, onLink }: { user: UserView; self: boolean; onLink(result: InvitedUser): void }) {
  const client = useQueryClient();
  const done = () => client.invalidateQueries({ queryKey: USERS_KEY });
  const change = useMutation({
    mutationFn: (body: { role?: Role; disabled?: boolean }) => api.patch<UserView>(`/users/${user.id}`, body),
    onSettled: done,
  });
  const newLink = useMutation({
    mutationFn: () => api.post<InvitedUser>(`/users/${user.id}/link`),
    onSuccess: onLink,
  });
  const error = change.error ?? newLink.error;
  return (
    <>
      <Table.Tr>
        <Table.Td>
          {user.email}
          {self ? (
            <Text span c="dimmed" size="sm">
              {' '}
              (you)
            </Text>
          ) : null}
        </Table.Td>
        <Table.Td>
          <Select
            aria-label={`Role of ${user.email}`}
            size="xs"
            w={110}
            allowDeselect={false}
            data={['staff', 'admin']}
            value={user.role}
            disabled={change.isPending}
            onChange={(v) => v && v !== user.role && change.mutate({ role: v as Role })}
          />
        </Table.Td>
        <Table.Td>
          <Text size="sm" fw={600} c={user.disabled ? 'gray.7' : user.pending ? 'yellow.9' : 'teal.8'}>
            {user.disabled ? 'Disabled' : user.pending ? 'Invited (no password yet)' : 'Active'}
          </Text>
        </Table.Td>
        <Table.Td>{formatDateTime(user.lastSignInAt)}</Table.Td>
        <Table.Td>
          <Group gap="xs" wrap="nowrap">
            {user.disabled ? (
              <Button size="xs" variant="default" onClick={() => change.mutate({ disabled: false })}>
                Enable
              </Button>
            ) : (
              <ConfirmButton
                size="xs"
                variant="default"
                color="red"
                aria-label={`Disable ${user.email}`}
                title={`Disable ${user.email}?`}
                message="They are signed out of this practice at once and cannot sign in to it until an admin enables them again. Nothing they did is removed."
                confirmLabel="Disable"
                onConfirm={() => change.mutate({ disabled: true })}
              >
                Disable
              </ConfirmButton>
            )}
            <Button size="xs" variant="subtle" onClick={() => newLink.mutate()} loading={newLink.isPending}>
              New password link
            </Button>
          </Group>
        </Table.Td>
      </Table.Tr>
      {error ? (
        <Table.Tr>
          <Table.Td colSpan={5}>
            <ErrorAlert error={error} title={`Could not change ${user.email}`} hideFields={['role', 'disabled']} />
          </Table.Td>
        </Table.Tr>
      ) : null}
    </>
  );
}

export default function UsersPage() {
  const session = useCurrentSession();
  const users = useQuery({ queryKey: USERS_KEY, queryFn: () => api.get<{ data: UserView[] }>('/users') });
  const [issued, setIssued] = useState<InvitedUser | null>(null);
  return (
    <>
      <PageHeader title="Users" description={`Who can sign in to ${session.practice.name}, and as what.`} />
      <Stack gap="lg">
        <InviteForm onInvited={setIssued} />
        {issued ? (
          issued.link ? (
            <OneTimeSecret
              title={`Link for ${issued.user.email}`}
              value={issued.link}
              note={`Send this link to ${issued.user.email}: it lets them choose a password and sign in. It works once, until ${formatDateTime(issued.expiresAt)}, and is not shown again.`}
            />
          ) : (
            <OneTimeSecret
              title={`${issued.user.email} was added`}
              value={issued.user.email}
              note="They already have a Tandem password (from another practice) and sign in with it."
            />
          )
        ) : null}
        <QueryState query={users} what="users">
          {({ data }) => (
            <Table striped highlightOnHover aria-label="Users">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Email</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Last sign-in</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.map((u) => (
                  <UserRow key={u.id} user={u} self={u.id === session.user.id} onLink={setIssued} />
                ))}
              </Table.Tbody>
            </Table>
          )}
        </QueryState>
      </Stack>
    </>
  );
}
