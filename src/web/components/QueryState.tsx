// The three states of a query in one place: loading (with the slow notice), error (in words,
// with a retry), or the content.
import { Button, Stack } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ErrorAlert } from './ErrorAlert.tsx';
import { Loading } from './Loading.tsx';

export interface QueryStateProps<T> {
  query: UseQueryResult<T>;
  what?: string;
  children: (data: T) => ReactNode;
}

export function QueryState<T>({ query, what, children }: QueryStateProps<T>) {
  if (query.isPending) return <Loading what={what} />;
  if (query.isError)
    return (
      <Stack gap="xs" align="flex-start">
        <ErrorAlert error={query.error} title={what ? `Could not load ${what}` : undefined} />
        <Button variant="default" size="xs" onClick={() => void query.refetch()}>
          Try again
        </Button>
      </Stack>
    );
  return <>{children(query.data)}</>;
}
