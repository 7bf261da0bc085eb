// The console's only way to the API: same origin, `/api/v1`, the session cookie, the CSRF
// header on writes, a timeout on everything, and one typed error for every failure.
//
//   const patients = await api.get<PatientPage>('/patients?limit=50');
//   await api.patch<Patient>(`/patients/${id}`, { email });   // throws ApiError on 4xx/5xx
//
// Every error the API sends is `{error, details: [{field, message}]}` (src/http/errors.ts);
// ApiError carries it as it came so pages can show it in words next to its cause.

export interface FieldProblem {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when no response arrived (network down, timeout). */
    readonly status: number,
    /** The API's sentence, e.g. "The request has invalid fields". */
    readonly error: string,
    readonly details: FieldProblem[] = [],
    /** 'timeout' and 'network' say why there was no response. */
    readonly kind: 'http' | 'timeout' | 'network' = 'http',
  ) {
    super(error);
    this.name = 'ApiError';
  }

  /** The problem reported for one field (`email`, `settings.pollSeconds`), if any. */
  fieldError(field: string): string | undefined {
    return this.details.find((d) => d.field === field)?.message;
  }
}

export const API_BASE = '/api/v1';
export const CSRF_COOKIE = 'tandem_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** Long enough for a slow dry-run page, short enough that nobody waits on a dead server. */
export const DEFAULT_TIMEOUT_MS = 20_000;

export interface RequestOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** Listeners told when any call comes back 401, so the shell can send the user to sign in. */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

function readCookie(name: string): string | undefined {
  const prefix = `${name}=`;
  for (const part of document.cookie.split(';')) {
    const trimmed = part.trim();
    if (trimmed.startsWith(prefix)) return decodeURIComponent(trimmed.slice(prefix.length));
  }
  return undefined;
}

async function request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const controller = new AbortController();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let timedOut = false;
  const timer = window.setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onOuterAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onOuterAbort);

  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) headers[CSRF_HEADER] = csrf;
  }

  let response: Response;
  try {
    response = await fetch(`${API_BASE}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: controller.signal,
    });
  } catch (cause) {
    if (timedOut)
      throw new ApiError(0, `The server did not answer within ${Math.round(timeoutMs / 1000)} s`, [], 'timeout');
    if (options.signal?.aborted) throw cause; // the caller cancelled (TanStack Query does this)
    throw new ApiError(0, 'Tandem could not be reached; check that it is running', [], 'network');
  } finally {
    window.clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }

  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!response.ok) {
    const envelope = (parsed ?? {}) as { error?: unknown; details?: unknown };
    const message =
      typeof envelope.error === 'string' && envelope.error
        ? envelope.error
        : `The server answered ${response.status} ${response.statusText}`.trim();
    const details = Array.isArray(envelope.details) ? (envelope.details as FieldProblem[]) : [];
    if (response.status === 401) for (const listener of unauthorizedListeners) listener();
    throw new ApiError(response.status, message, details);
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, undefined, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, body ?? {}, options),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PUT', path, body ?? {}, options),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', path, body ?? {}, options),
  del: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('DELETE', path, body, options),
};

/** The words to show for any thrown value (ApiError or not). */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.error;
  if (error instanceof Error) return error.message;
  return String(error);
}
