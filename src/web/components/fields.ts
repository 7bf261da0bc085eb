// Places the API's per-field problems under the fields that caused them.
//
//   const save = useMutation({ mutationFn: (v) => api.patch(`/patients/${id}`, v) });
//   const err = fieldErrors(save.error);
//   <TextInput label="Email" {...err.props('email')} />      // error text under the input
//   <ErrorAlert error={save.error} hideFields={err.shown} />  // the rest, in words
import { ApiError } from '../api/client.ts';

export interface FieldErrors {
  /** The message for a field (exact name, or its first nested problem: `address` ← `address.city`). */
  get(field: string): string | undefined;
  /** Spread onto a Mantine input: `{ error }`, plus the field's name for forms. */
  props(field: string): { name: string; error: string | undefined };
  /** Fields that `props`/`get` have shown, for ErrorAlert's hideFields. */
  shown: string[];
}

export function fieldErrors(error: unknown): FieldErrors {
  const details = error instanceof ApiError ? error.details : [];
  const shown: string[] = [];
  const get = (field: string) => {
    const exact = details.find((d) => d.field === field);
    const nested = exact ?? details.find((d) => d.field.startsWith(`${field}.`));
    if (!nested) return undefined;
    if (!shown.includes(nested.field)) shown.push(nested.field);
    return exact ? nested.message : `${nested.field.slice(field.length + 1)}: ${nested.message}`;
  };
  return { get, props: (field) => ({ name: field, error: get(field) }), shown };
}
