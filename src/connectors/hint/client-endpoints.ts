// Hint's endpoints the connector calls, typed, all through the one client.
import { z } from 'zod';
import { HintApiError } from './client.ts';
import type { LoadedConnection, HintDeps } from './connection.ts';
import {
  hintMembershipSchema,
  hintPatientSchema,
  hintPracticeSchema,
  hintPractitionerSchema,
  integrationSchema,
  tokenExchangeSchema,
  webhookEndpointSchema,
  type HintMembership,
  type HintPatient,
  type HintPractitioner,
  type TokenExchange,
} from './schemas.ts';

const rate = (loaded: LoadedConnection) => loaded.settings.rateLimitPerSecond;

export async function getPatient(
  deps: HintDeps,
  loaded: LoadedConnection,
  id: string,
): Promise<HintPatient | undefined> {
  try {
    return (
      await deps.client.call('GET', `/provider/patients/${encodeURIComponent(id)}`, {
        token: loaded.credentials.accessToken,
        schema: hintPatientSchema,
        ratePerSecond: rate(loaded),
      })
    ).data;
  } catch (error) {
    if (error instanceof HintApiError && error.status === 404) return undefined;
    throw error;
  }
}

export async function createPatient(
  deps: HintDeps,
  loaded: LoadedConnection,
  body: Record<string, unknown>,
): Promise<HintPatient> {
  return (
    await deps.client.call('POST', '/provider/patients', {
      token: loaded.credentials.accessToken,
      body,
      schema: hintPatientSchema,
      ratePerSecond: rate(loaded),
    })
  ).data;
}

/** Hint's legal names, which its update schema requires on every patient PATCH. */
export interface HintNames {
  first_name?: string | null;
  last_name?: string | null;
}

/**
 * PATCHes a patient. Hint's update schema marks first_name and last_name required, so every
 * PATCH carries them: the body's own, else those of `current` (Hint's record as the caller
 * last read it), else read from Hint first. They are Hint's values, so sending them changes nothing.
 */
export async function patchPatient(
  deps: HintDeps,
  loaded: LoadedConnection,
  id: string,
  body: Record<string, unknown>,
  current?: HintNames,
): Promise<HintPatient> {
  let names: HintNames = {
    first_name: body.first_name as string | undefined,
    last_name: body.last_name as string | undefined,
  };
  if (!names.first_name || !names.last_name) {
    const known = current?.first_name && current.last_name ? current : await getPatient(deps, loaded, id);
    if (!known) throw new HintApiError(404, 'Patient not found', false, `/provider/patients/${encodeURIComponent(id)}`);
    names = { first_name: names.first_name || known.first_name, last_name: names.last_name || known.last_name };
  }
  return (
    await deps.client.call('PATCH', `/provider/patients/${encodeURIComponent(id)}`, {
      token: loaded.credentials.accessToken,
      body: { ...body, ...names },
      schema: hintPatientSchema,
      ratePerSecond: rate(loaded),
    })
  ).data;
}

export interface Page<T> {
  items: T[];
  total: number | null;
}

export async function listPatients(
  deps: HintDeps,
  loaded: LoadedConnection,
  query: Record<string, string | number | undefined>,
): Promise<Page<HintPatient>> {
  const res = await deps.client.call('GET', '/provider/patients', {
    token: loaded.credentials.accessToken,
    query,
    schema: z.array(hintPatientSchema),
    ratePerSecond: rate(loaded),
  });
  return { items: res.data, total: res.totalCount };
}

export async function listPractitioners(
  deps: HintDeps,
  loaded: LoadedConnection,
  query: Record<string, string | number | undefined>,
): Promise<Page<HintPractitioner>> {
  const res = await deps.client.call('GET', '/provider/practitioners', {
    token: loaded.credentials.accessToken,
    query,
    schema: z.array(hintPractitionerSchema),
    ratePerSecond: rate(loaded),
  });
  return { items: res.data, total: res.totalCount };
}

export async function listMemberships(
  deps: HintDeps,
  loaded: LoadedConnection,
  query: Record<string, string | number | undefined>,
): Promise<Page<HintMembership>> {
  const res = await deps.client.call('GET', '/provider/memberships', {
    token: loaded.credentials.accessToken,
    query,
    schema: z.array(hintMembershipSchema),
    ratePerSecond: rate(loaded),
  });
  return { items: res.data, total: res.totalCount };
}

