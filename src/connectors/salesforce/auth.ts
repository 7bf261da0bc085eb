// Salesforce OAuth (digest §1): the JWT bearer flow for unattended servers, the web-server flow
// with PKCE for an admin in a browser, refresh, and revocation. Every failure is an
// IntegrationError carrying Salesforce's own `error` and `error_description`.
import { createHash, createSign, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { IntegrationError } from '../../core/errors.ts';

const tokenSchema = z
  .object({
    access_token: z.string().min(1),
    instance_url: z.string().url(),
    id: z.string(),
    issued_at: z.string().optional(),
    refresh_token: z.string().optional(),
    scope: z.string().optional(),
  })
  .loose();

export interface TokenGrant {
  accessToken: string;
  instanceUrl: string;
  /** The identity URL: …/id/<orgId>/<userId>. */
  identity: string;
  issuedAt: number;
  refreshToken?: string;
}

const TIMEOUT_MS = 15_000;

async function tokenCall(loginUrl: string, form: Record<string, string>): Promise<TokenGrant> {
  const path = '/services/oauth2/token';
  let response: Response;
  try {
    response = await fetch(`${loginUrl.replace(/\/$/, '')}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (cause) {
    throw new IntegrationError({ system: 'salesforce', status: 0, retryable: true, cause, path });
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    throw new IntegrationError({
      system: 'salesforce',
      status: response.status,
      code: typeof body.error === 'string' ? body.error : undefined,
      detail: typeof body.error_description === 'string' ? body.error_description : undefined,
      retryable: response.status >= 500,
      path,
    });
  }
  const parsed = tokenSchema.safeParse(body);
  if (!parsed.success)
    throw new IntegrationError({ system: 'salesforce', status: 200, code: 'invalid_response', retryable: false, path });
  const t = parsed.data;
  return {
    accessToken: t.access_token,
    instanceUrl: t.instance_url,
    identity: t.id,
    issuedAt: Number(t.issued_at ?? Date.now()),
    refreshToken: t.refresh_token,
  };
}

export interface JwtSettings {
  loginUrl: string;
  clientId: string;
  username: string;
  privateKeyPem: string;
}

/** An RS256 assertion (iss = client id, sub = user, aud = login URL, 3 minutes) exchanged for a token. */
export function jwtBearerToken(s: JwtSettings, now = Date.now()): Promise<TokenGrant> {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const claims = {
    iss: s.clientId,
    sub: s.username,
    aud: s.loginUrl.replace(/\/$/, ''),
    exp: Math.floor(now / 1000) + 180,
  };
  const unsigned = `${enc({ alg: 'RS256' })}.${enc(claims)}`;
  let signature: string;
  try {
    signature = createSign('RSA-SHA256').update(unsigned).sign(s.privateKeyPem, 'base64url');
  } catch (cause) {
    throw new IntegrationError({
      system: 'salesforce',
      status: 0,
      code: 'invalid_private_key',
      detail: 'the private key could not sign (is it a PEM RSA private key?)',
      retryable: false,
      cause,
    });
  }
  return tokenCall(s.loginUrl, {
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    assertion: `${unsigned}.${signature}`,
  });
}

export interface WebServerSettings {
  loginUrl: string;
  clientId: string;
  clientSecret?: string;
}

/** A PKCE verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeUrl(s: WebServerSettings, redirectUri: string, state: string, challenge: string): string {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: s.clientId,
    redirect_uri: redirectUri,
    state,
    scope: 'api refresh_token',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return `${s.loginUrl.replace(/\/$/, '')}/services/oauth2/authorize?${params.toString()}`;
}

export function exchangeCode(
  s: WebServerSettings,
  code: string,
  redirectUri: string,
  codeVerifier: string,
): Promise<TokenGrant> {
  return tokenCall(s.loginUrl, {
    grant_type: 'authorization_code',
    code,
    client_id: s.clientId,
    ...(s.clientSecret ? { client_secret: s.clientSecret } : {}),
    redirect_uri: redirectUri,
    code_verifier: codeVerifier,
  });
}

export function refreshAccessToken(s: WebServerSettings, refreshToken: string): Promise<TokenGrant> {
  return tokenCall(s.loginUrl, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: s.clientId,
    ...(s.clientSecret ? { client_secret: s.clientSecret } : {}),
  });
}

/** Revokes a token (a refresh token takes its access tokens with it). Best effort: false when Salesforce refused. */
export async function revokeToken(loginUrl: string, token: string): Promise<boolean> {
  try {
    const response = await fetch(`${loginUrl.replace(/\/$/, '')}/services/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    return response.ok;
  } catch {
    return false;
  }
}

/** org id and user id from the identity URL (…/id/00D…/005…). */
export function identityIds(identity: string): { orgId: string | null; userId: string | null } {
  const m = /\/id\/([^/]+)\/([^/?#]+)/.exec(identity);
  return { orgId: m?.[1] ?? null, userId: m?.[2] ?? null };
}
