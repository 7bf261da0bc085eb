// A patient's demographics, editable. Only the fields changed are sent (with the version read,
// so a change made meanwhile is refused rather than overwritten); the API's validation problems
// appear under the fields that caused them, and nothing is saved when any field is refused.
import { Button, Card, Group, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { fieldErrors } from '../../components/fields.ts';
import type { PatientView } from '../../../http/schemas/records.ts';

const SEXES = ['male', 'female', 'other', 'unknown'] as const;
const PHONE_TYPES = ['mobile', 'home', 'work', 'other'] as const;

/** The form's values: every field a string (empty = no value), phones as rows. */
interface Draft {
  firstName: string;
  middleName: string;
  lastName: string;
  preferredName: string;
  dob: string;
  sex: string;
  email: string;
  phones: { type: string; number: string }[];
  line1: string;
  line2: string;
  city: string;
  state: string;
  postcode: string;
  country: string;
  medicareNumber: string;
  medicareIrn: string;
  medicareExpiry: string;
}

const s = (v: string | null | undefined) => v ?? '';
const orNull = (v: string) => (v.trim() === '' ? null : v.trim());

function draftOf(p: PatientView): Draft {
  return {
    firstName: p.firstName,
    middleName: s(p.middleName),
    lastName: p.lastName,
    preferredName: s(p.preferredName),
    dob: s(p.dob),
    sex: s(p.sex),
    email: s(p.email),
    phones: p.phones.map((ph) => ({ type: ph.type, number: ph.number })),
    line1: s(p.address?.line1),
    line2: s(p.address?.line2),
    city: s(p.address?.city),
    state: s(p.address?.state),
    postcode: s(p.address?.postcode),
    country: s(p.address?.country),
    medicareNumber: s(p.medicare?.number),
    medicareIrn: s(p.medicare?.irn),
    medicareExpiry: s(p.medicare?.expiry),
  };
}

/** The PATCH body: only what differs from the record as read. */
function changes(before: Draft, after: Draft): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const key of ['middleName', 'preferredName', 'dob', 'sex', 'email'] as const)
    if (before[key] !== after[key]) body[key] = orNull(after[key]);
  for (const key of ['firstName', 'lastName'] as const) if (before[key] !== after[key]) body[key] = after[key];
  if (JSON.stringify(before.phones) !== JSON.stringify(after.phones))
    body.phones = after.phones.filter((p) => p.number.trim() !== '').map((p) => ({ type: p.type, number: p.number }));
  const address = ['line1', 'line2', 'city', 'state', 'postcode', 'country'] as const;
  if (address.some((k) => before[k] !== after[k]))
    body.address = Object.fromEntries(address.map((k) => [k, orNull(after[k])]));
  const medicare = { number: 'medicareNumber', irn: 'medicareIrn', expiry: 'medicareExpiry' } as const;
  if (Object.values(medicare).some((k) => before[k] !== after[k]))
    body.medicare = Object.fromEntries(Object.entries(medicare).map(([field, k]) => [field, orNull(after[k])]));
  return body;
}

