// The embedded app's routes: the handshake, the three framed surfaces, and the small API the
// framed panel calls. The panel never holds a cookie (third-party cookies are blocked in
// Hint's iframe): the page reads ?session_key= once and sends it as
// `Authorization: HintSession <key>` on every call, from memory only.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HintDeps } from '../connection.ts';
import { answerHandshake } from './handshake.ts';
import { interactionPanel, panelFor, linkNow, retryLink, settingsView, updateAppSettings } from './panel.ts';
import { permissionsOf, tandemRolesOf, type Permission } from './roles.ts';
import { findAppSession, type HintAppSession } from './store.ts';
import type { SessionView } from './types.ts';

export const HANDSHAKE_PATH = '/hint/app/handshake';
/** Surface → path, as registered with Hint (docs/hint.md). */
export const SURFACES = {
  core_page: '/hint/app/core',
  clinical_interaction: '/hint/app/interaction',
  settings: '/hint/app/settings',
} as const;

const BUILT_PAGE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../../dist/web/hint-app.html');
const HINT_ID = /^[A-Za-z0-9_-]{1,100}$/;

declare module 'fastify' {
  interface FastifyRequest {
    hintApp?: { session: HintAppSession; permissions: Permission[] };
  }
}

const escapeAttribute = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const problem = (reply: FastifyReply, status: number, error: string) => reply.code(status).send({ error, details: [] });

/** CSP for a framed surface: only Hint's app origins may frame it; the SDK comes from Hint's API host. */
function surfaceCsp(deps: HintDeps): string {
  const sdkOrigin = new URL(deps.env.apiUrl).origin;
  const ancestors = deps.env.appOrigins.length > 0 ? deps.env.appOrigins.join(' ') : "'none'";
  return [
    "default-src 'self'",
    `script-src 'self' ${sdkOrigin}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    `frame-ancestors ${ancestors}`,
  ].join('; ');
}

async function authenticate(deps: HintDeps, request: FastifyRequest, reply: FastifyReply) {
  const header = request.headers.authorization ?? '';
  const key = /^HintSession ([A-Za-z0-9_-]{20,100})$/.exec(header)?.[1];
  if (!key) return problem(reply, 401, 'Open Tandem from inside Hint: this page needs the session Hint started');
  const session = await findAppSession(deps.db, key);
  if (!session)
    return problem(reply, 401, 'Your Tandem session in Hint has expired or was ended: reload the page in Hint');
  request.hintApp = { session, permissions: permissionsOf(session.user.partnerRoles) };
}

/** Refuses the call unless the user's Hint roles grant the permission. */
function need(permission: Permission) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const granted = request.hintApp?.permissions ?? [];
    if (granted.length === 0)
      return problem(reply, 403, 'You have no Tandem role in Hint: ask your practice admin to assign one');
    if (!granted.includes(permission))
      return problem(reply, 403, `Your Tandem role in Hint does not allow this (needs the "${permission}" permission)`);
  };
}

function hintIdOf(request: FastifyRequest<{ Params: { hintPatientId: string } }>, reply: FastifyReply) {
  const id = request.params.hintPatientId;
  if (HINT_ID.test(id)) return id;
  void problem(reply, 400, 'hintPatientId is not a Hint patient id');
  return undefined;
}

export function hintAppRoutes(deps: HintDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    // The handshake's signature covers the raw bytes: keep them.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    app.post(HANDSHAKE_PATH, async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const outcome = await answerHandshake(deps.db, deps.env.webhookSecret, raw, request.headers['x-hint-signature']);
      if (!outcome.ok) return problem(reply, outcome.status, outcome.error);
      return reply.header('cache-control', 'no-store').send({ session_key: outcome.sessionKey });
    });

    for (const surface of Object.values(SURFACES)) {
      app.get(surface, async (_request, reply) => {
        const html = await readFile(BUILT_PAGE, 'utf8').catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return undefined;
          throw error;
        });
        reply.header('content-security-policy', surfaceCsp(deps)).header('cache-control', 'no-store');
        if (html === undefined)
          return reply.code(503).type('text/plain').send('The Tandem app is not built: run npm install.');
        // Hint's SDK is a classic script from Hint's API host, so it runs before the app's module.
        const sdk = `<script src="${escapeAttribute(`${deps.env.apiUrl}/hint-sdk.js`)}"></script>`;
        return reply.type('text/html; charset=utf-8').send(html.replace('</head>', `${sdk}</head>`));
      });
    }

    await app.register(async (api) => {
      api.removeAllContentTypeParsers();
      api.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
        try {
          done(null, body === '' ? {} : JSON.parse(String(body)));
        } catch {
          done(Object.assign(new Error('The body is not valid JSON'), { statusCode: 400 }), undefined);
        }
      });
      api.addHook('onRequest', (request, reply) => authenticate(deps, request, reply));
      api.addHook('onSend', async (_request, reply) => {
        reply.header('cache-control', 'no-store');
      });

      api.get('/hint/app/api/session', async (request): Promise<SessionView> => {
        const { session, permissions } = request.hintApp!;
        return {
          user: { name: session.user.name, partnerRoles: session.user.partnerRoles },
          roles: tandemRolesOf(session.user.partnerRoles),
          permissions,
          expiresAt: session.expiresAt,
        };
      });

      api.get<{ Params: { hintPatientId: string } }>(
        '/hint/app/api/patients/:hintPatientId',
        { preHandler: need('view') },
        async (request, reply) => {
          const id = hintIdOf(request, reply);
          if (id) return panelFor(deps, request.hintApp!.session, id);
        },
      );

      api.post<{ Params: { hintPatientId: string } }>(
        '/hint/app/api/patients/:hintPatientId/link',
        { preHandler: need('link') },
        async (request, reply) => {
          const id = hintIdOf(request, reply);
          if (id) return linkNow(deps, request.hintApp!.session, id);
        },
      );

      api.post<{ Params: { hintPatientId: string } }>(
        '/hint/app/api/patients/:hintPatientId/retry',
        { preHandler: need('retry') },
        async (request, reply) => {
          const id = hintIdOf(request, reply);
          if (id) return retryLink(deps, request.hintApp!.session, id);
        },
      );

      api.get<{ Params: { interactionId: string } }>(
        '/hint/app/api/interactions/:interactionId',
        { preHandler: need('view') },
        async (request, reply) => {
          const id = request.params.interactionId;
          if (!HINT_ID.test(id)) return problem(reply, 400, 'interactionId is not a Hint interaction id');
          return interactionPanel(deps, request.hintApp!.session, id);
        },
      );

      api.get('/hint/app/api/settings', { preHandler: need('settings') }, async (request) =>
        settingsView(deps, request.hintApp!.session),
      );

      api.patch('/hint/app/api/settings', { preHandler: need('settings') }, async (request) =>
        updateAppSettings(deps, request.hintApp!.session, request.body),
      );
    });
  };
}
