// A settings form generated from a connector's settings JSON Schema (GET /api/v1/connectors,
// made from the connector's zod schema): booleans are switches, enums selects, numbers number
// inputs with the schema's bounds, lists of choices multi-selects, lists of words tag inputs,
// lists of objects editable tables (the Hint field mapping, Healthengine's live hours), nested
// objects fieldsets. Words come from settings-text.ts; the API's error for a field is shown
// under that field (`prefix` maps the form's paths to the API's, e.g. "settings.").
import {
  ActionIcon,
  Button,
  Fieldset,
  MultiSelect,
  NumberInput,
  Select,
  Stack,
  Switch,
  Table,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import { memo, useCallback, useRef } from 'react';
import type { FieldProblem } from '../../api/client.ts';
import type { JsonSchema } from '../../api/ops.ts';
import { enumLabel, fieldText } from './settings-text.ts';

type Value = unknown;
type Path = (string | number)[];

export interface SchemaFormProps {
  schema: JsonSchema;
  value: Record<string, Value>;
  onChange(next: Record<string, Value>): void;
  /** The API's per-field problems from the last save (ApiError.details). */
  problems: FieldProblem[];
  /** The API names fields with this prefix (Healthengine's PATCH wraps them in `settings`). */
  prefix?: string;
  /** Only these top-level keys, in this order (default: all, in the schema's order). */
  only?: string[];
  disabled?: boolean;
  /** The connector (for its words). */
  system: string;
}

const pathKey = (path: Path) => path.map(String).join('.');
/** Paths for words ignore row numbers: fieldMapping.3.direction → fieldMapping.direction. */
const textKey = (path: Path) => path.filter((p) => typeof p === 'string').join('.');

function setAt(root: Value, path: Path, next: Value): Value {
  if (path.length === 0) return next;
  const [head, ...rest] = path;
  if (typeof head === 'number') {
    const list = Array.isArray(root) ? [...root] : [];
    list[head] = setAt(list[head], rest, next);
    return list;
  }
  const obj = root && typeof root === 'object' ? { ...(root as Record<string, Value>) } : {};
  obj[head as string] = setAt(obj[head as string], rest, next);
  return obj;
}

/** A sensible new row for a list of objects: each field's default, or its first choice. */
function blank(schema: JsonSchema): Value {
  if (schema.default !== undefined) return structuredClone(schema.default);
  if (schema.enum) return schema.enum[0];
  if (schema.type === 'object')
    return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, blank(s)]));
  if (schema.type === 'array') return [];
  if (schema.type === 'boolean') return false;
  if (schema.type === 'integer' || schema.type === 'number') return schema.minimum ?? 0;
  if (schema.pattern?.includes(':[0-5]')) return '09:00';
  return '';
}

export function SchemaForm(props: SchemaFormProps) {
  const { schema, value, onChange, only } = props;
  const keys = only ?? Object.keys(schema.properties ?? {});
  // One `update` for the form's life (it reads the latest value), so a change re-renders only
  // the fields whose value changed (Field is memoised): a 24-row mapping stays quick to edit.
  const latest = useRef({ value, onChange });
  latest.current = { value, onChange };
  const update = useCallback(
    (path: Path, next: Value) =>
      latest.current.onChange(setAt(latest.current.value, path, next) as Record<string, Value>),
    [],
  );
  return (
    <Stack gap="md">
      {keys.map((key) => {
        const child = schema.properties?.[key];
        return child ? (
          <Field key={key} {...props} schema={child} path={[key]} value={value[key]} update={update} />
        ) : null;
      })}
    </Stack>
  );
}

interface FieldProps extends Omit<SchemaFormProps, 'value' | 'onChange' | 'only'> {
  path: Path;
  value: Value;
  update(path: Path, next: Value): void;
  /** Inside a table cell: the column header is the label (kept for screen readers). */
  inCell?: string;
}

/** Same field, same value, same problems: nothing to draw again. */
const sameField = (a: FieldProps, b: FieldProps) =>
  a.value === b.value &&
  a.schema === b.schema &&
  a.problems === b.problems &&
  a.disabled === b.disabled &&
  a.inCell === b.inCell &&
  a.update === b.update &&
  a.system === b.system &&
  a.prefix === b.prefix &&
  pathKey(a.path) === pathKey(b.path);

