// Public route: the web-server flow's redirect back from Salesforce. The state names the
// connection (and holds the PKCE verifier); the code is exchanged at once and the admin lands
// on the connection's page, which shows the verification. A refusal is shown in words.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ValidationError } from '../../core/errors.ts';
import { CALLBACK_PATH, finishWebFlow } from './activation.ts';
import type { CaptureManager } from './capture.ts';
import type { SalesforceDeps } from './connection.ts';
import { takeOauthState } from './store.ts';

const callbackQuery = z
  .object({
    code: z.string().max(2000).optional(),
    state: z.string().max(200).optional(),
    error: z.string().max(200).optional(),
    error_description: z.string().max(2000).optional(),
  })
  .loose();

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title: string, text: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>` +
  `<body style="font-family:system-ui;max-width:40rem;margin:3rem auto"><h1>${escape(title)}</h1><p>${escape(text)}</p>` +
  `<p><a href="/connections">Back to connections</a></p></body></html>`;

export function publicRoutes(deps: SalesforceDeps, capture: CaptureManager) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(CALLBACK_PATH, async (request, reply) => {
      const q = callbackQuery.safeParse(request.query ?? {});
      const query = q.success ? q.data : {};
      if (query.error || !query.code || !query.state) {
        // Denied in Salesforce (or a bare visit): the state, if any, is used up.
        if (query.state) await takeOauthState(deps.db, query.state);
        const why = query.error
          ? `Salesforce answered ${query.error}${query.error_description ? `: ${query.error_description}` : ''}.`
          : 'This page is where Salesforce sends you back after you allow access; it needs the code and state Salesforce adds.';
        return reply
          .code(400)
          .type('text/html')
          .send(page('Salesforce was not connected', `${why} Start connecting again from the console.`));
      }
      try {
        const { connection } = await finishWebFlow(deps, capture, query.state, query.code);
        return reply.redirect(`/connections/${connection.id}?connected=1`, 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        const detail = e.details.map((d) => `${d.field} ${d.message}`).join('; ');
        return reply
          .code(400)
          .type('text/html')
          .send(page('Salesforce was not connected', `${e.message}: ${detail}.`));
      }
    });
  };
}
