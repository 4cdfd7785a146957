import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { matchPage } from '../ui/paths.ts';

/** Where `npm install` (the `prepare` script: `vite build`) puts the built workspace UI. */
export const UI_DIST = resolve(fileURLToPath(new URL('../../../dist/ui', import.meta.url)));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

type UiFile = { type: string; body: Buffer };

/** The built UI in memory, by URL path: only these bytes are ever served, so no request reaches another file. */
export function loadUiBundle(dir = UI_DIST): Map<string, UiFile> | null {
  if (!existsSync(join(dir, 'index.html'))) return null;
  const files = new Map<string, UiFile>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else
        files.set(`/${relative(dir, path).split(sep).join('/')}`, {
          type: TYPES[extname(entry.name)] ?? 'application/octet-stream',
          body: readFileSync(path),
        });
    }
  };
  walk(dir);
  return files;
}

/**
 * Serves the UI: its assets by exact path, and its single page for every path the UI's router knows (the page
 * then signs in or shows the path's content through the JSON API). Anything else is left to the 404 handler.
 */
export function serveUi(app: FastifyInstance, files: Map<string, UiFile> | null): void {
  const page = (reply: FastifyReply, status = 200) => {
    if (!files)
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The workspace UI is not built: run `npm run build` (npm install does it), then restart.');
    return reply
      .status(status)
      .type(files.get('/index.html')!.type)
      .header('content-security-policy', CSP)
      .header('cache-control', 'no-cache')
      .send(files.get('/index.html')!.body);
  };
  for (const [path, file] of files ?? [])
    if (path !== '/index.html')
      app.get(path, (_req, reply) =>
        reply.type(file.type).header('cache-control', 'public, max-age=31536000, immutable').send(file.body),
      );
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    if (req.method === 'GET' && !path.startsWith('/api/') && (files || matchPage(path)))
      return page(reply, matchPage(path) ? 200 : 404);
    return reply.status(404).send({ error: 'not found' });
  });
}
