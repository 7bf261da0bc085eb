// The signed-in user, their practice and role, as one query every page can read.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { SessionInfo } from '../../http/schemas/auth.ts';
import { api, ApiError } from './client.ts';

export type { SessionInfo };
export const SESSION_KEY = ['session'] as const;

export function useSession() {
  return useQuery<SessionInfo | null>({
    queryKey: SESSION_KEY,
    queryFn: async () => {
      try {
        return await api.get<SessionInfo>('/auth/session');
      } catch (error) {
        // Not signed in is an answer, not an error.
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}

/** The current session; only for components rendered inside the signed-in shell. */
export function useCurrentSession(): SessionInfo {
  const { data } = useSession();
  if (!data) throw new Error('useCurrentSession outside the signed-in shell');
  return data;
}

export function useIsAdmin(): boolean {
  return useSession().data?.user.role === 'admin';
}

/** After sign-in, sign-out or a practice switch: every cached answer belonged to the old state. */
export function useResetAfterSessionChange() {
  const client = useQueryClient();
  return async () => {
    client.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] });
    await client.invalidateQueries({ queryKey: SESSION_KEY });
  };
}
