// /connections: every connection of the practice with its status, Hint activations waiting for
// an admin, and the ways in: connect Hint (InstantOn first, a code or a pasted token as
// fallbacks) and link a Healthengine practice.
import { Alert, Badge, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useConnections, useSandbox, type Connection } from '../../api/ops.ts';
import { systemName } from '../patients/format.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { ConnectHint } from './ConnectHint.tsx';
import { LinkHealthengine } from './LinkHealthengine.tsx';
import { ConnectSalesforce } from './ConnectSalesforce.tsx';
import { PendingActivations } from './PendingActivations.tsx';
import { StatusBadge } from './StatusBadge.tsx';

const listWords = (words: string[]) =>
  words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;

/** Says plainly that the platforms are emulated; `compact` on a connection's own page. */
export function SandboxNotice({ compact = false }: { compact?: boolean }) {
  const sandbox = useSandbox();
  if (!sandbox.data) return null;
  const names = listWords(Object.keys(sandbox.data).map((s) => systemName(s)));
  if (compact)
    return (
      <Alert color="yellow" mb="md" py={6}>
        Sandbox mode: {names} are local emulators with fictitious data.
      </Alert>
    );
  return (
    <Alert color="yellow" title="Sandbox mode" mb="md">
      Tandem is running with local emulators of {names} instead of the real platforms: the data is fictitious, and you
      may skip the review steps. With a real practice, data moves only after an admin has reviewed the field mapping and
      a preview of the initial sync.
    </Alert>
  );
}

/** What each platform calls the account a connection is bound to. */
const remoteAccountWord: Record<Connection['system'], string> = {
  hint: 'practice',
  healthengine: 'practice',
  salesforce: 'org',
};

function ConnectionCard({ c }: { c: Connection }) {
  return (
    <Card withBorder padding="md" component={Link} to={`/connections/${c.id}`} aria-label={`${c.name}: ${c.status}`}>
      <Group justify="space-between" wrap="nowrap">
        <Stack gap={2}>
          <Text fw={600}>{c.name}</Text>
          <Text size="sm" c="dimmed">
            {systemName(c.system)}
            {c.remoteAccountId ? ` · ${remoteAccountWord[c.system]} ${c.remoteAccountId}` : ''}
          </Text>
        </Stack>
        <StatusBadge status={c.status} />
      </Group>
      {c.statusMessage ? (
        <Text size="sm" mt="xs" c={c.status === 'active' ? 'dimmed' : 'red.8'}>
          {c.statusMessage}
        </Text>
      ) : null}
    </Card>
  );
}

export default function ConnectionsPage() {
  const connections = useConnections();
  return (
    <>
      <PageHeader
        title="Connections"
        description="The platforms this practice is linked to. Open one to see its health, field mapping and settings."
      />
      <SandboxNotice />
      <PendingActivations />
      <QueryState query={connections} what="connections">
        {({ data }) =>
          data.length === 0 ? (
            <EmptyState title="No connections yet">
              Connect Hint or Salesforce, or link a Healthengine practice, below. Nothing moves until you have reviewed
              the field mapping and a preview of the first sync.
            </EmptyState>
          ) : (
            <SimpleGrid cols={2} spacing="md" mb="lg">
              {data.map((c) => (
                <ConnectionCard key={c.id} c={c} />
              ))}
            </SimpleGrid>
          )
        }
      </QueryState>
      <Title order={2} size="h3" mt="lg" mb="sm">
        Add a connection
      </Title>
      <SimpleGrid cols={2} spacing="md">
        <ConnectHint />
        <LinkHealthengine />
        <ConnectSalesforce />
      </SimpleGrid>
      <Text size="sm" c="dimmed" mt="md">
        How each platform syncs is described in docs/hint.md, docs/healthengine.md and docs/salesforce.md.{' '}
        <Badge variant="light">Admins</Badge> connect, change and deactivate connections; staff can see them.
      </Text>
    </>
  );
}
