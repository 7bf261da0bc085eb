// Connect Hint. InstantOn first: one click here starts a connect session (the cookie that ties
// Hint's code to this practice) and opens Hint's marketplace; the Connect click there sends the
// browser back to Tandem, which lands on the field-mapping step. Fallbacks: a code Hint gave
// staff, or a practice access token pasted in.
import { Accordion, Card, Group, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../../api/client.ts';
import type { HintConnectionView } from '../../api/ops.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { fieldErrors } from '../../components/fields.ts';
import { AdminButton } from './AdminButton.tsx';

interface ConnectSession {
  sessionId: string;
  expiresAt: string;
  callbackUrl: string;
  /** Where the admin clicks Connect on Tandem's tile in Hint. */
  marketplaceUrl?: string;
}

/** Where a fresh Hint connection goes next: its field mapping, then the preview. */
export const setupPath = (id: string) => `/connections/${id}?setup=mapping`;

export function ConnectHint() {
  const navigate = useNavigate();
  const client = useQueryClient();
  const instantOn = useMutation({
    mutationFn: () => api.post<ConnectSession>('/hint/connect-sessions'),
    onSuccess: (session) => {
      if (session.marketplaceUrl) window.location.assign(session.marketplaceUrl);
    },
  });
  const connected = async (c: HintConnectionView) => {
    await client.invalidateQueries({ queryKey: ['connections'] });
    await navigate(setupPath(c.id));
  };
  return (
    <Card withBorder padding="md">
      <Stack gap="sm">
        <Title order={3} size="h4">
          Hint
        </Title>
        <Text size="sm">
          Patients and practitioners both ways, membership and billing facts for staff. Click Connect Hint, then Connect
          on Tandem’s tile in Hint’s marketplace; you come back here to review the field mapping and a preview before
          anything moves.
        </Text>
        <Group>
          <AdminButton onClick={() => instantOn.mutate()} loading={instantOn.isPending}>
            Connect Hint
          </AdminButton>
        </Group>
        {instantOn.data && !instantOn.data.marketplaceUrl ? (
          <Text size="sm" role="status">
            Tandem is ready for 30 minutes: in Hint, open Admin → Integrations and click Connect on Tandem’s tile. Hint
            sends you back to {instantOn.data.callbackUrl}…
          </Text>
        ) : null}
        <ErrorAlert error={instantOn.error} title="Could not start connecting" />
        <Accordion variant="contained" chevronPosition="left">
          <Accordion.Item value="code">
            <Accordion.Control>I have a code from Hint</Accordion.Control>
            <Accordion.Panel>
              <ConnectWith field="code" onConnected={connected} />
            </Accordion.Panel>
          </Accordion.Item>
          <Accordion.Item value="token">
            <Accordion.Control>Paste a practice access token</Accordion.Control>
            <Accordion.Panel>
              <ConnectWith field="accessToken" onConnected={connected} />
            </Accordion.Panel>
          </Accordion.Item>
        </Accordion>
      </Stack>
    </Card>
  );
}

function ConnectWith({
  field,
  onConnected,
}: {
  field: 'code' | 'accessToken';
  onConnected(c: HintConnectionView): Promise<void>;
}) {
  const [value, setValue] = useState('');
  const connect = useMutation({
    mutationFn: () => api.post<HintConnectionView>('/hint/connections', { [field]: value.trim() }),
    onSuccess: onConnected,
  });
  const errors = fieldErrors(connect.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    connect.mutate();
  };
  const Input = field === 'code' ? TextInput : PasswordInput;
  return (
    <form onSubmit={submit}>
      <Stack gap="xs">
        <Input
          label={field === 'code' ? 'Code' : 'Access token'}
          description={
            field === 'code'
              ? 'The code Hint showed when Tandem was connected from its marketplace.'
              : 'A practice API key from Hint (Admin → API keys). It is stored encrypted.'
          }
          value={value}
          onChange={(e) => setValue(e.currentTarget.value)}
          required
          autoComplete="off"
          {...errors.props(field)}
        />
        <ErrorAlert error={connect.error} hideFields={errors.shown} title="Hint was not connected" />
        <div>
          <AdminButton type="submit" variant="default" loading={connect.isPending} disabled={!value.trim()}>
            Connect
          </AdminButton>
        </div>
      </Stack>
    </form>
  );
}
