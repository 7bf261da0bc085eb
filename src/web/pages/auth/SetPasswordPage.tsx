// An invited user (or one an admin reset) chooses a password through their one-time link.
import { Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api } from '../../api/client.ts';
import { SESSION_KEY, type SessionInfo } from '../../api/session.ts';
import { Loading } from '../../components/Loading.tsx';
import { PublicFrame } from '../../components/PublicFrame.tsx';
import { LinkProblem } from './LinkProblem.tsx';
import { PasswordForm } from './PasswordForm.tsx';
import { useLinkCode } from './useLinkCode.ts';

const REMEDY = 'A set-password link works once, for 24 hours. Ask an admin of your practice for a new one.';

export default function SetPasswordPage() {
  const { code, check } = useLinkCode('set-password');
  const client = useQueryClient();
  const navigate = useNavigate();
  const set = useMutation({
    mutationFn: (password: string) => api.post<SessionInfo>('/auth/set-password', { code, password }),
    onSuccess: async (info) => {
      client.setQueryData(SESSION_KEY, info);
      await navigate('/', { replace: true });
    },
  });
  return (
    <PublicFrame title="Choose a password">
      {!code ? (
        <LinkProblem missing remedy={REMEDY} />
      ) : check.isPending ? (
        <Loading what="your link" />
      ) : check.isError ? (
        <LinkProblem error={check.error} remedy={REMEDY} />
      ) : (
        <>
          <Text size="sm">You will be signed in once the password is set.</Text>
          <PasswordForm
            email={check.data.email}
            submitLabel="Set password and sign in"
            pending={set.isPending}
            error={set.error}
            onSubmit={(v) => set.mutate(v.password)}
          />
        </>
      )}
    </PublicFrame>
  );
}
