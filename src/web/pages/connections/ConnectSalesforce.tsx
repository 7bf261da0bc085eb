// Connect Salesforce: "Connect with Salesforce" (web-server flow with PKCE: sign in to Salesforce
// and Allow, come back here) or, for an unattended server, the JWT bearer flow with the
// integration user's username and the connected app's private key.
import { Accordion, Card, Group, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api, ApiError } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { AdminButton } from './AdminButton.tsx';

interface Defaults {
  loginUrl: string;
  clientId: string | null;
  hasClientSecret: boolean;
  callbackUrl: string;
  sandbox: { username: string } | null;
}

export function ConnectSalesforce() {
  const navigate = useNavigate();
  const client = useQueryClient();
  const defaults = useQuery({ queryKey: ['sf-defaults'], queryFn: () => api.get<Defaults>('/salesforce/defaults') });
  const [form, setForm] = useState({ loginUrl: '', clientId: '', username: '', privateKeyPem: '' });
  const web = useMutation({
    mutationFn: () =>
      api.post<{ authorizeUrl: string }>('/salesforce/connections/web', {
        ...(form.loginUrl ? { loginUrl: form.loginUrl } : {}),
        ...(form.clientId ? { clientId: form.clientId } : {}),
      }),
    onSuccess: (r) => window.location.assign(r.authorizeUrl),
  });
  const jwt = useMutation({
    mutationFn: () =>
      api.post<{ connection: { id: string } }>('/salesforce/connections/jwt', {
        ...(form.loginUrl ? { loginUrl: form.loginUrl } : {}),
        ...(form.clientId ? { clientId: form.clientId } : {}),
        username: form.username,
        privateKeyPem: form.privateKeyPem,
      }),
    onSuccess: async (r) => {
      await client.invalidateQueries({ queryKey: ['connections'] });
      await navigate(`/connections/${r.connection.id}`);
    },
  });
  const err = (f: string) => (jwt.error instanceof ApiError ? jwt.error.fieldError(f) : undefined);
  const submitJwt = (e: FormEvent) => {
    e.preventDefault();
    jwt.mutate();
  };
  const d = defaults.data;
  return (
    <Card withBorder padding="md">
      <Stack gap="sm">
        <Title order={3} size="h4">
          Salesforce
        </Title>
        <Text size="sm">
          Contacts linked with patients, and through Tandem with Hint. Deploy Tandem’s metadata into the org first
          (docs/salesforce.md); Tandem checks it when you connect.
        </Text>
        <TextInput
          label="Login URL"
          placeholder={d?.loginUrl ?? 'https://login.salesforce.com'}
          value={form.loginUrl}
          onChange={(e) => setForm({ ...form, loginUrl: e.currentTarget.value })}
          error={err('loginUrl')}
        />
        <TextInput
          label="Connected app consumer key"
          placeholder={d?.clientId ?? 'required'}
          value={form.clientId}
          onChange={(e) => setForm({ ...form, clientId: e.currentTarget.value })}
          error={err('clientId')}
        />
        <Group>
          <AdminButton onClick={() => web.mutate()} loading={web.isPending}>
            Connect with Salesforce
          </AdminButton>
        </Group>
        <ErrorAlert error={web.error} title="Could not start connecting" />
        <Accordion variant="contained">
          <Accordion.Item value="jwt">
            <Accordion.Control>Unattended server: JWT bearer flow</Accordion.Control>
            <Accordion.Panel>
              <form onSubmit={submitJwt} aria-label="Connect with the JWT bearer flow">
                <Stack gap="xs">
                  <TextInput
                    label="Integration user's username"
                    placeholder={d?.sandbox?.username ?? 'integration@yourorg.example'}
                    value={form.username}
                    onChange={(e) => setForm({ ...form, username: e.currentTarget.value })}
                    error={err('username')}
                    required
                  />
                  <Textarea
                    label="Connected app's private key (PEM)"
                    autosize
                    minRows={3}
                    value={form.privateKeyPem}
                    onChange={(e) => setForm({ ...form, privateKeyPem: e.currentTarget.value })}
                    error={err('privateKeyPem')}
                    required
                  />
                  <Group>
                    <AdminButton type="submit" loading={jwt.isPending}>
                      Connect with JWT
                    </AdminButton>
                  </Group>
                  <ErrorAlert
                    error={jwt.error}
                    title="Could not connect"
                    hideFields={['username', 'privateKeyPem', 'clientId', 'loginUrl']}
                  />
                </Stack>
              </form>
            </Accordion.Panel>
          </Accordion.Item>
        </Accordion>
      </Stack>
    </Card>
  );
}
