// The login host: the authorize page (a harness user approves the connected app), the token
// endpoint, revocation and the identity URL. Token errors use the endpoint's own
// {error, error_description} shape.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Auth } from './auth.ts';
import { OAuthError, SfError } from './errors.ts';
import type { Org } from './org.ts';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

type Params = Record<string, string | undefined>;

function errorPage(reply: FastifyReply, status: number, error: string, description: string) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(`<!doctype html><title>Error</title><h1>error=${escapeHtml(error)}</h1><p>${escapeHtml(description)}</p>`);
}

function authorizePage(org: Org, p: Params): string {
  const hidden = ['client_id', 'redirect_uri', 'state', 'scope', 'code_challenge', 'code_challenge_method']
    .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(p[k] ?? '')}">`)
    .join('');
  const users = org.data.users
    .map(
      (u, i) =>
        `<label><input type="radio" name="username" value="${escapeHtml(u.username)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(u.name)} (${escapeHtml(u.username)}, ${escapeHtml(u.profile)})</label><br>`,
    )
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Allow Access? | Salesforce (emulator)</title></head>
<body><h1>Allow Access?</h1>
<p>The connected app is asking to access your Salesforce org (scopes: ${escapeHtml(p.scope ?? 'api refresh_token')}).</p>
<form method="post" action="/services/oauth2/authorize">${hidden}
<fieldset><legend>Log in as</legend>${users}</fieldset>
<button type="submit" name="decision" value="allow" id="oaapprove">Allow</button>
<button type="submit" name="decision" value="deny" id="oadeny">Deny</button>
</form></body></html>`;
}

function checkAuthorizeRequest(org: Org, p: Params): string | undefined {
  if (p.response_type !== undefined && p.response_type !== 'code') return 'unsupported_response_type';
  if (p.client_id !== org.data.app.clientId) return 'invalid_client_id';
  if (!p.redirect_uri || !org.data.app.callbackUrls.includes(p.redirect_uri)) return 'redirect_uri_mismatch';
  if (p.code_challenge_method && !['S256', 'plain'].includes(p.code_challenge_method)) return 'invalid_request';
  return undefined;
}

export function oauthRoutes(app: FastifyInstance, org: Org, auth: Auth): void {
  app.get('/services/oauth2/authorize', async (request, reply) => {
    const p = request.query as Params;
    const problem = checkAuthorizeRequest(org, p);
    if (problem)
      return errorPage(reply, 400, problem, 'The authorization request is not valid for this connected app.');
    return reply.type('text/html; charset=utf-8').send(authorizePage(org, p));
  });

  app.post('/services/oauth2/authorize', async (request, reply) => {
    const p = (request.body ?? {}) as Params;
    const problem = checkAuthorizeRequest(org, { ...p, response_type: 'code' });
    if (problem)
      return errorPage(reply, 400, problem, 'The authorization request is not valid for this connected app.');
    const target = new URL(p.redirect_uri!);
    if (p.state) target.searchParams.set('state', p.state);
    if (p.decision !== 'allow') {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_description', 'end-user denied authorization');
      return reply.redirect(target.toString(), 302);
    }
    const user = org.userByName(p.username ?? '');
    if (!user) return errorPage(reply, 400, 'invalid_request', 'Choose a user to log in as.');
    target.searchParams.set(
      'code',
      auth.newCode(
        user,
        p.redirect_uri!,
        p.scope || 'api refresh_token',
        p.code_challenge || null,
        p.code_challenge ? (p.code_challenge_method ?? 'S256') : null,
      ),
    );
    return reply.redirect(target.toString(), 302);
  });

  app.post('/services/oauth2/token', async (request, reply) => {
    const form = (request.body ?? {}) as Params;
    const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (basic) {
      const [id, secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
      form.client_id ??= decodeURIComponent(id ?? '');
      form.client_secret ??= decodeURIComponent(secret ?? '');
    }
    try {
      return reply.send(auth.token(form));
    } catch (error) {
      if (error instanceof OAuthError) return reply.code(error.status).send(error.body());
      throw error;
    }
  });

  const revoke = async (token: string | undefined, reply: FastifyReply) => {
    try {
      auth.revoke(token);
      return reply.code(200).send();
    } catch (error) {
      if (error instanceof OAuthError) return reply.code(error.status).send(error.body());
      throw error;
    }
  };
  app.post('/services/oauth2/revoke', async (request, reply) => revoke(((request.body ?? {}) as Params).token, reply));
  app.get('/services/oauth2/revoke', async (request, reply) => revoke((request.query as Params).token, reply));

  const identity = (userId: string) => {
    const user = org.user(userId);
    if (!user) throw new SfError(404, 'NOT_FOUND', 'The requested resource does not exist');
    return {
      id: auth.identityUrl(user),
      user_id: user.id,
      organization_id: org.data.orgId,
      username: user.username,
      display_name: user.name,
      email: user.email,
      active: true,
      user_type: 'STANDARD',
    };
  };
  app.get('/id/:org/:user', async (request) => {
    auth.session(request.headers.authorization);
    return identity((request.params as { user: string }).user);
  });
  app.get('/services/oauth2/userinfo', async (request) => {
    const { user } = auth.session(request.headers.authorization);
    return { ...identity(user.id), sub: auth.identityUrl(user), preferred_username: user.username, name: user.name };
  });
}
