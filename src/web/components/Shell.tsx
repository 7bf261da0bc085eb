// The signed-in frame: sidebar built from routes.tsx (admin pages hidden from staff), the
// practice switcher, and the user menu (sign out, sign out everywhere).
import { AppShell, Badge, Button, Group, Menu, NavLink, Select, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { Suspense } from 'react';
import { Link, Outlet, matchPath, useLocation, useNavigate } from 'react-router';
import { api } from '../api/client.ts';
import { useResetAfterSessionChange, type SessionInfo } from '../api/session.ts';
import { routes, type ConsoleRoute } from '../routes.tsx';
import { ErrorAlert } from './ErrorAlert.tsx';
import { Loading } from './Loading.tsx';

function isActive(route: ConsoleRoute, pathname: string): boolean {
  if (route.path === '/') return pathname === '/';
  return Boolean(matchPath({ path: route.path, end: false }, pathname));
}

function Navigation({ session }: { session: SessionInfo }) {
  const { pathname } = useLocation();
  const visible = routes.filter((r) => r.nav && !r.public && (r.role !== 'admin' || session.user.role === 'admin'));
  const groups = new Map<string, ConsoleRoute[]>();
  for (const r of visible) groups.set(r.group ?? '', [...(groups.get(r.group ?? '') ?? []), r]);
  return (
    <nav aria-label="Main">
      {[...groups].map(([group, entries]) => (
        <div key={group || 'main'}>
          {group ? (
            <Text size="xs" fw={700} c="dimmed" tt="uppercase" mt="md" mb={4} px="sm">
              {group}
            </Text>
          ) : null}
          {entries.map((r) => (
            <NavLink key={r.path} component={Link} to={r.path} label={r.title} active={isActive(r, pathname)} />
          ))}
        </div>
      ))}
    </nav>
  );
}

function PracticeSwitcher({ session }: { session: SessionInfo }) {
  const reset = useResetAfterSessionChange();
  const navigate = useNavigate();
  const change = useMutation({
    mutationFn: (practiceId: string) => api.put('/auth/practice', { practiceId }),
    onSuccess: async () => {
      await reset();
      await navigate('/');
    },
  });
  if (session.practices.length < 2) return <Text fw={500}>{session.practice.name}</Text>;
  return (
    <Group gap="xs" wrap="nowrap">
      <Select
        aria-label="Practice"
        size="xs"
        w={220}
        allowDeselect={false}
        data={session.practices.map((p) => ({ value: p.id, label: p.name }))}
        value={session.practice.id}
        onChange={(value) => value && value !== session.practice.id && change.mutate(value)}
        disabled={change.isPending}
      />
      {change.isError ? <ErrorAlert error={change.error} title="Could not switch practice" /> : null}
    </Group>
  );
}

function UserMenu({ session }: { session: SessionInfo }) {
  const reset = useResetAfterSessionChange();
  const navigate = useNavigate();
  const signOut = useMutation({
    mutationFn: (everywhere: boolean) => api.post(everywhere ? '/auth/sign-out-everywhere' : '/auth/sign-out'),
    onSuccess: async () => {
      await reset();
      await navigate('/sign-in');
    },
  });
  return (
    <Group gap="xs" wrap="nowrap">
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button variant="subtle" size="xs" aria-label="Account menu">
            {session.user.email}{' '}
            <Badge ml={6} size="xs" variant="light">
              {session.user.role}
            </Badge>
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => signOut.mutate(false)}>Sign out</Menu.Item>
          <Menu.Item onClick={() => signOut.mutate(true)}>Sign out everywhere</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      {signOut.isError ? <ErrorAlert error={signOut.error} title="Could not sign out" /> : null}
    </Group>
  );
}

export function Shell({ session }: { session: SessionInfo }) {
  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 210, breakpoint: 0 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="md" wrap="nowrap">
            <Text fw={800} size="lg" component={Link} to="/" style={{ textDecoration: 'none', color: 'inherit' }}>
              Tandem
            </Text>
            <PracticeSwitcher session={session} />
          </Group>
          <UserMenu session={session} />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        <Navigation session={session} />
      </AppShell.Navbar>
      <AppShell.Main>
        <Suspense fallback={<Loading what="the page" />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
