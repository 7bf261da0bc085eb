// /batches/:id: one batch, live. The progress bar is re-read twice a second while it runs; an
// admin can abort it; the counts and the per-record report (table, CSV) follow. A finished dry
// run offers to run the sync for real.
import { Alert, Button, Card, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../api/client.ts';
import { batchKindLabel, isLive, useBatch, type BatchView } from '../../api/ops.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { AdminButton } from '../connections/AdminButton.tsx';
import { StatusBadge } from '../connections/StatusBadge.tsx';
import { BatchCounts, BatchProgress, ReportTable } from './parts.tsx';

/** Starts the Hint initial sync (or its preview) and opens its batch page. */
export function useStartSync(connectionId: string | null | undefined) {
  const navigate = useNavigate();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (dryRun: boolean) => api.post<BatchView>(`/hint/connections/${connectionId}/sync`, { dryRun }),
    onSuccess: async (batch) => {
      await client.invalidateQueries({ queryKey: ['batches'] });
      await navigate(`/batches/${batch.id}`);
    },
  });
}

function Abort({ batch }: { batch: BatchView }) {
  const [open, setOpen] = useState(false);
  const client = useQueryClient();
  const abort = useMutation({
    mutationFn: () => api.post<BatchView>(`/batches/${batch.id}/abort`),
    onSuccess: async (b) => {
      client.setQueryData(['batch', batch.id], b);
      setOpen(false);
    },
  });
  return (
    <>
      <AdminButton color="red" variant="light" onClick={() => setOpen(true)} disabled={batch.abortRequested}>
        {batch.abortRequested ? 'Stopping…' : 'Abort'}
      </AdminButton>
      <Modal opened={open} onClose={() => setOpen(false)} title="Abort this batch?">
        <Stack>
          <Text size="sm">
            The batch stops after the records it is working on. What it has done stays done (records linked or created
            so far remain, and the report keeps their lines). Running the sync again later carries on without
            duplicates.
          </Text>
          <ErrorAlert error={abort.error} title="The batch was not aborted" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Keep running
            </Button>
            <Button color="red" onClick={() => abort.mutate()} loading={abort.isPending}>
              Abort the batch
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

function Outcome({ batch }: { batch: BatchView }) {
  const run = useStartSync(batch.connectionId);
  if (batch.status === 'failed')
    return (
      <Alert color="red" title="The batch failed">
        {batch.error ?? 'No reason was recorded.'} Running it again is safe: records already linked are not linked
        twice.
      </Alert>
    );
  if (batch.status === 'aborted')
    return (
      <Alert color="gray" title="Aborted">
        The batch was stopped at {batch.processed.toLocaleString()} records. What it did stays done.
      </Alert>
    );
  if (batch.status !== 'completed') return null;
  if (!batch.dryRun)
    return (
      <Alert color="teal" title="Done">
        Every record was worked through. Records sent to review wait in the review queue; errors show on each patient
        and in the logs.
      </Alert>
    );
  return (
    <Alert color="blue" title="This was a preview: nothing was written">
      <Stack gap="xs">
        <Text size="sm">
          The counts and the sample below are what the initial sync will do now. If they look right, run it.
        </Text>
        {batch.connectionId && batch.kind === 'hint:initial-sync' ? (
          <Group>
            <AdminButton onClick={() => run.mutate(false)} loading={run.isPending}>
              Run the initial sync
            </AdminButton>
            <Button component={Link} to={`/connections/${batch.connectionId}`} variant="default">
              Change the mapping first
            </Button>
          </Group>
        ) : null}
        <ErrorAlert error={run.error} title="The initial sync did not start" />
      </Stack>
    </Alert>
  );
}

export default function BatchPage() {
  const { id } = useParams();
  const batch = useBatch(id);
  return (
    <QueryState query={batch} what="the batch">
      {(b) => (
        <>
          <PageHeader
            title={`${batchKindLabel(b.kind)}${b.dryRun ? ' (preview)' : ''}`}
            description={
              <>
                Started {new Date(b.createdAt).toLocaleString()} ·{' '}
                {b.connectionId ? <Link to={`/connections/${b.connectionId}`}>its connection</Link> : 'no connection'} ·{' '}
                <Link to="/batches">all batches</Link>
              </>
            }
            actions={
              <>
                <StatusBadge status={b.status} />
                {isLive(b) ? <Abort batch={b} /> : null}
              </>
            }
          />
          <Stack gap="md">
            <Card withBorder>
              <BatchProgress batch={b} />
            </Card>
            <Outcome batch={b} />
            <BatchCounts batch={b} />
            <Title order={2} size="h4">
              Report
            </Title>
            <ReportTable batch={b} />
          </Stack>
        </>
      )}
    </QueryState>
  );
}
