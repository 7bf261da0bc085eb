// The one-time code of a setup or set-password link: read from the URL, checked with the
// server before the form is shown, so an expired or used link says so straight away.
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api } from '../../api/client.ts';
import type { SetupLinkInfo } from '../../../http/schemas/auth.ts';

export function useLinkCode(purpose: SetupLinkInfo['purpose']) {
  const [params] = useSearchParams();
  const code = params.get('code') ?? '';
  const check = useQuery({
    queryKey: ['link', purpose, code],
    queryFn: () => api.post<SetupLinkInfo>('/auth/links/check', { code, purpose }),
    enabled: code !== '',
    retry: false,
    staleTime: Infinity,
  });
  return { code, check };
}
