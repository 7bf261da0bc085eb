// Link a Healthengine practice: the practice ID and key Healthengine shows when the practice
// grants Tandem consent, and the Tandem locations it covers.
import { Button, Card, Checkbox, List, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, Link } from 'react-router';
import { api } from '../../api/client.ts';
import type { HealthengineConnectionView, Location, Page } from '../../api/ops.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { fieldErrors } from '../../components/fields.ts';
import { Loading } from '../../components/Loading.tsx';
import { AdminButton } from './AdminButton.tsx';

export function ConsentSteps() {
  return (
    <List type="ordered" size="sm" spacing={2}>
      <List.Item>
        If the practice has never used an API consumer, ask Healthengine support (1300 377 639) to enable the PMS API.
      </List.Item>
      <List.Item>
        In Healthengine Practice Admin, open <strong>API Consumer Consent</strong> → <strong>Grant new consent</strong>{' '}
        and choose Tandem.
      </List.Item>
      <List.Item>Healthengine shows a practice ID and a practice key: enter them here.</List.Item>
    </List>
  );
}

export const useLocations = () =>
  useQuery({ queryKey: ['locations'], queryFn: () => api.get<Page<Location>>('/locations?limit=500') });

export function LocationChoice({
  value,
  onChange,
  error,
}: {
  value: string[];
  onChange(v: string[]): void;
  error?: string;
}) {
  const locations = useLocations();
  if (locations.isPending) return <Loading what="locations" />;
  if (locations.isError) return <ErrorAlert error={locations.error} title="Could not load the locations" />;
  if (locations.data.data.length === 0)
    return (
      <Text size="sm" c="red.8">
        This practice has no locations yet. Create one (POST /api/v1/locations) before linking Healthengine.
      </Text>
    );
  return (
    <Checkbox.Group label="Locations this Healthengine practice covers" value={value} onChange={onChange} error={error}>
      <Stack gap={4} mt={4}>
        {locations.data.data.map((l) => (
          <Checkbox key={l.id} value={l.id} label={`${l.name} (${l.timeZone})`} />
        ))}
      </Stack>
    </Checkbox.Group>
  );
}

export function LinkHealthengine() {
  const [open, setOpen] = useState(false);
  const [practiceId, setPracticeId] = useState('');
  const [practiceKey, setPracticeKey] = useState('');
  const [locationIds, setLocationIds] = useState<string[]>([]);
  const navigate = useNavigate();
  const client = useQueryClient();
  const link = useMutation({
    mutationFn: () =>
      api.post<HealthengineConnectionView>('/healthengine/connections', { practiceId, practiceKey, locationIds }),
    onSuccess: async (c) => {
      await client.invalidateQueries({ queryKey: ['connections'] });
      await navigate(`/connections/${c.id}`);
    },
  });
  const errors = fieldErrors(link.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    link.mutate();
  };
  return (
    <Card withBorder padding="md">
      <Stack gap="sm">
        <Title order={3} size="h4">
          Healthengine
        </Title>
        <Text size="sm">
          Availability published, online bookings taken into the appointment book within seconds. One link per
          Healthengine practice.
        </Text>
        {!open ? (
          <div>
            <AdminButton variant="default" onClick={() => setOpen(true)}>
              Link a Healthengine practice
            </AdminButton>
          </div>
        ) : (
          <form onSubmit={submit}>
            <Stack gap="sm">
              <ConsentSteps />
              <TextInput
                label="Practice ID"
                value={practiceId}
                onChange={(e) => setPracticeId(e.currentTarget.value)}
                required
                autoComplete="off"
                {...errors.props('practiceId')}
              />
              <PasswordInput
                label="Practice key"
                description="Stored encrypted."
                value={practiceKey}
                onChange={(e) => setPracticeKey(e.currentTarget.value)}
                required
                autoComplete="off"
                {...errors.props('practiceKey')}
              />
              <LocationChoice value={locationIds} onChange={setLocationIds} error={errors.get('locationIds')} />
              <ErrorAlert error={link.error} hideFields={errors.shown} title="Healthengine was not linked" />
              <Stack gap={4} align="flex-start">
                <AdminButton type="submit" loading={link.isPending}>
                  Link practice
                </AdminButton>
                <Button variant="subtle" size="xs" onClick={() => setOpen(false)}>
                  Cancel
                </Button>
              </Stack>
            </Stack>
          </form>
        )}
        <Text size="xs" c="dimmed">
          Healthengine requires its data to be processed and stored in Australia. <Link to="/logs">Logs</Link> show
          every request it raises.
        </Text>
      </Stack>
    </Card>
  );
}
