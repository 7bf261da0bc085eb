// A loading indicator that does not spin forever: after `slowMs` it says so in words.
// (Requests themselves time out in the API client and then show an ErrorAlert.)
import { Group, Loader, Text } from '@mantine/core';
import { useEffect, useState } from 'react';

export interface LoadingProps {
  /** What is loading, e.g. "patients". */
  what?: string;
  slowMs?: number;
}

export function Loading({ what, slowMs = 5_000 }: LoadingProps) {
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    const timer = window.setTimeout(() => setSlow(true), slowMs);
    return () => window.clearTimeout(timer);
  }, [slowMs]);
  return (
    <Group gap="sm" py="md" role="status" aria-live="polite">
      <Loader size="sm" />
      <Text c="dimmed">
        {slow
          ? `This is taking longer than expected${what ? ` (loading ${what})` : ''}. Still waiting for the server…`
          : `Loading${what ? ` ${what}` : ''}…`}
      </Text>
    </Group>
  );
}
