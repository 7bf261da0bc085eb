// An error in words, placed by the caller next to what caused it (the form, the button, the
// table). Shows the API's sentence, the per-field problems it named, and what to try next.
import { Alert, List } from '@mantine/core';
import { ApiError, errorMessage } from '../api/client.ts';

export interface ErrorAlertProps {
  error: unknown;
  /** What was being attempted, e.g. "Could not save the patient". */
  title?: string;
  /** Field problems already shown under their fields are not repeated here. */
  hideFields?: string[];
  /** Replaces the generic next step (null: none), when the page knows better. */
  hint?: string | null;
}

function hint(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  if (error.kind === 'timeout') return 'Try again; if it keeps happening, the server may be overloaded.';
  if (error.kind === 'network') return 'Check your connection and that Tandem is running, then try again.';
  if (error.status === 401) return 'Your session has ended. Sign in again.';
  if (error.status === 403) return 'Your role does not allow this. Ask an admin.';
  if (error.status === 404) return 'It may have been removed, or it belongs to another practice.';
  if (error.status === 429) return 'Wait a moment before trying again.';
  if (error.status >= 500) return 'This is a fault in Tandem, not in what you entered. It has been logged.';
  return undefined;
}

export function ErrorAlert({ error, title, hideFields = [], hint: override }: ErrorAlertProps) {
  if (!error) return null;
  const all = error instanceof ApiError ? error.details : [];
  const details = all.filter((d) => !hideFields.includes(d.field));
  // Every problem is already shown under its field: point there instead of repeating it.
  const message =
    error instanceof ApiError && error.status === 422 && all.length > 0 && details.length === 0
      ? `Check the field${all.length > 1 ? 's' : ''} marked in red above.`
      : errorMessage(error);
  const next = override === undefined ? hint(error) : override;
  return (
    <Alert color="red" title={title ?? message} role="alert" variant="light">
      {title ? <div>{message}</div> : null}
      {details.length > 0 ? (
        <List size="sm" mt={4}>
          {details.map((d) => (
            <List.Item key={`${d.field}:${d.message}`}>
              <strong>{d.field}</strong> {d.message}
            </List.Item>
          ))}
        </List>
      ) : null}
      {next ? <div style={{ marginTop: 4, opacity: 0.85 }}>{next}</div> : null}
    </Alert>
  );
}
