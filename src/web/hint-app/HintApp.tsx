// The framed app's shell: no session or no Tandem role → a page that says what to do and
// nothing else; otherwise the surface Hint asked for (core page, interaction, settings).
import { Alert, Box, Group, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { Loading } from '../components/Loading.tsx';
import { appApi, type SessionView } from './api.ts';
import { InteractionPanel } from './InteractionPanel.tsx';
import { PatientPanel } from './PatientPanel.tsx';
import { SettingsPanel } from './SettingsPanel.tsx';
import { useHintContext } from './sdk.ts';

function Frame({ children, title }: { children: React.ReactNode; title: string }) {
  // Hint frames the app at 1024×768: the layout is built for that and scrolls inside it.
  return (
    <Box maw={1024} mih="100vh" p="md" style={{ boxSizing: 'border-box' }}>
      <Group justify="space-between" mb="sm">
        <Title order={1} size="h3">
          {title}
        </Title>
        <Text size="sm" c="dimmed">
          Tandem
        </Text>
      </Group>
      {children}
    </Box>
  );
}

export function NoAccess({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Frame title="Tandem">
      <Alert color="yellow" title={title} role="alert" data-testid="no-access">
        {children}
      </Alert>
    </Frame>
  );
}

export function HintApp({ hasKey, path }: { hasKey: boolean; path: string }) {
  const hint = useHintContext();
  const session = useQuery({
    queryKey: ['hint-app-session'],
    queryFn: () => appApi.get<SessionView>('/session'),
    enabled: hasKey,
  });
  if (!hasKey)
    return (
      <NoAccess title="Open Tandem from inside Hint">
        This page is Tandem&apos;s app for Hint. Open a patient in Hint and choose Tandem there.
      </NoAccess>
    );
  if (session.isPending) return <Loading what="your Tandem session" />;
  if (session.isError)
    return (
      <Frame title="Tandem">
        <ErrorAlert error={session.error} title="Tandem could not start in Hint" hint="Reload the page in Hint." />
      </Frame>
    );
  const me = session.data;
  if (me.permissions.length === 0)
    return (
      <NoAccess title="You have no Tandem role">
        Ask your practice admin to assign a Tandem role to you in Hint (Tandem admin, clinician or front desk).
      </NoAccess>
    );
  if (path.endsWith('/settings')) {
    if (!me.permissions.includes('settings'))
      return (
        <NoAccess title="Only a Tandem admin can open the settings">
          Ask your practice admin for the Tandem admin role in Hint.
        </NoAccess>
      );
    return (
      <Frame title="Tandem settings">
        <SettingsPanel />
      </Frame>
    );
  }
  if (!hint.ready) return <Loading what="the patient open in Hint" />;
  if (path.endsWith('/interaction'))
    return (
      <Frame title="Healthengine booking">
        <InteractionPanel interactionId={hint.interaction?.id ?? null} permissions={me.permissions} />
      </Frame>
    );
  return (
    <Frame title={hint.patient ? hint.patient.name : 'Tandem'}>
      <PatientPanel hintPatientId={hint.patient?.id ?? null} permissions={me.permissions} />
    </Frame>
  );
}
