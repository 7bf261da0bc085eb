// GET /api/docs (a browsable reference page) and /api/docs/openapi.json.
import type { FastifyInstance } from 'fastify';
import { buildOpenApi } from '../openapi.ts';

const escape = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function renderSchema(schema: Record<string, unknown> | undefined): string {
  const props = (schema?.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((schema?.required ?? []) as string[]);
  const rows = Object.entries(props).map(
    ([name, p]) =>
      `<tr><td><code>${escape(name)}</code>${required.has(name) ? ' *' : ''}</td><td>${escape(String(p.type ?? (p.anyOf ? 'one of' : p.$ref ? 'object' : '')))}${p.format ? ` (${escape(String(p.format))})` : ''}${p.enum ? `: ${escape((p.enum as string[]).join(' | '))}` : ''}</td></tr>`,
  );
  return rows.length ? `<table><tr><th>field</th><th>type</th></tr>${rows.join('')}</table>` : '';
}

export function renderReference(doc: Record<string, unknown>): string {
  const schemas = (doc.components as { schemas: Record<string, Record<string, unknown>> }).schemas;
  const ops = Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>).flatMap(
    ([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        const ref = (
          (op.requestBody as { content?: { 'application/json'?: { schema?: { $ref?: string } } } } | undefined)
            ?.content?.['application/json']?.schema?.$ref ?? ''
        )
          .split('/')
          .pop();
        return `<section><h3><span class="m">${method.toUpperCase()}</span> <code>${escape(path)}</code></h3><p>${escape(String(op.summary ?? ''))}</p>${ref ? renderSchema(schemas[ref]) : ''}</section>`;
      }),
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tandem API reference</title>
<style>body{font:15px system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2433}h3{margin:.2rem 0}.m{display:inline-block;min-width:4.5rem;color:#fff;background:#3558a8;border-radius:4px;padding:0 .4rem;font-size:13px}section{border-bottom:1px solid #dde;padding:.7rem 0}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #dde;padding:2px 8px;text-align:left}</style></head>
<body><h1>Tandem API reference</h1><p>${escape(String((doc.info as { description: string }).description))} Machine-readable: <a href="/api/docs/openapi.json">openapi.json</a>. Fields marked * are required.</p>${ops.join('\n')}</body></html>`;
}

export async function docsRoutes(app: FastifyInstance): Promise<void> {
  const doc = buildOpenApi();
  const page = renderReference(doc);
  app.get('/api/docs/openapi.json', async () => doc);
  app.get('/api/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
}
