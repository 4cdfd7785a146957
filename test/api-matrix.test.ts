import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { proposalSchema } from '../src/contract/decision.ts';
import type { Role } from '../src/contract/names.ts';
import { Store } from '../src/store/store.ts';
import { auditBundle } from '../src/usecases/audit-bundle.ts';
import { DecisionGate } from '../src/usecases/decisions.ts';
import { shippedRules } from '../src/usecases/rules.ts';
import { addEndpoint } from '../src/usecases/webhooks.ts';
import { buildServer, routeTable } from '../src/workspace/api/server.ts';
import { SignInThrottle } from '../src/workspace/api/throttle.ts';
import { addUser, createToken, revokeToken, setDisabled } from '../src/workspace/usecases/users.ts';
import { Workspace } from '../src/workspace/usecases/views.ts';
import { sampleS, tempDir } from './support/bundles.ts';

const PASSWORD = 'correct horse battery';
const ROLES: Role[] = ['decider', 'viewer', 'analyst', 'admin'];
const RANK: Record<Role, number> = { decider: 0, viewer: 1, analyst: 2, admin: 3 };
/** A decider is an integration's account: tokens only. */
const SESSION_ROLES = ROLES.filter((r) => r !== 'decider');

let app: FastifyInstance;
let gate: DecisionGate;
const proposal = (account_id: string) =>
  proposalSchema.parse({
    kind: 'transfer',
    account_id,
    by: 'BJ-001',
    at: '2023-01-02',
    to_team_id: 'T-BJ',
    to_owner_staff_id: 'BJ-002',
  });
let store: Store;
let findingId = '';
let accountId = '';
let decisionId = '';
const endpoints: string[] = [];
const spareTokens: string[] = [];
const headers: Record<string, Record<string, string>> = {};

async function sessionOf(name: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/login', payload: { name, password: PASSWORD } });
  expect(res.statusCode, res.body).toBe(200);
  return String(res.headers['set-cookie']).split(';')[0]!;
}

beforeAll(async () => {
  const root = tempDir('daylight-matrix-');
  store = await Store.open(join(root, 'd.duckdb'));
  const run = await auditBundle(store, await sampleS(), { outDir: join(root, 'out') });
  const medium = run.result.findings.find((f) => f.severity === 'medium' && f.account_id)!;
  findingId = medium.id;
  accountId = medium.account_id!;
  for (const role of ROLES) {
    await addUser(store, { name: role, role, password: PASSWORD }, 'test');
    headers[`token ${role}`] = {
      authorization: `Bearer ${(await createToken(store, role, 'matrix', 'test')).token}`,
    };
  }
  for (const name of ['target-1', 'target-2', 'target-3', 'target-4', 'gone'])
    await addUser(store, { name, role: 'viewer', password: PASSWORD }, 'test');
  for (let i = 0; i < 2; i++)
    spareTokens.push((await createToken(store, 'target-1', `spare ${i}`, 'test')).id);
  const revoked = await createToken(store, 'viewer', 'revoked', 'test');
  await revokeToken(store, revoked.id, 'test');
  const disabled = await createToken(store, 'gone', 'of a disabled user', 'test');
  await setDisabled(store, 'gone', true, 'left the team', 'test');
  for (let i = 0; i < 2; i++)
    endpoints.push(
      (await addEndpoint(store, { url: `http://127.0.0.1:9/hook-${i}`, events: ['decision.made'] }, 'test'))
        .endpoint.id,
    );
  app = await buildServer(store, { outDir: join(root, 'api-out'), webhooks: false });
  gate = new DecisionGate(store);
  for (const role of SESSION_ROLES) headers[`session ${role}`] = { cookie: await sessionOf(role) };
  decisionId = (await gate.decide(proposal(accountId), 'test')).id;
  const ended = await sessionOf('viewer');
  await app.inject({ method: 'POST', url: '/api/logout', headers: { cookie: ended } });
  headers['revoked token'] = { authorization: `Bearer ${revoked.token}` };
  headers["disabled user's token"] = { authorization: `Bearer ${disabled.token}` };
  headers['ended session'] = { cookie: ended };
  headers['made-up token'] = { authorization: 'Bearer dl_not-a-token' };
});
afterAll(async () => {
  await app.close();
  store.close();
});

/** One call per allowed credential (n counts them), so writes can take a fresh target each time. */
interface Example {
  url?: (n: number) => string;
  payload?: (n: number) => unknown | Promise<unknown>;
  /** The status an allowed caller gets (default: any 2xx). */
  status?: number;
}

