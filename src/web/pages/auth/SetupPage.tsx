// First start: the one-time setup link (logged by Tandem) creates the first admin.
import { Code, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api } from '../../api/client.ts';
import { SESSION_KEY, type SessionInfo } from '../../api/session.ts';
import { Loading } from '../../components/Loading.tsx';
import { PublicFrame } from '../../components/PublicFrame.tsx';
import { LinkProblem } from './LinkProblem.tsx';
import { PasswordForm, type PasswordFormValues } from './PasswordForm.tsx';
import { useLinkCode } from './useLinkCode.ts';

const REMEDY = (
  <>
    A setup link works once, for 24 hours. Whoever runs Tandem can print a new one with{' '}
    <Code>npx tandem user setup-link</Code>, or create your account directly with{' '}
    <Code>npx tandem user create --practice &lt;id&gt; --email &lt;you&gt; --role admin</Code>.
  </>
);

export default function SetupPage() {
  const { code, check } = useLinkCode('setup');
  const client = useQueryClient();
  const navigate = useNavigate();
  const setup = useMutation({
    mutationFn: (v: PasswordFormValues) => api.post<SessionInfo>('/auth/setup', { code, ...v }),
    onSuccess: async (info) => {
      client.setQueryData(SESSION_KEY, info);
      await navigate('/', { replace: true });
    },
  });
  return (
    <PublicFrame title="Set up Tandem">
      {!code ? (
        <LinkProblem missing remedy={REMEDY} />
      ) : check.isPending ? (
        <Loading what="the setup link" />
      ) : check.isError ? (
        <LinkProblem error={check.error} remedy={REMEDY} />
      ) : (
        <>
          <Text size="sm">Create the first admin. You will be signed in straight away.</Text>
          <PasswordForm
            email={null}
            askPracticeName
            submitLabel="Create admin"
            pending={setup.isPending}
            error={setup.error}
            onSubmit={(v) => setup.mutate(v)}
          />
        </>
      )}
    </PublicFrame>
  );
}
