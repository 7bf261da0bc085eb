// The embedded app's way to Tandem: `/hint/app/api`, authorised by the session key Hint put in
// the iframe's URL. The key lives in memory only (no cookie: Hint's iframe is third-party, and
// browsers block or partition its cookies), and leaves the address bar as soon as it is read.
import { ApiError } from '../api/client.ts';
export type {
  AppSettingsView,
  InteractionView,
  LinkedPanel,
  Panel,
  SessionView,
} from '../../connectors/hint/app/types.ts';

const TIMEOUT_MS = 15_000;
let sessionKey: string | null = null;

/** Takes ?session_key= from the URL once and removes it from the address bar and history. */
export function takeSessionKey(): string | null {
  const url = new URL(window.location.href);
  const key = url.searchParams.get('session_key');
  if (key) {
    sessionKey = key;
    url.searchParams.delete('session_key');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  return sessionKey;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const controller = new AbortController();
  const timer = window.setTimeout(() => controller.abort(), TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(`/hint/app/api${path}`, {
      method,
      headers: {
        accept: 'application/json',
        authorization: `HintSession ${sessionKey ?? ''}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      signal: controller.signal,
    });
  } catch {
    throw controller.signal.aborted
      ? new ApiError(0, `Tandem did not answer within ${TIMEOUT_MS / 1000} s`, [], 'timeout')
      : new ApiError(0, 'Tandem could not be reached', [], 'network');
  } finally {
    window.clearTimeout(timer);
  }
  const parsed = (await response.json().catch(() => undefined)) as
    { error?: string; details?: ApiError['details'] } | undefined;
  if (!response.ok)
    throw new ApiError(response.status, parsed?.error ?? `Tandem answered ${response.status}`, parsed?.details ?? []);
  return parsed as T;
}

export const appApi = {
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, body: unknown = {}) => call<T>('POST', path, body),
  patch: <T>(path: string, body: unknown) => call<T>('PATCH', path, body),
};
