import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';

export interface UiOptions {
  /** The built web app (`vite build` output). Default: dashboards/web/dist of this checkout. */
  root?: string;
}

export const DEFAULT_UI_ROOT = fileURLToPath(
  new URL('../../dashboards/web/dist/', import.meta.url),
);

/**
 * The web UI at `/`: the static build of dashboards/web. Hashed assets are cached for a year
 * (their names change with their content); index.html is revalidated on every load so a new
 * build shows at once. Unknown paths fall through to the API's JSON 404. Without a build, `/`
 * explains how to make one instead of answering a bare 404.
 *
 * Register at the root, outside the `/v1` auth scope: the page itself holds no data; it asks
 * the API with the user's key.
 */
export function uiRoutes(options: UiOptions = {}): FastifyPluginAsync {
  const root = options.root ?? DEFAULT_UI_ROOT;
  return async (app) => {
    if (!existsSync(join(root, 'index.html'))) {
      const page = missingBuildPage();
      const send = (_req: unknown, reply: FastifyReply): FastifyReply =>
        reply
          .status(503)
          .header('cache-control', 'no-store')
          .type('text/html; charset=utf-8')
          .send(page);
      app.get('/', send);
      app.get('/index.html', send);
      return;
    }
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      index: ['index.html'],
      cacheControl: false,
      etag: true,
      lastModified: true,
      setHeaders(reply, path) {
        const immutable = /[\\/]assets[\\/]/.test(path);
        reply.header(
          'cache-control',
          immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
        reply.header('x-content-type-options', 'nosniff');
        reply.header('referrer-policy', 'no-referrer');
      },
    });
  };
}

function missingBuildPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>earshot: web UI not built</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#1a1f2e}
@media (prefers-color-scheme:dark){body{background:#0e1219;color:#e7eaf1}a{color:#7d9bff}}code{background:rgba(127,127,127,.15);padding:.1rem .3rem;border-radius:4px}</style>
</head><body>
<h1>The web UI is not built yet</h1>
<p>The API is running, but <code>dashboards/web/dist</code> is missing. Build the UI once and reload this page:</p>
<pre><code>npm run build:ui</code></pre>
<p>(<code>npm ci</code> and <code>npm install</code> do this for you.) Meanwhile the API answers at
<a href="/v1/brands"><code>/v1/brands</code></a>; its reference is at <a href="/docs"><code>/docs</code></a>.</p>
</body></html>
`;
}
