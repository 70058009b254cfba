import type { FastifyInstance } from 'fastify';
import { Layout, renderPage } from './layout.js';
import { pageCtx } from './pages.js';

type Op = { summary?: string; description?: string; tags?: string[]; parameters?: { name: string; in: string; required?: boolean; description?: string }[]; requestBody?: unknown };

/** A browsable page rendered from /openapi.json on the server: no script needed to read the API. */
export async function apiDocsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/docs/api', { schema: { hide: true } }, async (req, reply) => {
    const ctx = pageCtx(req);
    const spec = app.swagger() as { info: { title: string; description?: string }; paths: Record<string, Record<string, Op>> };
    const title = ctx.lang === 'en' ? 'API documentation' : 'Документация на API';
    reply.type('text/html; charset=utf-8').send(
      renderPage(
        <Layout ctx={ctx} title={title}>
          <h1>{title}</h1>
          <p>{spec.info.description}</p>
          <p>
            OpenAPI 3: <a href="/openapi.json">/openapi.json</a>
          </p>
          {Object.entries(spec.paths).map(([path, methods]) =>
            Object.entries(methods).map(([method, op]) => (
              <section class="card api-op">
                <h2>
                  <code>
                    {method.toUpperCase()} {path}
                  </code>
                </h2>
                {op.summary && <p>{op.summary}</p>}
                {op.description && <p class="hint">{op.description}</p>}
                {op.parameters && op.parameters.length > 0 && (
                  <ul>
                    {op.parameters.map((p) => (
                      <li>
                        <code>{p.name}</code> ({p.in}
                        {p.required ? ', required' : ''}){p.description ? ` – ${p.description}` : ''}
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            )),
          )}
        </Layout>,
      ),
    );
  });
}
