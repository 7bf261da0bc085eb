// Choose a password (twice), for the setup link and the set-password link alike.
import { Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent, type ReactNode } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { fieldErrors } from '../../components/fields.ts';

export interface PasswordFormValues {
  email: string;
  password: string;
  practiceName?: string;
}

export interface PasswordFormProps {
  /** Fixed email (set-password) or an input (setup). */
  email: string | null;
  askPracticeName?: boolean;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit(values: PasswordFormValues): void;
  children?: ReactNode;
}

export function PasswordForm({
  email: fixedEmail,
  askPracticeName,
  submitLabel,
  pending,
  error,
  onSubmit,
}: PasswordFormProps) {
  const [email, setEmail] = useState(fixedEmail ?? '');
  const [practiceName, setPracticeName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const errors = fieldErrors(error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password !== repeat) return setMismatch(true);
    setMismatch(false);
    onSubmit({ email, password, practiceName: askPracticeName && practiceName.trim() ? practiceName : undefined });
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <TextInput
          label="Email"
          type="email"
          autoComplete="username"
          required
          readOnly={fixedEmail !== null}
          autoFocus={fixedEmail === null}
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          {...errors.props('email')}
        />
        {askPracticeName ? (
          <TextInput
            label="Practice name"
            description="Optional: how this practice is named in Tandem"
            value={practiceName}
            onChange={(e) => setPracticeName(e.currentTarget.value)}
            {...errors.props('practiceName')}
          />
        ) : null}
        <PasswordInput
          label="New password"
          description="At least 10 characters"
          autoComplete="new-password"
          required
          autoFocus={fixedEmail !== null}
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          {...errors.props('password')}
        />
        <PasswordInput
          label="Repeat the password"
          autoComplete="new-password"
          required
          value={repeat}
          onChange={(e) => setRepeat(e.currentTarget.value)}
          error={mismatch ? 'The two passwords differ' : undefined}
        />
        {error ? <ErrorAlert error={error} hideFields={errors.shown} hint={null} /> : null}
        <Button type="submit" loading={pending}>
          {submitLabel}
        </Button>
      </Stack>
    </form>
  );
}