export async function getPractitioner(
  deps: HintDeps,
  loaded: LoadedConnection,
  id: string,
): Promise<HintPractitioner | undefined> {
  try {
    return (
      await deps.client.call('GET', `/provider/practitioners/${encodeURIComponent(id)}`, {
        token: loaded.credentials.accessToken,
        schema: hintPractitionerSchema,
        ratePerSecond: rate(loaded),
      })
    ).data;
  } catch (error) {
    if (error instanceof HintApiError && error.status === 404) return undefined;
    throw error;
  }
}

export async function savePractitioner(
  deps: HintDeps,
  loaded: LoadedConnection,
  id: string | null,
  body: Record<string, unknown>,
): Promise<HintPractitioner> {
  const path = id ? `/provider/practitioners/${encodeURIComponent(id)}` : '/provider/practitioners';
  return (
    await deps.client.call(id ? 'PATCH' : 'POST', path, {
      token: loaded.credentials.accessToken,
      body,
      schema: hintPractitionerSchema,
      ratePerSecond: rate(loaded),
    })
  ).data;
}

export async function getPractice(deps: HintDeps, token: string): Promise<z.infer<typeof hintPracticeSchema>> {
  return (await deps.client.call('GET', '/provider/practice', { token, schema: hintPracticeSchema })).data;
}

function partnerKey(deps: HintDeps): string {
  if (!deps.env.partnerApiKey)
    throw new HintApiError(0, 'HINT_PARTNER_API_KEY is not configured', false, '/oauth/tokens');
  return deps.env.partnerApiKey;
}

export async function exchangeCode(deps: HintDeps, code: string): Promise<TokenExchange> {
  return (
    await deps.client.call('POST', '/oauth/tokens', {
      token: partnerKey(deps),
      body: { grant_type: 'authorization_code', code },
      schema: tokenExchangeSchema,
      maxRetries: 2,
    })
  ).data;
}

export async function findIntegration(
  deps: HintDeps,
  hintPracticeId: string,
): Promise<z.infer<typeof integrationSchema> | undefined> {
  for (let offset = 0; ; offset += 100) {
    const res = await deps.client.call('GET', '/integrations', {
      token: partnerKey(deps),
      query: { limit: 100, offset },
      schema: z.array(integrationSchema),
    });
    const found = res.data.find((i) => i.practice.id === hintPracticeId);
    if (found || res.data.length < 100) return found;
  }
}

/** Registers the webhook endpoint for one integration, unless it is already there. */
export async function ensureWebhookEndpoint(deps: HintDeps, integrationId: string, url: string): Promise<string> {
  const base = `/integrations/${encodeURIComponent(integrationId)}/webhook_endpoints`;
  const existing = await deps.client.call('GET', base, {
    token: partnerKey(deps),
    query: { limit: 100 },
    schema: z.array(webhookEndpointSchema),
  });
  const same = existing.data.find((e) => e.webhook_url === url);
  if (same) return same.id;
  return (
    await deps.client.call('POST', base, {
      token: partnerKey(deps),
      body: { webhook_url: url },
      schema: webhookEndpointSchema,
    })
  ).data.id;
}

export async function deleteWebhookEndpoint(deps: HintDeps, integrationId: string, endpointId: string): Promise<void> {
  await deps.client
    .call(
      'DELETE',
      `/integrations/${encodeURIComponent(integrationId)}/webhook_endpoints/${encodeURIComponent(endpointId)}`,
      { token: partnerKey(deps) },
    )
    .catch((error: unknown) => {
      if (!(error instanceof HintApiError && error.status === 404)) throw error;
    });
}

const webhookRequestSchema = z
  .object({
    status: z.string(),
    event_type: z.string().nullable().optional(),
    last_status_code: z.number().nullable().optional(),
    last_attempted_at: z.string().nullable().optional(),
  })
  .loose();
export type WebhookRequestRow = z.infer<typeof webhookRequestSchema>;

/**
 * Hint's log of deliveries to one webhook endpoint in a status (GET /partner/webhook_requests):
 * the only place a muted or failed delivery shows (Hint never replays them). Payloads are not kept.
 */
export async function listWebhookRequests(
  deps: HintDeps,
  endpointId: string,
  status: 'failed' | 'retrying',
): Promise<WebhookRequestRow[]> {
  const res = await deps.client.call('GET', '/partner/webhook_requests', {
    token: partnerKey(deps),
    query: { webhook_endpoint: endpointId, status, limit: 100 },
    schema: z.array(webhookRequestSchema),
  });
  return res.data;
}

export async function deactivateIntegration(deps: HintDeps, integrationId: string): Promise<void> {
  await deps.client.call('POST', `/integrations/${encodeURIComponent(integrationId)}/deactivate`, {
    token: partnerKey(deps),
  });
}