const Field = memo(function Field(props: FieldProps) {
  const { schema, path, value, update, problems, prefix = '', disabled, system, inCell } = props;
  const words = fieldText(system, textKey(path));
  const label = inCell ? undefined : words.label;
  const ariaLabel = inCell;
  const description = inCell ? undefined : words.help;
  const error = problems.find((p) => p.field === prefix + pathKey(path))?.message;
  const common = { label, description, error, disabled, 'aria-label': ariaLabel };

  if (schema.type === 'boolean')
    return (
      <Switch
        {...common}
        checked={value === true}
        onChange={(e) => update(path, e.currentTarget.checked)}
        // A switch's error and help sit beside it, not under a missing input.
      />
    );
  if (schema.enum) {
    const chosen = value === undefined || value === null ? null : String(value);
    return (
      <Select
        {...common}
        // A narrow cell cuts long choices short: the whole one on hover.
        title={chosen === null ? undefined : enumLabel(system, textKey(path), chosen)}
        allowDeselect={false}
        comboboxProps={{ withinPortal: true }}
        data={schema.enum.map((v) => ({ value: String(v), label: enumLabel(system, textKey(path), String(v)) }))}
        value={chosen}
        onChange={(v) => v !== null && update(path, v)}
        styles={{ wrapper: { maxWidth: inCell ? undefined : 320 } }}
      />
    );
  }
  if (schema.type === 'integer' || schema.type === 'number')
    return (
      <NumberInput
        {...common}
        styles={{ wrapper: { maxWidth: inCell ? undefined : 200 } }}
        min={schema.minimum ?? schema.exclusiveMinimum}
        max={schema.maximum}
        allowDecimal={schema.type === 'number'}
        value={typeof value === 'number' ? value : ''}
        onChange={(v) => update(path, typeof v === 'number' ? v : v === '' ? undefined : Number(v))}
      />
    );
  if (schema.type === 'array' && schema.items?.enum)
    return (
      <MultiSelect
        {...common}
        maw={560}
        data={schema.items.enum.map((v) => ({
          value: String(v),
          label: enumLabel(system, textKey(path), String(v)),
        }))}
        value={Array.isArray(value) ? value.map(String) : []}
        onChange={(v) => update(path, v)}
        comboboxProps={{ withinPortal: true }}
        searchable
      />
    );
  if (schema.type === 'array' && schema.items?.type === 'object')
    return <ObjectTable {...props} items={schema.items} />;
  if (schema.type === 'array')
    return (
      <TagsInput
        {...common}
        maw={560}
        placeholder={words.placeholder ?? 'Type and press Enter'}
        value={Array.isArray(value) ? value.map(String) : []}
        onChange={(v) => update(path, v)}
      />
    );
  if (schema.type === 'object')
    return (
      <Fieldset legend={label} disabled={disabled} variant="filled">
        {description ? (
          <Text size="sm" c="dimmed" mb="xs">
            {description}
          </Text>
        ) : null}
        <Stack gap="sm">
          {Object.entries(schema.properties ?? {}).map(([k, s]) => (
            <Field
              key={k}
              {...props}
              schema={s}
              path={[...path, k]}
              value={(value as Record<string, Value> | undefined)?.[k]}
            />
          ))}
        </Stack>
      </Fieldset>
    );
  return (
    <TextInput
      {...common}
      styles={{ wrapper: { maxWidth: inCell ? undefined : 320 } }}
      placeholder={words.placeholder}
      value={typeof value === 'string' ? value : ''}
      onChange={(e) => update(path, e.currentTarget.value)}
    />
  );
}, sameField);

function ObjectTable(props: FieldProps & { items: JsonSchema }) {
  const { items, path, value, update, problems, prefix = '', disabled, system } = props;
  const rows = Array.isArray(value) ? value : [];
  const columns = Object.entries(items.properties ?? {});
  const words = fieldText(system, textKey(path));
  // Problems of the list itself or of a whole row (not of one cell) are shown under the table.
  const base = prefix + pathKey(path);
  const cells = new Set(rows.flatMap((_, i) => columns.map(([k]) => `${base}.${i}.${k}`)));
  const listProblems = problems.filter(
    (p) => p.field === base || (p.field.startsWith(`${base}.`) && !cells.has(p.field)),
  );
  const full = items && props.schema.maxItems !== undefined && rows.length >= props.schema.maxItems;
  return (
    <Stack gap={4}>
      <Text fw={500} size="sm" id={`label-${pathKey(path)}`}>
        {words.label}
      </Text>
      {words.help ? (
        <Text size="xs" c="dimmed">
          {words.help}
        </Text>
      ) : null}
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {words.empty ?? 'None.'}
        </Text>
      ) : (
        <Table withTableBorder verticalSpacing={4} aria-labelledby={`label-${pathKey(path)}`}>
          <Table.Thead>
            <Table.Tr>
              {columns.map(([k]) => (
                <Table.Th key={k}>{fieldText(system, `${textKey(path)}.${k}`).label}</Table.Th>
              ))}
              <Table.Th w={40}>
                <span style={{ position: 'absolute', left: -9999 }}>Remove</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row, index) => (
              <Table.Tr key={index}>
                {columns.map(([k, s]) => (
                  <Table.Td key={k}>
                    <Field
                      {...props}
                      schema={s}
                      path={[...path, index, k]}
                      value={(row as Record<string, Value>)?.[k]}
                      inCell={`${fieldText(system, `${textKey(path)}.${k}`).label}, row ${index + 1}`}
                    />
                  </Table.Td>
                ))}
                <Table.Td>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    disabled={disabled}
                    aria-label={`Remove row ${index + 1}`}
                    onClick={() =>
                      update(
                        path,
                        rows.filter((_, i) => i !== index),
                      )
                    }
                  >
                    ×
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {listProblems.map((p) => (
        <Text key={p.field + p.message} size="sm" c="red" role="alert">
          {p.field === base
            ? p.message
            : `Row ${Number(p.field.slice(base.length + 1).split('.')[0]) + 1}: ${p.message}`}
        </Text>
      ))}
      <div>
        <Button
          size="xs"
          variant="default"
          disabled={disabled || full}
          onClick={() => update(path, [...rows, blank(items)])}
        >
          {words.add ?? 'Add a row'}
        </Button>
      </div>
    </Stack>
  );
}
