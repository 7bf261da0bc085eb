// The steps after connecting Hint, so a practice's data moves only once an admin has seen them:
// 1. the field mapping (defaults filled in), 2. a preview of the initial sync (a dry run: counts
// of link / create / review / skip and a sample), 3. the run itself, on its batch page. Each
// step has its own URL (?setup=mapping, ?setup=preview&batch=…), so Back works. In sandbox
// mode the admin may skip ahead, and the page says so.
import { Alert, Button, Card, Group, Stack, Stepper, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api } from '../../api/client.ts';
import { isLive, useBatch, useSandbox, type BatchView, type Connection } from '../../api/ops.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { useStartSync } from '../batches/BatchPage.tsx';
import { BatchCounts, BatchProgress, ReportTable } from '../batches/parts.tsx';
import { AdminButton } from './AdminButton.tsx';
import { MAPPING_KEYS, patchHintSettings, SettingsEditor } from './SettingsEditor.tsx';

function Preview({ connection, batchId }: { connection: Connection; batchId: string }) {
  const batch = useBatch(batchId);
  const run = useStartSync(connection.id);
  const [, setParams] = useSearchParams();
  return (
    <QueryState query={batch} what="the preview">
      {(b) => (
        <Stack gap="md">
          <Card withBorder>
            <BatchProgress batch={b} />
          </Card>
          {isLive(b) ? (
            <Text size="sm" c="dimmed">
              Tandem is reading Hint and matching each patient; nothing is written.
            </Text>
          ) : b.status === 'completed' ? (
            <>
              <Text size="sm">
                This is what the initial sync would do now. Nothing has been written yet. Records sent to review wait
                for a person in the review queue.
              </Text>
              <BatchCounts batch={b} />
              <Text fw={600} size="sm">
                A sample
              </Text>
              <ReportTable batch={b} sample={20} />
              <Group>
                <AdminButton onClick={() => run.mutate(false)} loading={run.isPending}>
                  Run the initial sync
                </AdminButton>
                <Button variant="default" onClick={() => setParams({ setup: 'mapping' })}>
                  Back to the mapping
                </Button>
              </Group>
              <ErrorAlert error={run.error} title="The initial sync did not start" />
            </>
          ) : (
            <Alert color="red" title={`The preview ${b.status}`}>
              {b.error ?? 'No reason was recorded.'} You can start it again from the mapping step.
            </Alert>
          )}
        </Stack>
      )}
    </QueryState>
  );
}

export function HintSetup({ connection, settings }: { connection: Connection; settings: Record<string, unknown> }) {
  const [params, setParams] = useSearchParams();
  const sandbox = useSandbox();
  const step = params.get('setup') === 'preview' && params.get('batch') ? 1 : 0;
  const preview = useMutation({
    mutationFn: () => api.post<BatchView>(`/hint/connections/${connection.id}/sync`, { dryRun: true }),
    onSuccess: (b) => setParams({ setup: 'preview', batch: b.id }),
  });
  const skip = useStartSync(connection.id);
  return (
    <Stack gap="lg">
      <Stepper active={step} size="sm" allowNextStepsSelect={false}>
        <Stepper.Step label="Field mapping" description="What syncs, and which way" />
        <Stepper.Step label="Preview" description="A dry run: nothing written" />
        <Stepper.Step label="Initial sync" description="Link, create, review" />
      </Stepper>
      {sandbox.data?.hint ? (
        <Alert color="yellow" title="Sandbox: you may skip ahead">
          <Group justify="space-between">
            <Text size="sm">
              This is the Hint emulator’s fictitious practice, so you may run the sync without reviewing. A real
              practice goes through both steps.
            </Text>
            <AdminButton size="xs" variant="default" onClick={() => skip.mutate(false)} loading={skip.isPending}>
              Skip to the initial sync
            </AdminButton>
          </Group>
          <ErrorAlert error={skip.error} title="The initial sync did not start" />
        </Alert>
      ) : null}
      {step === 0 ? (
        <Stack gap="sm">
          <Text size="sm">
            Tandem filled in its default mapping. Check each field’s direction (both ways, from Hint only, to Hint only,
            or neither) and what happens when both sides changed the same field. You can change this later.
          </Text>
          <SettingsEditor
            connection={connection}
            current={settings}
            only={[...MAPPING_KEYS, 'initialSync']}
            save={patchHintSettings(connection.id)}
            saveLabel="Save and preview"
            onSaved={() => preview.mutate()}
          />
          <ErrorAlert error={preview.error} title="The preview did not start" />
        </Stack>
      ) : (
        <Preview connection={connection} batchId={params.get('batch')!} />
      )}
    </Stack>
  );
}
