import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Principal } from '../../contract/workspace.ts';
import type { Store } from '../../store/store.ts';
import { DecisionGate } from '../../usecases/decisions.ts';
import { shippedRules } from '../../usecases/rules.ts';
import { WebhookDispatcher } from '../../usecases/webhooks.ts';
import { authenticate } from '../usecases/users.ts';
import { Workspace } from '../usecases/views.ts';
import { type ApiContext, SESSION_COOKIE, type ServerOptions } from './context.ts';
import { input, requireRole, sendError, WriteLock } from './http.ts';
import { answer, openapi, type Route, route } from './route.ts';
import { adminRoutes } from './routes/admin.ts';
import { decisionRoutes } from './routes/decisions.ts';
import { findingRoutes } from './routes/findings.ts';
import { recordRoutes } from './routes/records.ts';
import { revenueRoutes } from './routes/revenue.ts';
import { sessionRoutes } from './routes/session.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { SignInThrottle } from './throttle.ts';
import { loadUiBundle, serveUi } from './ui-bundle.ts';

export { SESSION_COOKIE, type ServerOptions };

/** Every route of the API, by area: the one table that serving, OpenAPI and the role tests read. */
export function routeTable(ctx: ApiContext): Route[] {
  const routes: Route[] = [
    ...sessionRoutes(ctx),
    ...findingRoutes(ctx),
    ...revenueRoutes(ctx),
    ...recordRoutes(ctx),
    ...adminRoutes(ctx),
    ...decisionRoutes(ctx),
    ...webhookRoutes(ctx),
  ];
  routes.push(
    route({
      method: 'GET',
      url: '/api/openapi.json',
      role: 'viewer',
      summary: 'This document',
      handler: async () => openapi(routes, SESSION_COOKIE),
    }),
  );
  return routes;
}

/**
 * Who a credential belongs to, remembered briefly so a burst of requests does not query the store each time. The
 * memory is dropped after every write (sign-out, a role, a disabled user, a revoked token take effect at once).
 */
function authentication(app: FastifyInstance, store: Store): { forget: () => void } {
  app.decorateRequest('principal', null);
  const recent = new Map<string, { principal: Principal | null; until: number }>();
  app.addHook('preHandler', async (req) => {
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const session = req.cookies[SESSION_COOKIE];
    const key = `${token ?? ''}\u0000${session ?? ''}`;
    const hit = recent.get(key);
    if (hit && hit.until > Date.now()) {
      req.principal = hit.principal;
      return;
    }
    req.principal = await authenticate(store, { token, session });
    if (recent.size > 10_000) recent.clear();
    recent.set(key, { principal: req.principal, until: Date.now() + 5_000 });
  });
  return { forget: () => recent.clear() };
}

/** Headers on every answer: no sniffing, no referrer; API answers are never cached. */
function securityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
  });
}

/** The workspace: a JSON API (every route authenticated and role-checked) and the UI built at install time. */
export async function buildServer(store: Store, options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 1 << 20 });
  await app.register(cookie);
  const { rulebook } = shippedRules();
  const ws = new Workspace(store, rulebook);
  const lock = new WriteLock();
  const auth = authentication(app, store);
  securityHeaders(app);
  app.setErrorHandler((e, _req, reply) => sendError(reply, e));
  serveUi(app, loadUiBundle(options.uiDir));
  const changed = () => {
    ws.changed();
    auth.forget();
  };

  // Decisions are journaled beside a store on disk and answered once synced there (see DecisionGate).
  const gate = new DecisionGate(store, {
    serialise: (work) => lock.run(work),
    journal: store.path === ':memory:' ? undefined : `${store.path}.decisions-journal`,
  });
  await gate.open();
  const dispatcher =
    options.webhooks === false
      ? null
      : new WebhookDispatcher(store, { ...options.webhooks, serialise: (work) => lock.run(work) });
  dispatcher?.start();
  app.addHook('onClose', async () => {
    await dispatcher?.stop();
    await gate.close();
  });
  for (const r of routeTable({ store, ws, rulebook, options, throttle: new SignInThrottle(), gate }))
    app.route({
      method: r.method,
      url: r.url,
      handler: async (req, reply) => {
        if (r.role) requireRole(req, r.role);
        const args = {
          params: r.params ? input(r.params, req.params) : {},
          query: r.query ? input(r.query, req.query) : {},
          body: r.body ? input(r.body, req.body) : {},
        };
        const run = () => r.handler(req, reply, args);
        const result = await (r.write ? lock.run(run).finally(changed) : run());
        return r.response ? answer(r.response, result, r.url) : result;
      },
    });
  return app;
}
