// Hint's endpoints the connector calls, typed, all through the one client.
import { z } from 'zod';
import { HintApiError } from './client.ts';
import type { HintConn, HintRuntime } from './connection.ts';
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

const rate = (hc: HintConn) => hc.settings.rateLimitPerSecond;

export async function getPatient(rt: HintRuntime, hc: HintConn, id: string): Promise<HintPatient | undefined> {
  try {
    return (
      await rt.client.call('GET', `/provider/patients/${encodeURIComponent(id)}`, {
        token: hc.token,
        schema: hintPatientSchema,
        ratePerSecond: rate(hc),
      })
    ).data;
  } catch (error) {
    if (error instanceof HintApiError && error.status === 404) return undefined;
    throw error;
  }
}

export async function createPatient(
  rt: HintRuntime,
  hc: HintConn,
  body: Record<string, unknown>,
): Promise<HintPatient> {
  return (
    await rt.client.call('POST', '/provider/patients', {
      token: hc.token,
      body,
      schema: hintPatientSchema,
      ratePerSecond: rate(hc),
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
  rt: HintRuntime,
  hc: HintConn,
  id: string,
  body: Record<string, unknown>,
  current?: HintNames,
): Promise<HintPatient> {
  let names: HintNames = {
    first_name: body.first_name as string | undefined,
    last_name: body.last_name as string | undefined,
  };
  if (!names.first_name || !names.last_name) {
    const known = current?.first_name && current.last_name ? current : await getPatient(rt, hc, id);
    if (!known) throw new HintApiError(404, 'Patient not found', false, `/provider/patients/${encodeURIComponent(id)}`);
    names = { first_name: names.first_name || known.first_name, last_name: names.last_name || known.last_name };
  }
  return (
    await rt.client.call('PATCH', `/provider/patients/${encodeURIComponent(id)}`, {
      token: hc.token,
      body: { ...body, ...names },
      schema: hintPatientSchema,
      ratePerSecond: rate(hc),
    })
  ).data;
}

export interface Page<T> {
  items: T[];
  total: number | null;
}

export async function listPatients(
  rt: HintRuntime,
  hc: HintConn,
  query: Record<string, string | number | undefined>,
): Promise<Page<HintPatient>> {
  const res = await rt.client.call('GET', '/provider/patients', {
    token: hc.token,
    query,
    schema: z.array(hintPatientSchema),
    ratePerSecond: rate(hc),
  });
  return { items: res.data, total: res.totalCount };
}

export async function listPractitioners(
  rt: HintRuntime,
  hc: HintConn,
  query: Record<string, string | number | undefined>,
): Promise<Page<HintPractitioner>> {
  const res = await rt.client.call('GET', '/provider/practitioners', {
    token: hc.token,
    query,
    schema: z.array(hintPractitionerSchema),
    ratePerSecond: rate(hc),
  });
  return { items: res.data, total: res.totalCount };
}

export async function listMemberships(
  rt: HintRuntime,
  hc: HintConn,
  query: Record<string, string | number | undefined>,
): Promise<Page<HintMembership>> {
  const res = await rt.client.call('GET', '/provider/memberships', {
    token: hc.token,
    query,
    schema: z.array(hintMembershipSchema),
    ratePerSecond: rate(hc),
  });
  return { items: res.data, total: res.totalCount };
}

export async function getPractitioner(
  rt: HintRuntime,
  hc: HintConn,
  id: string,
): Promise<HintPractitioner | undefined> {
  try {
    return (
      await rt.client.call('GET', `/provider/practitioners/${encodeURIComponent(id)}`, {
        token: hc.token,
        schema: hintPractitionerSchema,
        ratePerSecond: rate(hc),
      })
    ).data;
  } catch (error) {
    if (error instanceof HintApiError && error.status === 404) return undefined;
    throw error;
  }
}

export async function savePractitioner(
  rt: HintRuntime,
  hc: HintConn,
  id: string | null,
  body: Record<string, unknown>,
): Promise<HintPractitioner> {
  const path = id ? `/provider/practitioners/${encodeURIComponent(id)}` : '/provider/practitioners';
  return (
    await rt.client.call(id ? 'PATCH' : 'POST', path, {
      token: hc.token,
      body,
      schema: hintPractitionerSchema,
      ratePerSecond: rate(hc),
    })
  ).data;
}

export async function getPractice(rt: HintRuntime, token: string): Promise<z.infer<typeof hintPracticeSchema>> {
  return (await rt.client.call('GET', '/provider/practice', { token, schema: hintPracticeSchema })).data;
}

function partnerKey(rt: HintRuntime): string {
  if (!rt.env.partnerApiKey)
    throw new HintApiError(0, 'HINT_PARTNER_API_KEY is not configured', false, '/oauth/tokens');
  return rt.env.partnerApiKey;
}

export async function exchangeCode(rt: HintRuntime, code: string): Promise<TokenExchange> {
  return (
    await rt.client.call('POST', '/oauth/tokens', {
      token: partnerKey(rt),
      body: { grant_type: 'authorization_code', code },
      schema: tokenExchangeSchema,
      maxRetries: 2,
    })
  ).data;
}

export async function findIntegration(
  rt: HintRuntime,
  hintPracticeId: string,
): Promise<z.infer<typeof integrationSchema> | undefined> {
  for (let offset = 0; ; offset += 100) {
    const res = await rt.client.call('GET', '/integrations', {
      token: partnerKey(rt),
      query: { limit: 100, offset },
      schema: z.array(integrationSchema),
    });
    const found = res.data.find((i) => i.practice.id === hintPracticeId);
    if (found || res.data.length < 100) return found;
  }
}

/** Registers the webhook endpoint for one integration, unless it is already there. */
export async function ensureWebhookEndpoint(rt: HintRuntime, integrationId: string, url: string): Promise<string> {
  const base = `/integrations/${encodeURIComponent(integrationId)}/webhook_endpoints`;
  const existing = await rt.client.call('GET', base, {
    token: partnerKey(rt),
    query: { limit: 100 },
    schema: z.array(webhookEndpointSchema),
  });
  const same = existing.data.find((e) => e.webhook_url === url);
  if (same) return same.id;
  return (
    await rt.client.call('POST', base, {
      token: partnerKey(rt),
      body: { webhook_url: url },
      schema: webhookEndpointSchema,
    })
  ).data.id;
}

export async function deleteWebhookEndpoint(rt: HintRuntime, integrationId: string, endpointId: string): Promise<void> {
  await rt.client
    .call(
      'DELETE',
      `/integrations/${encodeURIComponent(integrationId)}/webhook_endpoints/${encodeURIComponent(endpointId)}`,
      { token: partnerKey(rt) },
    )
    .catch((error: unknown) => {
      if (!(error instanceof HintApiError && error.status === 404)) throw error;
    });
}

export async function deactivateIntegration(rt: HintRuntime, integrationId: string): Promise<void> {
  await rt.client.call('POST', `/integrations/${encodeURIComponent(integrationId)}/deactivate`, {
    token: partnerKey(rt),
  });
}
