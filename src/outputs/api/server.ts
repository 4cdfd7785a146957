import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { Rulebook } from '../../engine/rulebook/rulebook.ts';
import { verifyLedger } from '../../store/ledger.ts';
import type { Store } from '../../store/store.ts';
import { auditBundle } from '../../usecases/audit-bundle.ts';
import { caseChangeSchema, casesOf, changeCase, commentCase } from '../../usecases/cases.ts';
import { explainFigure } from '../../usecases/explain.ts';
import { addUser, authenticate, login, logout, newUserSchema, type Principal } from '../../usecases/users.ts';
import { HttpError, input, requireRole, sendError, WriteLock } from './http.ts';
import {
  bundleBody,
  commentBody,
  figureQuery,
  findingsQuery,
  idParams,
  loginBody,
  revenueQuery,
  rulesQuery,
} from './requests.ts';
import {
  findingDetailResponse,
  findingListResponse,
  flowsResponse,
  principalResponse,
  revenueResponse,
  verificationResponse,
} from './responses.ts';
import { answer, openapi, type Route, route } from './route.ts';
import { loadUiBundle, serveUi } from './ui-bundle.ts';
import {
  accountDetail,
  findingDetail,
  latestOrEmpty,
  listFindings,
  mustExist,
  Workspace,
} from './workspace.ts';

export const SESSION_COOKIE = 'daylight_session';

export interface ServerOptions {
  /** Where `POST /api/audit` writes its files. */
  outDir?: string;
  /** The built UI's folder (default: dist/ui of this install). */
  uiDir?: string;
}

