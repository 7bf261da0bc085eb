// The app Hint frames: Mantine and TanStack Query as in the console, one surface per path.
import '@mantine/core/styles.css';
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { theme } from '../theme.ts';
import { createRoot } from 'react-dom/client';
import { ApiError } from '../api/client.ts';
import { takeSessionKey } from './api.ts';
import { HintApp } from './HintApp.tsx';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: (failures, error) =>
        failures < 1 && !(error instanceof ApiError && error.status < 500 && error.status > 0),
      refetchOnWindowFocus: false,
    },
    mutations: { retry: false },
  },
});

const hasKey = takeSessionKey() !== null;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="light">
      <QueryClientProvider client={queryClient}>
        <HintApp hasKey={hasKey} path={window.location.pathname} />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
