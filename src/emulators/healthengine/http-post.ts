// One outbound webhook attempt with a hard timeout, classified the way Healthengine's PHP
// (Guzzle) stack names failures in the subscription error log.
export type AttemptResult =
  { ok: true; status: number } | { ok: false; status?: number; errorType: string; errorMessage: string };

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export async function postJson(
  url: string,
  body: unknown,
  timeoutMs: number,
  signal: AbortSignal,
  headers: Record<string, string> = {},
): Promise<{ status: number } | { error: 'timeout' | 'connect'; message: string }> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      method: 'POST',
      body: JSON.stringify(body),
      signal: AbortSignal.any([timeout, signal]),
      headers: { 'content-type': 'application/json', 'user-agent': 'Healthengine-Webhooks/1.0 (emulator)', ...headers },
    });
    await response.arrayBuffer().catch(() => undefined);
    return { status: response.status };
  } catch (error) {
    if (timeout.aborted) return { error: 'timeout', message: `Operation timed out after ${timeoutMs} milliseconds` };
    return {
      error: 'connect',
      message: error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error),
    };
  }
}

/** Healthengine's PMS API accepts only 200 by default (spec: "return 200"), or any 2xx. */
export async function attemptWebhook(
  url: string,
  body: unknown,
  timeoutMs: number,
  signal: AbortSignal,
  anySuccess2xx: boolean,
): Promise<AttemptResult> {
  const result = await postJson(url, body, timeoutMs, signal);
  if ('error' in result) {
    const code = result.error === 'timeout' ? 28 : 7;
    return {
      ok: false,
      errorType: 'GuzzleHttp\\Exception\\ConnectException',
      errorMessage: `cURL error ${code}: ${result.message} (see https://curl.haxx.se/libcurl/c/libcurl-errors.html) for ${url}`,
    };
  }
  const { status } = result;
  if (status === 200 || (anySuccess2xx && status >= 200 && status < 300)) return { ok: true, status };
  const phrase = `\`POST ${url}\` resulted in a \`${status} ${STATUS_TEXT[status] ?? ''}\` response`.replace(
    ' ` response',
    '` response',
  );
  if (status >= 500)
    return {
      ok: false,
      status,
      errorType: 'GuzzleHttp\\Exception\\ServerException',
      errorMessage: `Server error: ${phrase}`,
    };
  if (status >= 400)
    return {
      ok: false,
      status,
      errorType: 'GuzzleHttp\\Exception\\ClientException',
      errorMessage: `Client error: ${phrase}`,
    };
  return { ok: false, status, errorType: 'UnexpectedResponseException', errorMessage: `Expected 200, ${phrase}` };
}