export function DemographicsForm({ patient }: { patient: PatientView }) {
  const client = useQueryClient();
  const [draft, setDraft] = useState(() => draftOf(patient));
  const [saved, setSaved] = useState(false);
  // A newer version read from the server (after a save or a sync) replaces the form's values;
  // a re-read of the same version (polling while a retry runs) keeps what is being typed.
  useEffect(() => setDraft(draftOf(patient)), [patient.id, patient.version]);

  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      api.patch<PatientView>(`/patients/${patient.id}`, { ...body, version: patient.version }),
    onSuccess: (updated) => {
      client.setQueryData(['patients', 'one', patient.id], updated);
      void client.invalidateQueries({ queryKey: ['patients', 'timeline', patient.id] });
      setSaved(true);
    },
  });
  const err = fieldErrors(save.error);
  const body = changes(draftOf(patient), draft);
  const dirty = Object.keys(body).length > 0;

  const set =
    <K extends keyof Draft>(key: K) =>
    (value: Draft[K]) => {
      setSaved(false);
      setDraft((d) => ({ ...d, [key]: value }));
    };
  const input = (key: keyof Draft & string, label: string, field: string = key, extra: object = {}) => (
    <TextInput
      label={label}
      value={draft[key] as string}
      onChange={(e) => set(key)(e.currentTarget.value)}
      {...err.props(field)}
      {...extra}
    />
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (dirty) save.mutate(body);
  };

  return (
    <Card withBorder component="section" aria-labelledby="demographics-title">
      <form onSubmit={submit} noValidate>
        <Group justify="space-between" mb="sm">
          <Title order={2} size="h4" id="demographics-title">
            Demographics
          </Title>
          <Group gap="xs">
            {saved && !dirty ? (
              <Text size="sm" c="teal.8" role="status">
                Saved
              </Text>
            ) : null}
            <Button variant="default" disabled={!dirty || save.isPending} onClick={() => setDraft(draftOf(patient))}>
              Undo changes
            </Button>
            <Button type="submit" disabled={!dirty} loading={save.isPending}>
              Save
            </Button>
          </Group>
        </Group>
        {save.isError ? <ErrorAlert error={save.error} title="Nothing was saved" hideFields={err.shown} /> : null}
        <Stack gap="xs" mt={save.isError ? 'sm' : 0}>
          <SimpleGrid cols={2} spacing="sm">
            {input('firstName', 'First name', 'firstName', { required: true })}
            {input('lastName', 'Last name', 'lastName', { required: true })}
            {input('middleName', 'Middle name')}
            {input('preferredName', 'Preferred name')}
            {input('dob', 'Date of birth', 'dob', { placeholder: 'YYYY-MM-DD' })}
            <Select
              label="Sex"
              data={[{ value: '', label: 'Not recorded' }, ...SEXES.map((x) => ({ value: x, label: x }))]}
              value={draft.sex}
              onChange={(v) => set('sex')(v ?? '')}
              allowDeselect={false}
              {...err.props('sex')}
            />
            {input('email', 'Email', 'email', { type: 'email' })}
          </SimpleGrid>
          {draft.phones.map((phone, i) => (
            <Group key={i} gap="sm" align="flex-start" wrap="nowrap">
              <Select
                label={`Phone ${i + 1} type`}
                data={[...PHONE_TYPES]}
                value={phone.type}
                allowDeselect={false}
                w={120}
                onChange={(v) =>
                  set('phones')(draft.phones.map((p, j) => (j === i ? { ...p, type: v ?? 'mobile' } : p)))
                }
                {...err.props(`phones.${i}.type`)}
              />
              <TextInput
                label={`Phone ${i + 1} number`}
                style={{ flex: 1 }}
                value={phone.number}
                onChange={(e) => {
                  const number = e.currentTarget.value;
                  set('phones')(draft.phones.map((p, j) => (j === i ? { ...p, number } : p)));
                }}
                {...err.props(`phones.${i}.number`)}
              />
              <Button
                variant="subtle"
                color="red"
                mt={24}
                onClick={() => set('phones')(draft.phones.filter((_, j) => j !== i))}
                aria-label={`Remove phone ${i + 1}`}
              >
                Remove
              </Button>
            </Group>
          ))}
          <Group>
            <Button
              variant="subtle"
              size="xs"
              onClick={() => set('phones')([...draft.phones, { type: 'mobile', number: '' }])}
            >
              Add a phone number
            </Button>
            {err.get('phones') && !draft.phones.length ? (
              <Text c="red" size="sm">
                {err.get('phones')}
              </Text>
            ) : null}
          </Group>
          <SimpleGrid cols={2} spacing="sm">
            {input('line1', 'Address line 1', 'address.line1')}
            {input('line2', 'Address line 2', 'address.line2')}
            {input('city', 'City / suburb', 'address.city')}
            {input('state', 'State', 'address.state')}
            {input('postcode', 'Postcode', 'address.postcode')}
            {input('country', 'Country (2 letters)', 'address.country')}
          </SimpleGrid>
          <SimpleGrid cols={3} spacing="sm">
            {input('medicareNumber', 'Medicare number', 'medicare.number')}
            {input('medicareIrn', 'Medicare IRN', 'medicare.irn')}
            {input('medicareExpiry', 'Medicare expiry', 'medicare.expiry', { placeholder: 'YYYY-MM' })}
          </SimpleGrid>
        </Stack>
      </form>
    </Card>
  );
}
