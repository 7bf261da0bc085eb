// A connection's or a batch's status as a coloured word.
import { Badge } from '@mantine/core';

const colour: Record<string, string> = {
  active: 'teal',
  completed: 'teal',
  pending: 'blue',
  queued: 'blue',
  running: 'blue',
  consent_needed: 'orange',
  error: 'red',
  failed: 'red',
  disabled: 'gray',
  deactivated: 'gray',
  aborted: 'gray',
};

const words: Record<string, string> = { consent_needed: 'consent needed' };

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge color={colour[status] ?? 'gray'} variant="light">
      {words[status] ?? status}
    </Badge>
  );
}
