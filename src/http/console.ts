// Serves the built console (dist/web) at `/`: hashed assets cached forever, index.html never
// cached, and every other GET that is not an API, webhook, Hint or health path answered with
// index.html so a reloaded or bookmarked page (`/patients/<id>`) opens in the app.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Paths the console must never swallow: their unknown URLs stay JSON 404s. */
export const SERVER_PATHS = ['/api', '/webhooks', '/hint', '/health', '/connect', '/assets'];

function isServerPath(url: string): boolean {
  return SERVER_PATHS.some((p) => url === p || url.startsWith(`${p}/`) || url.startsWith(`${p}?`));
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Tandem</title>
<p>The console has not been built. Run <code>npm install</code> (or <code>npx vite build</code>) and reload.</p>`;

export async function consoleRoutes(app: FastifyInstance, options: { dir: string }): Promise<void> {
  await app.register(fastifyStatic, {
    root: path.join(options.dir, 'assets'),
    prefix: '/assets/',
    // File names carry a content hash: a changed file is a new URL.
    immutable: true,
    maxAge: '365d',
    index: false,
    decorateReply: false,
  });

  app.get('/*', async (request, reply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    // Unknown API paths keep their JSON 404; a missing file (favicon.ico) is a 404, not the app.
    if (isServerPath(pathname) || /\.[a-z0-9]+$/i.test(pathname)) return reply.callNotFound();
    const html = await readFile(path.join(options.dir, 'index.html'), 'utf8').catch(() => undefined);
    reply.header('cache-control', 'no-cache');
    if (html === undefined) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    return reply.type('text/html; charset=utf-8').send(html);
  });
}