describe('route × role × credential, from the route table', () => {
  it('answers 401 without a valid credential, 403 below the role, and serves every role at or above it', async () => {
    const { rulebook } = shippedRules();
    const table = routeTable({
      store,
      ws: new Workspace(store, rulebook),
      rulebook,
      options: {},
      throttle: new SignInThrottle(),
      gate,
    });
    const targets = ['target-1', 'target-2', 'target-3', 'target-4'];
    const examples: Record<string, Example> = {
      'PATCH /api/findings/:id/case': {
        payload: (n) => ({ status: n % 2 === 0 ? 'investigating' : 'open', why: 'matrix test' }),
      },
      'POST /api/findings/:id/case/approve': { payload: () => ({ why: 'matrix test' }), status: 409 },
      'POST /api/findings/:id/case/reject': { payload: () => ({ why: 'matrix test' }), status: 409 },
      'POST /api/findings/:id/comments': { payload: () => ({ text: 'matrix' }) },
      'GET /api/accounts/:id': { url: () => `/api/accounts/${accountId}` },
      'GET /api/revenue/rows': {
        url: () => '/api/revenue/rows?basis=billing-postal&period=2022-06&region=CN-WEST&page_size=5',
      },
      'GET /api/rules': { url: () => '/api/rules?at=2022-01-01' },
      'POST /api/users': { payload: (n) => ({ name: `new-user-${n}`, role: 'viewer', password: PASSWORD }) },
      'PATCH /api/users/:name/role': {
        url: (n) => `/api/users/${targets[n]}/role`,
        payload: () => ({ role: 'analyst', why: 'matrix test' }),
      },
      'POST /api/users/:name/password': {
        url: (n) => `/api/users/${targets[n]}/password`,
        payload: () => ({ password: 'another long passphrase 7' }),
      },
      'POST /api/users/:name/disable': {
        url: (n) => `/api/users/${targets[n]}/disable`,
        payload: () => ({ why: 'test' }),
      },
      'POST /api/users/:name/enable': {
        url: (n) => `/api/users/${targets[n]}/enable`,
        payload: () => ({ why: 'test' }),
      },
      'POST /api/users/:name/tokens': {
        url: () => '/api/users/target-1/tokens',
        payload: () => ({ label: 'x', days: 7 }),
      },
      'DELETE /api/tokens/:id': { url: (n) => `/api/tokens/${spareTokens[n]}` },
      'POST /api/audit': { payload: async () => ({ bundle_dir: await sampleS() }) },
      'POST /api/logout': {},
      'POST /api/decisions': { payload: () => proposal(accountId) },
      'GET /api/decisions/:id': { url: () => `/api/decisions/${decisionId}` },
      'POST /api/webhooks': { payload: () => ({ url: 'http://127.0.0.1:9/new', events: ['case.changed'] }) },
      'POST /api/webhooks/:id/disable': { url: (n) => `/api/webhooks/${endpoints[n]}/disable` },
      'POST /api/webhooks/:id/enable': { url: (n) => `/api/webhooks/${endpoints[n]}/enable` },
    };
    const invalid = ['none', 'revoked token', "disabled user's token", 'ended session', 'made-up token'];
    const checked: string[] = [];
    for (const r of table) {
      if (r.role === null) continue;
      const name = `${r.method} ${r.url}`;
      const example = examples[name] ?? {};
      expect(
        r.url.includes(':') && !example.url && !r.url.includes('/findings/:id'),
        `${name}: add an example`,
      ).toBe(false);
      const urlOf = (n: number) => example.url?.(n) ?? r.url.replace(':id', findingId);
      let n = 0;
      const call = async (credential: string) =>
        app.inject({
          method: r.method,
          url: urlOf(n),
          headers: credential === 'none' ? {} : headers[credential],
          payload:
            r.method === 'GET' || r.method === 'DELETE'
              ? undefined
              : ((await example.payload?.(n)) as object),
        });
      for (const credential of invalid)
        expect((await call(credential)).statusCode, `${name} with ${credential}`).toBe(401);
      for (const kind of ['token', 'session'] as const)
        for (const role of kind === 'token' ? ROLES : SESSION_ROLES) {
          // Signing out ends the session it is called with: each sign-out gets a session of its own.
          const credential =
            name === 'POST /api/logout' && kind === 'session' ? await freshSession(role) : `${kind} ${role}`;
          const res = await call(credential);
          if (RANK[role] < RANK[r.role]) expect(res.statusCode, `${name} as ${kind} ${role}`).toBe(403);
          else {
            if (example.status)
              expect(res.statusCode, `${name} as ${kind} ${role}: ${res.body}`).toBe(example.status);
            else expect(res.statusCode, `${name} as ${kind} ${role}: ${res.body}`).toBeLessThan(300);
            n++;
          }
        }
      checked.push(name);
    }
    expect(checked).toHaveLength(table.filter((r) => r.role !== null).length);
    expect(table.length).toBeGreaterThanOrEqual(30);
  });

  it('answers 401 to a token past its expiry', async () => {
    const { token } = await createToken(store, 'viewer', 'short-lived', 'test', 1);
    const asViewer = () =>
      app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });
    expect((await asViewer()).statusCode).toBe(200);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 2 * 86_400_000);
    try {
      expect((await asViewer()).statusCode).toBe(401);
    } finally {
      vi.useRealTimers();
    }
  });
});

let sessions = 0;
async function freshSession(role: Role): Promise<string> {
  const key = `fresh session ${role} ${sessions++}`;
  headers[key] = { cookie: await sessionOf(role) };
  return key;
}
