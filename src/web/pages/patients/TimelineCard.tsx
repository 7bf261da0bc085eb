// Everything that happened to this patient, newest first: inbound events, decisions (matched,
// reviewed, merged, skipped and why), changes and who made them, outbound syncs, errors.
import { Badge, Card, Group, SegmentedControl, Text, Timeline, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { QueryState } from '../../components/QueryState.tsx';
import type { TimelineEntry, TimelineKind } from '../../../http/schemas/records.ts';
import { dateTime, systemName } from './format.ts';

const kinds: Record<TimelineKind, { label: string; color: string }> = {
  inbound: { label: 'Inbound', color: 'blue' },
  decision: { label: 'Decision', color: 'grape' },
  change: { label: 'Change', color: 'teal' },
  outbound: { label: 'Outbound', color: 'cyan' },
  error: { label: 'Error', color: 'red' },
};

export function TimelineCard({ patientId, refreshing }: { patientId: string; refreshing: boolean }) {
  const [show, setShow] = useState<'all' | TimelineKind>('all');
  const timeline = useQuery({
    queryKey: ['patients', 'timeline', patientId],
    queryFn: () => api.get<{ data: TimelineEntry[] }>(`/patients/${patientId}/timeline`),
    refetchInterval: refreshing ? 1_000 : false,
  });
  return (
    <Card withBorder component="section" aria-labelledby="timeline-title">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id="timeline-title">
          Timeline
        </Title>
        <SegmentedControl
          size="xs"
          aria-label="Show"
          value={show}
          onChange={(v) => setShow(v as typeof show)}
          data={[
            { value: 'all', label: 'All' },
            ...Object.entries(kinds).map(([value, k]) => ({ value, label: `${k.label}s` })),
          ]}
        />
      </Group>
      <QueryState query={timeline} what="the timeline">
        {({ data }) => {
          const entries = show === 'all' ? data : data.filter((e) => e.kind === show);
          if (entries.length === 0)
            return (
              <Text size="sm" c="dimmed">
                {show === 'all'
                  ? 'Nothing has happened to this patient yet.'
                  : `No ${kinds[show].label.toLowerCase()} entries. Choose “All” to see everything.`}
              </Text>
            );
          return (
            <Timeline bulletSize={14} lineWidth={2} aria-label="Timeline entries">
              {entries.map((e, i) => (
                <Timeline.Item
                  key={`${e.at}:${i}`}
                  color={kinds[e.kind].color}
                  title={
                    <Group gap={6} wrap="nowrap" align="baseline">
                      <Text size="sm" fw={500} c={e.kind === 'error' ? 'red.8' : undefined}>
                        {e.title}
                      </Text>
                    </Group>
                  }
                >
                  {e.detail ? (
                    <Text size="xs" c="dimmed">
                      {e.detail}
                    </Text>
                  ) : null}
                  <Group gap={6} mt={2}>
                    <Text size="xs" c="dimmed">
                      {dateTime(e.at)}
                    </Text>
                    <Badge size="xs" variant="outline" color={kinds[e.kind].color}>
                      {kinds[e.kind].label}
                    </Badge>
                    <Badge size="xs" variant="light" color="gray">
                      {systemName(e.system)}
                    </Badge>
                  </Group>
                </Timeline.Item>
              ))}
            </Timeline>
          );
        }}
      </QueryState>
    </Card>
  );
}
