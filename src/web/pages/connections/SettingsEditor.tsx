// A connector's settings, edited through the form generated from its JSON Schema and saved with
// the connector's own PATCH. The API validates the whole and names each bad field; the message
// appears under that field, the rest in words above the Save button.
import { Group, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, type FieldProblem } from '../../api/client.ts';
import { useConnectors, type Connection } from '../../api/ops.ts';
import { useIsAdmin } from '../../api/session.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading } from '../../components/Loading.tsx';
import { AdminButton } from './AdminButton.tsx';
import { SchemaForm } from './SchemaForm.tsx';

export interface SettingsEditorProps {
  connection: Connection;
  /** The current settings, complete (defaults filled in). */
  current: Record<string, unknown>;
  /** Which settings this form shows (default: all). */
  only?: string[];
  /** Saves; resolves when stored. */
  save(values: Record<string, unknown>): Promise<unknown>;
  /** Field names in the API's errors start with this (e.g. "settings."). */
  prefix?: string;
  saveLabel?: string;
  onSaved?(): void | Promise<void>;
  /** Extra buttons beside Save. */
  extra?: ReactNode;
}

/** One empty list, so the memoised fields see "no problems" as unchanged between renders. */
const NO_PROBLEMS: FieldProblem[] = [];

export function SettingsEditor(props: SettingsEditorProps) {
  const { connection, current, only, prefix = '', saveLabel = 'Save settings' } = props;
  const connectors = useConnectors();
  const admin = useIsAdmin();
  const client = useQueryClient();
  const [values, setValues] = useState<Record<string, unknown>>(current);
  const [dirty, setDirty] = useState(false);
  useEffect(() => {
    if (!dirty) setValues(current);
  }, [current, dirty]);
  // After a refused save, take the admin to the first field the API named.
  const form = useRef<HTMLFormElement>(null);
  const save = useMutation({
    mutationFn: () => {
      const keys = only ?? Object.keys(values);
      return props.save(Object.fromEntries(keys.filter((k) => k in values).map((k) => [k, values[k]])));
    },
    onError: () =>
      window.requestAnimationFrame(() => {
        const first = form.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
        first?.scrollIntoView({ block: 'center' });
        first?.focus({ preventScroll: true });
      }),
    onSuccess: async () => {
      setDirty(false);
      await client.invalidateQueries({ queryKey: ['connection', connection.id] });
      await props.onSaved?.();
    },
  });
  if (connectors.isPending) return <Loading what="the settings form" />;
  if (connectors.isError) return <ErrorAlert error={connectors.error} title="Could not load the settings form" />;
  const schema = connectors.data.data.find((c) => c.system === connection.system)?.settingsSchema;
  if (!schema) return <Text c="dimmed">This connector has no settings to change.</Text>;
  const problems = save.error instanceof ApiError ? save.error.details : NO_PROBLEMS;
  const shownKeys = only ?? Object.keys(schema.properties ?? {});
  const shown = problems
    .map((p) => p.field)
    .filter((f) => shownKeys.some((k) => f === prefix + k || f.startsWith(`${prefix}${k}.`)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form ref={form} onSubmit={submit} aria-label={`${connection.name} settings`}>
      <Stack gap="md">
        <SchemaForm
          schema={schema}
          system={connection.system}
          value={values}
          onChange={(v) => {
            setDirty(true);
            setValues(v);
          }}
          problems={problems}
          prefix={prefix}
          only={only}
          disabled={!admin}
        />
        <ErrorAlert
          error={save.error}
          hideFields={shown}
          title={shown.length ? 'Nothing was saved: correct the fields marked in red' : 'Nothing was saved'}
        />
        <Group>
          <AdminButton type="submit" loading={save.isPending}>
            {saveLabel}
          </AdminButton>
          {props.extra}
          {save.isSuccess && !dirty ? (
            <Text size="sm" c="teal.8" role="status">
              Saved.
            </Text>
          ) : null}
        </Group>
      </Stack>
    </form>
  );
}

/** The Hint settings shown on the mapping step and tab; the rest are on the settings tab. */
export const MAPPING_KEYS = ['fieldMapping', 'conflictPolicy'];

export const patchHintSettings = (id: string) => (values: Record<string, unknown>) =>
  api.patch(`/hint/connections/${id}/settings`, values);
export const patchHealthengineSettings = (id: string) => (values: Record<string, unknown>) =>
  api.patch(`/healthengine/connections/${id}`, { settings: values });
export const patchSalesforceSettings = (id: string) => (values: Record<string, unknown>) =>
  api.patch(`/salesforce/connections/${id}`, { settings: values });