/** The workspace: a JSON API (every route authenticated and role-checked) and the UI built at install time. */
export async function buildServer(store: Store, options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 1 << 20 });
  await app.register(cookie);
  const ws = new Workspace(store);
  const lock = new WriteLock();
  const rulebook = Rulebook.load();

  app.decorateRequest('principal', null);
  // Who a credential belongs to, remembered briefly so a burst of requests does not query the store each time.
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
  app.addHook('onSend', async (req) => {
    if (req.url === '/api/logout') recent.clear();
  });
  app.setErrorHandler((e, _req, reply) => sendError(reply, e));
  serveUi(app, loadUiBundle(options.uiDir));

  const routes: Route[] = [
    route({
      method: 'POST',
      url: '/api/login',
      role: null,
      summary: 'Sign in; sets a secure, HttpOnly, SameSite session cookie',
      body: loginBody,
      handler: async (_req, reply, { body }) => {
        const session = await login(store, body.name, body.password);
        if (!session) throw new HttpError(401, 'wrong name or password');
        reply.setCookie(SESSION_COOKIE, session, {
          httpOnly: true,
          secure: true,
          sameSite: 'strict',
          path: '/',
          maxAge: 12 * 3600,
        });
        return { ok: true };
      },
    }),
    route({
      method: 'POST',
      url: '/api/logout',
      role: 'viewer',
      summary: 'Sign out',
      handler: async (req, reply) => {
        const session = req.cookies[SESSION_COOKIE];
        if (session) await logout(store, session);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return { ok: true };
      },
    }),
    route({
      method: 'GET',
      url: '/api/me',
      role: 'viewer',
      summary: 'Who is signed in',
      response: principalResponse,
      handler: async (req) => req.principal,
    }),
    route({
      method: 'GET',
      url: '/api/openapi.json',
      role: 'viewer',
      summary: 'This document',
      handler: async () => openapi(routes, SESSION_COOKIE),
    }),
    route({
      method: 'GET',
      url: '/api/snapshots',
      role: 'viewer',
      summary: 'Ingested bundles',
      handler: async () => (await store.snapshots()).map(({ meta: _, ...s }) => s),
    }),
    route({
      method: 'GET',
      url: '/api/runs',
      role: 'viewer',
      summary: 'Audit runs',
      handler: async () =>
        (
          await store.db.runAndReadAll(
            "SELECT run_id, snapshot_id, strftime(started_at, '%Y-%m-%dT%H:%M:%SZ') AS started_at, rulebook_version, findings_digest, finding_count::INTEGER AS finding_count FROM audit_runs ORDER BY started_at DESC",
          )
        ).getRowObjectsJson(),
    }),
    route({
      method: 'GET',
      url: '/api/findings',
      role: 'viewer',
      summary: 'Findings of the newest run with their cases: filters, counts, paging and sorting',
      query: findingsQuery,
      response: findingListResponse,
      handler: async (_req, _reply, { query }) => listFindings(ws, query),
    }),
    route({
      method: 'GET',
      url: '/api/findings/:id',
      role: 'viewer',
      summary: 'One finding: its evidence resolved to the bundle rows it cites, its case and comments',
      params: idParams,
      response: findingDetailResponse,
      handler: async (_req, _reply, { params }) => findingDetail(ws, params.id),
    }),
    route({
      method: 'GET',
      url: '/api/cases',
      role: 'viewer',
      summary:
        'Cases of the newest run, and cases whose finding disappeared from it (triage is kept by stable id)',
      handler: async () =>
        (await casesOf(store, (await latestOrEmpty(ws)).findings)).map(({ finding, ...c }) => ({
          ...c,
          code: finding?.code ?? null,
        })),
    }),
    route({
      method: 'PATCH',
      url: '/api/findings/:id/case',
      role: 'analyst',
      summary: 'Change the case: status, resolution, snooze date, assignee, with the reason',
      params: idParams,
      body: caseChangeSchema,
      write: true,
      handler: async (req, _reply, { params, body }) => {
        await mustExist(ws, params.id);
        return changeCase(store, params.id, body, req.principal!.name);
      },
    }),
    route({
      method: 'POST',
      url: '/api/findings/:id/comments',
      role: 'analyst',
      summary: 'Comment on a finding',
      params: idParams,
      body: commentBody,
      write: true,
      handler: async (req, _reply, { params, body }) => {
        await mustExist(ws, params.id);
        await commentCase(store, params.id, body.text, req.principal!.name);
        return { ok: true };
      },
    }),
    route({
      method: 'GET',
      url: '/api/accounts/:id',
      role: 'viewer',
      summary: 'An account with its timelines, findings and revenue by month',
      params: idParams,
      handler: async (_req, _reply, { params }) => accountDetail(ws, params.id),
    }),
    route({
      method: 'GET',
      url: '/api/revenue',
      role: 'viewer',
      summary: 'Revenue by basis, period and region (the newest run)',
      query: revenueQuery,
      response: revenueResponse,
      handler: async (_req, _reply, { query }) => {
        const run = await latestOrEmpty(ws);
        return (await store.runOutput(run.runId, 'revenue')).filter(
          (r) =>
            (!query.basis || r.basis === query.basis) &&
            (!query.period || r.period === query.period) &&
            (!query.region || r.region_id === query.region),
        );
      },
    }),
    route({
      method: 'GET',
      url: '/api/revenue/rows',
      role: 'viewer',
      summary: 'The invoice rows behind one figure, each with its lineage',
      query: figureQuery,
      handler: async (_req, _reply, { query }) =>
        explainFigure(store, (await latestOrEmpty(ws)).snapshotId, query.basis, query.period, query.region),
    }),
    route({
      method: 'GET',
      url: '/api/revenue/flows',
      role: 'viewer',
      summary: 'Revenue from booked region to the HQ country of the accounts (the Sankey of the newest run)',
      response: flowsResponse,
      handler: async () => store.runOutput((await latestOrEmpty(ws)).runId, 'sankey'),
    }),
    route({
      method: 'GET',
      url: '/api/reconciliation',
      role: 'viewer',
      summary: 'Reported against computed revenue',
      handler: async () => store.runOutput((await latestOrEmpty(ws)).runId, 'reconciliation'),
    }),
    route({
      method: 'GET',
      url: '/api/rules',
      role: 'viewer',
      summary: 'The rulebook in force at a date',
      query: rulesQuery,
      handler: async (_req, _reply, { query }) =>
        rulebook
          .inForce(query.at ?? new Date().toISOString().slice(0, 10), { jurisdiction: query.jurisdiction })
          .map(({ instrumentInfo, ...r }) => ({ ...r, instrument: instrumentInfo })),
    }),
    route({
      method: 'GET',
      url: '/api/ledger',
      role: 'viewer',
      summary: 'The ledger, newest first',
      handler: async () => (await store.ledger.entries()).reverse(),
    }),
    route({
      method: 'GET',
      url: '/api/ledger/verify',
      role: 'viewer',
      summary: 'Recompute the ledger chain',
      response: verificationResponse,
      handler: async () => verifyLedger(store.db),
    }),
    route({
      method: 'POST',
      url: '/api/users',
      role: 'admin',
      summary: 'Add a user',
      body: newUserSchema,
      write: true,
      handler: async (req, _reply, { body }) => addUser(store, body, req.principal!.name),
    }),
    route({
      method: 'POST',
      url: '/api/audit',
      role: 'admin',
      summary: 'Ingest a bundle folder on this machine (if needed) and audit it',
      body: bundleBody,
      write: true,
      handler: async (_req, _reply, { body }) => {
        const run = await auditBundle(store, body.bundle_dir, {
          outDir: options.outDir ?? `${store.path}.out`,
        });
        return { run_id: run.runId, snapshot_id: run.snapshotId, findings: run.result.findings.length };
      },
    }),
  ];

  for (const route of routes)
    app.route({
      method: route.method,
      url: route.url,
      handler: async (req, reply) => {
        if (route.role) requireRole(req, route.role);
        const args = {
          params: route.params ? input(route.params, req.params) : {},
          query: route.query ? input(route.query, req.query) : {},
          body: route.body ? input(route.body, req.body) : {},
        };
        const run = () => route.handler(req, reply, args);
        const result = await (route.write ? lock.run(run).finally(() => ws.changed()) : run());
        return route.response ? answer(route.response, result, route.url) : result;
      },
    });

  return app;
}
