// Sign in with email and password. Wrong credentials and the rate limit are explained in words
// next to the form; a signed-in user is sent on to where they were going.
import { Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api/client.ts';
import { SESSION_KEY, useSession, type SessionInfo } from '../../api/session.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { fieldErrors } from '../../components/fields.ts';
import { PublicFrame } from '../../components/PublicFrame.tsx';
import { safeNext } from './next.ts';

export default function SignInPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const session = useSession();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useMutation({
    mutationFn: () => api.post<SessionInfo>('/auth/sign-in', { email, password }),
    onSuccess: async (info) => {
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] });
      client.setQueryData(SESSION_KEY, info);
      await navigate(next, { replace: true });
    },
    onError: () => setPassword(''),
  });
  if (session.data && !signIn.isPending && !signIn.isSuccess) return <Navigate to={next} replace />;
  const errors = fieldErrors(signIn.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate();
  };
  return (
    <PublicFrame title="Sign in">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput
            label="Email"
            type="email"
            autoComplete="username"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            {...errors.props('email')}
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            {...errors.props('password')}
          />
          {signIn.isError ? <ErrorAlert error={signIn.error} hideFields={errors.shown} hint={null} /> : null}
          <Button type="submit" loading={signIn.isPending}>
            Sign in
          </Button>
        </Stack>
      </form>
    </PublicFrame>
  );
}
