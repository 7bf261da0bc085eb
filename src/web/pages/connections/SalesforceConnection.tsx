// /connections/:id for Salesforce: status, the org verification (what is missing and how to fix
// it, checked again on demand), how changes are captured, the Contact field mapping (the same
// generated form as Hint's mapping), the settings (Default Account, automatic contact
// creation, log mirroring), deactivate.
import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  FileInput,
  Group,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError } from '../../api/client.ts';
import type { Connection } from '../../api/ops.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import type { SalesforceConnectionView, SalesforceSettings, Verification } from '../salesforce/api.ts';
import { AdminButton } from './AdminButton.tsx';
import { patchSalesforceSettings, SettingsEditor } from './SettingsEditor.tsx';
import { StatusBadge } from './StatusBadge.tsx';

function Findings({ verification }: { verification: Verification | null }) {
  if (!verification) return <Text size="sm">Not verified yet: click Verify the org.</Text>;
  if (verification.findings.length === 0)
    return (
      <Text size="sm">
        Everything Tandem needs is in the org (checked {new Date(verification.checkedAt).toLocaleString()}).
      </Text>
    );
  return (
    <Table aria-label="Verification findings" verticalSpacing="xs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>What</Table.Th>
          <Table.Th>Problem</Table.Th>
          <Table.Th>How to fix it</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {verification.findings.map((f) => (
          <Table.Tr key={f.name}>
            <Table.Td>
              <Text size="sm" ff="monospace">
                {f.name}
              </Text>
              <Badge size="xs" color={f.severity === 'blocking' ? 'red' : 'yellow'} variant="light">
                {f.severity === 'blocking' ? 'blocks sync' : 'warning'}
              </Badge>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{f.problem}</Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{f.fix}</Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function SettingsForm({ view }: { view: SalesforceConnectionView }) {
  const client = useQueryClient();
  const [s, setS] = useState<
    Pick<SalesforceSettings, 'defaultAccountId' | 'createContactWhenNoMatch' | 'mirrorLogsToSalesforce'>
  >({
    defaultAccountId: view.settings.defaultAccountId,
    createContactWhenNoMatch: view.settings.createContactWhenNoMatch,
    mirrorLogsToSalesforce: view.settings.mirrorLogsToSalesforce,
  });
  const save = useMutation({
    mutationFn: () => api.patch<SalesforceConnectionView>(`/salesforce/connections/${view.id}`, { settings: s }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['sf-connection', view.id] }),
  });
  const fieldError = (f: string) =>
    save.error instanceof ApiError ? save.error.fieldError(`settings.${f}`) : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="Salesforce settings">
      <Stack gap="sm" maw={560}>
        <TextInput
          label="Default Account id"
          description="Every contact Tandem creates without an account joins this Account (001…)."
          value={s.defaultAccountId ?? ''}
          onChange={(e) => setS({ ...s, defaultAccountId: e.currentTarget.value.trim() || null })}
          error={fieldError('defaultAccountId')}
        />
        <Checkbox
          label="Create a contact for a new Hint patient with no demographic match"
          checked={s.createContactWhenNoMatch}
          onChange={(e) => setS({ ...s, createContactWhenNoMatch: e.currentTarget.checked })}
        />
        <Checkbox
          label="Mirror this connection's log into Salesforce (Hint_Log__c; record ids only)"
          checked={s.mirrorLogsToSalesforce}
          onChange={(e) => setS({ ...s, mirrorLogsToSalesforce: e.currentTarget.checked })}
        />
        <Group>
          <AdminButton type="submit" loading={save.isPending}>
            Save settings
          </AdminButton>
          {save.isSuccess ? (
            <Text size="sm" role="status">
              Saved.
            </Text>
          ) : null}
        </Group>
        <ErrorAlert error={save.error} title="Could not save the settings" hideFields={['settings.defaultAccountId']} />
      </Stack>
    </form>
  );
}

/** Start either batch; the batch page shows progress, abort and the report. */
function Batches({ connectionId }: { connectionId: string }) {
  const navigate = useNavigate();
  const [file, setFile] = useState<File | null>(null);
  const patients = useMutation({
    mutationFn: () =>
      api.post<{ id: string }>(`/salesforce/connections/${connectionId}/batches/patients-to-contacts`, {}),
    onSuccess: (b) => void navigate(`/batches/${b.id}`),
  });
  const csv = useMutation({
    mutationFn: async () =>
      api.post<{ id: string }>(`/salesforce/connections/${connectionId}/batches/contacts-csv`, {
        csv: await file!.text(),
      }),
    onSuccess: (b) => void navigate(`/batches/${b.id}`),
  });
  return (
    <Card withBorder mb="md">
      <Title order={2} size="h4" mb="xs">
        Batches
      </Title>
      <Stack gap="sm">
        <Group>
          <AdminButton variant="default" onClick={() => patients.mutate()} loading={patients.isPending}>
            Start Hint patients → contacts
          </AdminButton>
          <Text size="sm" c="dimmed">
            Links each Hint patient to the contact with exactly its name and date of birth.
          </Text>
        </Group>
        <ErrorAlert error={patients.error} title="Could not start the batch" />
        <Group align="flex-end">
          <FileInput
            label="Contacts → Hint patients: a Salesforce report export (CSV, Contact ID first)"
            accept=".csv,text/csv"
            value={file}
            onChange={setFile}
            placeholder="Choose a CSV file"
            w={420}
          />
          <AdminButton onClick={() => csv.mutate()} loading={csv.isPending} disabled={!file}>
            Upload and start
          </AdminButton>
        </Group>
        <ErrorAlert error={csv.error} title="Could not start the batch" />
      </Stack>
    </Card>
  );
}

export function SalesforceConnection({ connection }: { connection: Connection }) {
  const [params] = useSearchParams();
  const client = useQueryClient();
  const view = useQuery({
    queryKey: ['sf-connection', connection.id],
    queryFn: () => api.get<SalesforceConnectionView>(`/salesforce/connections/${connection.id}`),
  });
  const refresh = () => client.invalidateQueries({ queryKey: ['sf-connection', connection.id] });
  const verify = useMutation({
    mutationFn: () => api.post(`/salesforce/connections/${connection.id}/verify`, {}),
    onSettled: refresh,
  });
  const resume = useMutation({
    mutationFn: () => api.post(`/salesforce/connections/${connection.id}/resume`, {}),
    onSettled: refresh,
  });
  const deactivate = useMutation({
    mutationFn: () => api.post(`/salesforce/connections/${connection.id}/deactivate`, {}),
    onSettled: refresh,
  });
  return (
    <QueryState query={view} what="the Salesforce connection">
      {(v) => (
        <>
          <PageHeader
            title={v.name}
            description={
              <>
                Salesforce · <Link to="/connections">all connections</Link>
              </>
            }
            actions={<StatusBadge status={v.status} />}
          />
          {params.get('connected') ? (
            <Alert color="teal" mb="md" title="Salesforce is connected">
              Tandem checked the org below. Link contacts from Salesforce with the “Sync to Hint” button.
            </Alert>
          ) : null}
          {v.statusMessage ? (
            <Text size="sm" mb="md" c={v.status === 'active' ? 'dimmed' : 'red.8'}>
              {v.statusMessage}
            </Text>
          ) : null}
          {v.apiAllowancePause ? (
            <Alert color="orange" mb="md" title="Paused at the org's daily API allowance">
              <Stack gap="xs" align="flex-start">
                <Text size="sm">
                  {(v.apiAllowancePause.detail ?? v.apiAllowancePause.code).replace(/\.$/, '')}. Tandem's Salesforce
                  work waits without calling Salesforce and resumes by{' '}
                  {new Date(v.apiAllowancePause.until).toLocaleTimeString()}. If the org's allowance has been raised,
                  try now.
                </Text>
                <AdminButton variant="default" onClick={() => resume.mutate()} loading={resume.isPending}>
                  Try now
                </AdminButton>
                <ErrorAlert error={resume.error} title="Could not resume" />
              </Stack>
            </Alert>
          ) : resume.isSuccess ? (
            <Alert color="teal" mb="md" title="Resumed">
              The postponed work runs now. If the org is still at its allowance, Tandem pauses again and says so here.
            </Alert>
          ) : null}
          <SimpleGrid cols={2} spacing="md" mb="md">
            <Card withBorder>
              <Title order={3} size="h5" mb="xs">
                Org
              </Title>
              <Text size="sm" ff="monospace">
                {v.orgId ?? 'not connected yet'}
              </Text>
              <Text size="sm" c="dimmed">
                {v.flow === 'jwt' ? 'JWT bearer flow (unattended)' : v.flow === 'web' ? 'OAuth web-server flow' : ''} ·{' '}
                {v.instanceUrl ?? ''}
              </Text>
            </Card>
            <Card withBorder>
              <Title order={3} size="h5" mb="xs">
                Change capture
              </Title>
              <Text size="sm">
                {v.capture.mode === 'cdc'
                  ? `Change Data Capture (last event ${v.capture.replayId ?? 'none yet'})`
                  : 'Polling Get Updated / Get Deleted (CDC is not enabled for Contact)'}
              </Text>
              <Text size="sm" c="dimmed">
                {v.capture.lastReconciledAt
                  ? `Last reconciliation ${new Date(v.capture.lastReconciledAt).toLocaleString()}`
                  : 'Reconciliation has not run yet (every few minutes it catches what capture missed)'}
              </Text>
            </Card>
          </SimpleGrid>
          <Card withBorder mb="md">
            <Group justify="space-between" mb="xs">
              <Title order={2} size="h4">
                Org verification
              </Title>
              {v.status !== 'deactivated' ? (
                <AdminButton variant="default" onClick={() => verify.mutate()} loading={verify.isPending}>
                  Verify the org
                </AdminButton>
              ) : null}
            </Group>
            <Findings verification={v.verification} />
            <ErrorAlert error={verify.error} title="Could not verify the org" />
          </Card>
          {v.status === 'active' ? <Batches connectionId={v.id} /> : null}
          <Card withBorder mb="md" component="section" aria-labelledby="sf-mapping-title">
            <Title order={2} size="h4" mb="xs" id="sf-mapping-title">
              Field mapping
            </Title>
            <SettingsEditor
              connection={connection}
              current={v.settings as unknown as Record<string, unknown>}
              only={['fieldMapping']}
              save={patchSalesforceSettings(v.id)}
              prefix="settings."
              saveLabel="Save the mapping"
              onSaved={refresh}
            />
          </Card>
          <Card withBorder mb="md">
            <Title order={2} size="h4" mb="xs">
              Settings
            </Title>
            <SettingsForm view={v} />
          </Card>
          {v.status !== 'deactivated' ? (
            <Stack gap="xs" align="flex-start">
              <Button color="red" variant="light" onClick={() => deactivate.mutate()} loading={deactivate.isPending}>
                Deactivate
              </Button>
              <Text size="sm" c="dimmed">
                Revokes Tandem’s access in Salesforce and stops sync. Contacts, patients and links stay.
              </Text>
              <ErrorAlert error={deactivate.error} title="Could not deactivate" />
            </Stack>
          ) : null}
        </>
      )}
    </QueryState>
  );
}
