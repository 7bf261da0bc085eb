// What an empty list or page says: what is missing and what to do next.
import { Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

export interface EmptyStateProps {
  title: string;
  /** The next step, in words ("Connect Hint to see its patients here"). */
  children?: ReactNode;
  /** A button or link that takes that step. */
  action?: ReactNode;
}

export function EmptyState({ title, children, action }: EmptyStateProps) {
  return (
    <Stack align="center" gap="xs" py="xl" data-testid="empty-state">
      <Title order={3} size="h4">
        {title}
      </Title>
      {children ? (
        <Text c="dimmed" ta="center" maw={520}>
          {children}
        </Text>
      ) : null}
      {action}
    </Stack>
  );
}
