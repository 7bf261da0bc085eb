// Routing and the sign-in gate: public pages stand alone; every other page needs a session
// and renders inside the shell. Unknown URLs get a page that says so.
import { Suspense, useEffect } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { onUnauthorized } from './api/client.ts';
import { SESSION_KEY, useSession } from './api/session.ts';
import { ErrorAlert } from './components/ErrorAlert.tsx';
import { Loading } from './components/Loading.tsx';
import { Shell } from './components/Shell.tsx';
import { AdminsOnly, NotFound } from './pages/Fallbacks.tsx';
import { routes, type ConsoleRoute } from './routes.tsx';

function Page({ route }: { route: ConsoleRoute }) {
  const Component = route.component;
  return <Suspense fallback={<Loading what="the page" />}>{Component ? <Component /> : route.element}</Suspense>;
}

function RequireSession() {
  const session = useSession();
  const location = useLocation();
  const client = useQueryClient();
  // Any 401 (session expired while working) sends the user back through sign-in.
  useEffect(
    () =>
      onUnauthorized(() => {
        if (client.getQueryData(SESSION_KEY)) client.setQueryData(SESSION_KEY, null);
      }),
    [client],
  );
  if (session.isPending) return <Loading what="your session" />;
  if (session.isError) return <ErrorAlert error={session.error} title="Could not check your session" />;
  if (!session.data) {
    const next = location.pathname + location.search;
    return <Navigate to={next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Shell session={session.data} />;
}

function Guarded({ route }: { route: ConsoleRoute }) {
  const session = useSession();
  if (route.role === 'admin' && session.data?.user.role !== 'admin') return <AdminsOnly />;
  return <Page route={route} />;
}

export function App() {
  return (
    <Routes>
      {routes
        .filter((r) => r.public)
        .map((r) => (
          <Route key={r.path} path={r.path} element={<Page route={r} />} />
        ))}
      <Route element={<RequireSession />}>
        {routes
          .filter((r) => !r.public)
          .map((r) => (
            <Route key={r.path} path={r.path} element={<Guarded route={r} />} />
          ))}
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
