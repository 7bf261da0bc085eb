// OAuth 2.0 as Salesforce does it: authorization codes (with PKCE), the token endpoint's three
// grants (authorization_code, refresh_token, JWT bearer), revocation, and session checks on
// every API call (idle/absolute expiry → 401 INVALID_SESSION_ID).
import { createHash, createHmac, createVerify, timingSafeEqual, X509Certificate } from 'node:crypto';
import { invalidSession, OAuthError } from './errors.ts';
import { randomToken } from './ids.ts';
import type { Org } from './org.ts';
import type { Session, SfUser } from './state.ts';

export const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  signature?: string;
  scope: string;
  instance_url: string;
  id: string;
  token_type: 'Bearer';
  issued_at: string;
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class Auth {
  constructor(
    private readonly org: Org,
    private readonly urls: () => { loginUrl: string; instanceUrl: string },
  ) {}

  identityUrl(user: SfUser): string {
    return `${this.urls().loginUrl}/id/${this.org.data.orgId}/${user.id}`;
  }

  private checkClient(clientId: string | undefined, secret: string | undefined, secretRequired: boolean): void {
    const app = this.org.data.app;
    if (!clientId || !equal(clientId, app.clientId))
      throw new OAuthError(400, 'invalid_client_id', 'client identifier invalid');
    if (secret !== undefined ? !equal(secret, app.clientSecret) : secretRequired)
      throw new OAuthError(400, 'invalid_client', 'invalid client credentials');
  }

  private issue(user: SfUser, scope: string, refreshToken: string | null): Session {
    const now = this.org.now();
    const token = `${this.org.data.orgId.slice(0, 15)}!${randomToken(this.org.random, 96)}`;
    const session: Session = {
      token,
      userId: user.id,
      clientId: this.org.data.app.clientId,
      issuedAt: now,
      lastUsedAt: now,
      refreshToken,
      scope,
    };
    this.org.data.sessions.set(token, session);
    return session;
  }

  private response(session: Session, user: SfUser, withSignature: boolean): TokenResponse {
    const id = this.identityUrl(user);
    const issuedAt = String(session.issuedAt);
    const out: TokenResponse = {
      access_token: session.token,
      scope: session.scope,
      instance_url: this.urls().instanceUrl,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
    };
    if (withSignature)
      out.signature = createHmac('sha256', this.org.data.app.clientSecret)
        .update(id + issuedAt)
        .digest('base64');
    return out;
  }

  private grantRefresh(user: SfUser, scope: string): string {
    const token = `5Aep861${randomToken(this.org.random, 80)}`;
    this.org.data.refreshGrants.set(token, {
      token,
      userId: user.id,
      clientId: this.org.data.app.clientId,
      issuedAt: this.org.now(),
      scope,
    });
    if (this.org.config.refreshTokenCap) {
      const mine = [...this.org.data.refreshGrants.values()].filter((g) => g.userId === user.id);
      for (const old of mine.slice(0, Math.max(0, mine.length - 5))) this.revokeRefresh(old.token);
    }
    return token;
  }

  /** The approve step of the authorize page: a one-time code bound to client, redirect and PKCE challenge. */
  newCode(user: SfUser, redirectUri: string, scope: string, challenge: string | null, method: string | null): string {
    const code = `aPrx${randomToken(this.org.random, 60)}`;
    this.org.data.authCodes.set(code, {
      code,
      userId: user.id,
      clientId: this.org.data.app.clientId,
      redirectUri,
      scope,
      codeChallenge: challenge,
      codeChallengeMethod: method,
      expiresAt: this.org.now() + 15 * 60_000,
    });
    return code;
  }

  token(form: Record<string, string | undefined>): TokenResponse {
    switch (form.grant_type) {
      case 'authorization_code':
        return this.codeGrant(form);
      case 'refresh_token':
        return this.refreshGrant(form);
      case JWT_GRANT:
        return this.jwtGrant(form);
      case undefined:
      case '':
        throw new OAuthError(400, 'unsupported_grant_type', 'grant type not supported');
      default:
        throw new OAuthError(400, 'unsupported_grant_type', 'grant type not supported');
    }
  }

  private codeGrant(form: Record<string, string | undefined>): TokenResponse {
    this.checkClient(form.client_id, form.client_secret, this.org.config.requireSecret && !form.code_verifier);
    const code = form.code ? this.org.data.authCodes.get(form.code) : undefined;
    if (!code || code.expiresAt < this.org.now())
      throw new OAuthError(400, 'invalid_grant', 'invalid authorization code');
    this.org.data.authCodes.delete(code.code); // one use only, even when the exchange fails below
    if (form.redirect_uri !== code.redirectUri)
      throw new OAuthError(400, 'invalid_grant', 'redirect_uri must match configuration');
    if (code.codeChallenge) {
      if (!form.code_verifier) throw new OAuthError(400, 'invalid_grant', 'invalid code verifier');
      const computed =
        code.codeChallengeMethod === 'plain'
          ? form.code_verifier
          : createHash('sha256').update(form.code_verifier).digest('base64url');
      if (!equal(computed, code.codeChallenge)) throw new OAuthError(400, 'invalid_request', 'invalid code verifier');
    }
    const user = this.org.user(code.userId)!;
    const wantsRefresh = /\b(refresh_token|offline_access)\b/.test(code.scope);
    const refresh = wantsRefresh ? this.grantRefresh(user, code.scope) : null;
    const session = this.issue(user, code.scope, refresh);
    return { ...this.response(session, user, true), ...(refresh ? { refresh_token: refresh } : {}) };
  }

  private refreshGrant(form: Record<string, string | undefined>): TokenResponse {
    this.checkClient(form.client_id, form.client_secret, this.org.config.requireSecret);
    const grant = form.refresh_token ? this.org.data.refreshGrants.get(form.refresh_token) : undefined;
    if (!grant) throw new OAuthError(400, 'invalid_grant', 'expired access/refresh token');
    const user = this.org.user(grant.userId);
    if (!user) throw new OAuthError(400, 'invalid_grant', 'authentication failure');
    let refresh = grant.token;
    if (this.org.config.rotateRefreshTokens) {
      this.revokeRefresh(grant.token);
      refresh = this.grantRefresh(user, grant.scope);
    }
    const session = this.issue(user, grant.scope, refresh);
    const out = this.response(session, user, true);
    return this.org.config.rotateRefreshTokens ? { ...out, refresh_token: refresh } : out;
  }

  private jwtGrant(form: Record<string, string | undefined>): TokenResponse {
    const parts = (form.assertion ?? '').split('.');
    if (parts.length !== 3) throw new OAuthError(400, 'invalid_grant', 'invalid assertion');
    const [h, p, s] = parts as [string, string, string];
    let header: { alg?: string };
    let claims: { iss?: string; sub?: string; aud?: string | string[]; exp?: number };
    try {
      header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    } catch {
      throw new OAuthError(400, 'invalid_grant', 'invalid assertion');
    }
    if (header.alg !== 'RS256') throw new OAuthError(400, 'invalid_grant', 'invalid assertion');
    const key = new X509Certificate(this.org.data.app.certificatePem).publicKey;
    const valid = createVerify('RSA-SHA256').update(`${h}.${p}`).verify(key, Buffer.from(s, 'base64url'));
    if (!valid) throw new OAuthError(400, 'invalid_grant', 'invalid assertion');
    if (claims.iss !== this.org.data.app.clientId)
      throw new OAuthError(400, 'invalid_client_id', 'client identifier invalid');
    const login = this.urls().loginUrl.replace(/\/$/, '');
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.some((a) => typeof a === 'string' && a.replace(/\/$/, '') === login))
      throw new OAuthError(400, 'invalid_grant', 'audience is invalid');
    // Salesforce tolerates about three minutes of clock skew.
    if (typeof claims.exp !== 'number' || claims.exp * 1000 + 180_000 < this.org.now())
      throw new OAuthError(400, 'invalid_grant', 'expired authorization code');
    const user = claims.sub ? this.org.userByName(claims.sub) : undefined;
    if (!user) throw new OAuthError(400, 'invalid_grant', "user hasn't approved this consumer");
    if (!user.preAuthorized) throw new OAuthError(400, 'invalid_grant', "user hasn't approved this consumer");
    const session = this.issue(user, 'api id', null);
    const { signature: _s, issued_at: _i, ...out } = this.response(session, user, false);
    return { ...out, issued_at: String(session.issuedAt) };
  }

  private revokeRefresh(token: string): void {
    this.org.data.refreshGrants.delete(token);
    for (const [key, s] of this.org.data.sessions) if (s.refreshToken === token) this.org.data.sessions.delete(key);
  }

  /** Revokes an access token, or a refresh token and every access token it issued. */
  revoke(token: string | undefined): void {
    if (!token) throw new OAuthError(400, 'unsupported_token_type', 'unsupported token type');
    if (this.org.data.refreshGrants.has(token)) return this.revokeRefresh(token);
    if (this.org.data.sessions.delete(token)) return;
    throw new OAuthError(400, 'invalid_token', 'invalid token');
  }

  /** The session behind a Bearer (or CometD's "OAuth") token, or 401 INVALID_SESSION_ID. */
  session(header: string | undefined): { session: Session; user: SfUser } {
    const match = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(header ?? '');
    const session = match ? this.org.data.sessions.get(match[1]!) : undefined;
    if (!session) throw invalidSession();
    const now = this.org.now();
    const { sessionIdleTimeoutMs, sessionAbsoluteTimeoutMs } = this.org.config;
    if (now - session.lastUsedAt > sessionIdleTimeoutMs || now - session.issuedAt > sessionAbsoluteTimeoutMs) {
      this.org.data.sessions.delete(session.token);
      throw invalidSession();
    }
    session.lastUsedAt = now;
    const user = this.org.user(session.userId);
    if (!user) throw invalidSession();
    return { session, user };
  }

  /** Harness: every access token expires now (the next call gets INVALID_SESSION_ID). */
  expireSessions(): number {
    const n = this.org.data.sessions.size;
    this.org.data.sessions.clear();
    return n;
  }
}
