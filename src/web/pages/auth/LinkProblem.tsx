// What an unusable link (missing, expired, already used) says, and what to do instead.
import { Button, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';

export function LinkProblem({ error, missing, remedy }: { error?: unknown; missing?: boolean; remedy: ReactNode }) {
  return (
    <Stack gap="sm">
      {missing ? (
        <Text>This page needs the link Tandem gave you, with its code. Open the link exactly as you received it.</Text>
      ) : (
        <ErrorAlert error={error} hint={null} hideFields={['code']} />
      )}
      <Text size="sm" component="div">
        {remedy}
      </Text>
      <Button component={Link} to="/sign-in" variant="default">
        Go to sign in
      </Button>
    </Stack>
  );
}
