import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.ts';
import { auditBundle } from '../src/usecases/audit-bundle.ts';
import { buildServer } from '../src/workspace/api/server.ts';
import { loadUiBundle } from '../src/workspace/api/ui-bundle.ts';
import { addUser, createToken } from '../src/workspace/usecases/users.ts';
import { sampleS, tempDir } from './support/bundles.ts';

const PASSWORD = 'correct horse battery';
let app: FastifyInstance;
let store: Store;
const tokens: Record<string, string> = {};
let findingId = '';
let accountId = '';

beforeAll(async () => {
  const root = tempDir('daylight-api-');
  store = await Store.open(join(root, 'd.duckdb'));
  const run = await auditBundle(store, await sampleS(), { outDir: join(root, 'out') });
  findingId = run.result.findings.find((f) => f.code === 'prohibited-activity')!.id;
  accountId = run.result.findings.find((f) => f.code === 'prohibited-activity')!.account_id!;
  for (const role of ['viewer', 'analyst', 'admin'] as const) {
    await addUser(store, { name: role, role, password: PASSWORD }, 'test');
    tokens[role] = (await createToken(store, role, 'test', 'test')).token;
  }
  app = await buildServer(store, { outDir: join(root, 'api-out') });
});
afterAll(async () => {
  await app.close();
  store.close();
});

const call = (method: string, url: string, who?: string, payload?: unknown) =>
  app.inject({
    method: method as 'GET',
    url,
    payload: payload as object,
    headers: who ? { authorization: `Bearer ${tokens[who]}` } : {},
  });

describe('the workspace API', () => {
  it("shows an account's nexus with the usage test, over the run's export date", async () => {
    const detail = (await call('GET', `/api/accounts/${accountId}`, 'viewer')).json();
    expect(detail.nexus.length).toBeGreaterThan(0);
    expect(detail.nexus.some((n: { tests: string }) => n.tests.split(' ').includes('usage'))).toBe(true);
    const last = detail.nexus.reduce((m: string, n: { to: string }) => (n.to > m ? n.to : m), '');
    expect(last).toBe('2022-12');
  });

  it('signs in with a secure, HttpOnly, SameSite cookie and refuses a wrong password', async () => {
    expect(
      (await call('POST', '/api/login', undefined, { name: 'viewer', password: 'wrong password!' }))
        .statusCode,
    ).toBe(401);
    const res = await call('POST', '/api/login', undefined, { name: 'viewer', password: PASSWORD });
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const session = cookie.split(';')[0]!;
    const me = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: session } });
    expect(me.json()).toEqual({ name: 'viewer', role: 'viewer' });
  });

  it('answers bad requests with 400 and the field', async () => {
    const bad = await call('GET', '/api/findings?severity=extreme', 'viewer');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('severity');
    const noWhy = await call('PATCH', `/api/findings/${findingId}/case`, 'analyst', {
      status: 'closed',
      resolution: 'confirmed',
    });
    expect(noWhy.statusCode).toBe(400);
    expect(noWhy.json().field).toBe('why');
    expect((await call('GET', '/api/findings?page_size=100000', 'viewer')).json().field).toBe('page_size');
    expect((await call('GET', '/api/findings/nope', 'viewer')).statusCode).toBe(404);
  });

  it('filters, counts, pages and sorts findings, resolves evidence to rows, and records triage in the ledger', async () => {
    const list = (
      await call(
        'GET',
        '/api/findings?code=prohibited-activity&severity=high&page_size=5&sort=revenue_at_stake&order=desc',
        'viewer',
      )
    ).json();
    expect(list.items).toHaveLength(5);
    expect(list.total).toBe(list.counts.severity.high);
    const stakes = list.items.map((f: { revenue_at_stake: string }) => Number(f.revenue_at_stake));
    expect([...stakes].sort((a, b) => b - a)).toEqual(stakes);
    const account = (await call('GET', `/api/accounts/${accountId}`, 'viewer')).json();
    expect(account.verdicts.length).toBeGreaterThan(0);
    expect(account.verdicts[0]).toMatchObject({ jurisdiction: 'CN' });
    expect(account.billing_addresses.length).toBeGreaterThan(0);
    expect(account.nexus.find((n: { jurisdiction: string }) => n.jurisdiction === 'CN').tests).toContain(
      'hq',
    );
    const detail = (await call('GET', `/api/findings/${findingId}`, 'viewer')).json();
    const accountEvidence = detail.finding.evidence.find((e: { table: string }) => e.table === 'accounts');
    expect(accountEvidence.rows[0]).toMatchObject({ account_id: accountId });
    const before = (await call('GET', '/api/ledger', 'viewer')).json().length;
    await call('PATCH', `/api/findings/${findingId}/case`, 'analyst', {
      status: 'closed',
      resolution: 'confirmed',
      why: 'evidence checked',
    });
    const closed = (await call('GET', '/api/findings?status=closed&page_size=500', 'viewer')).json();
    expect(closed.items.map((f: { id: string }) => f.id)).toContain(findingId);
    const ledger = (await call('GET', '/api/ledger', 'viewer')).json();
    expect(ledger.length).toBe(before + 1);
    expect(ledger[0]).toMatchObject({
      kind: 'case-change',
      actor: 'analyst',
      body: { finding_id: findingId, why: 'evidence checked' },
    });
    expect((await call('GET', '/api/ledger/verify', 'viewer')).json()).toMatchObject({ ok: true });
  });

  it('serves no file outside the UI and describes itself in OpenAPI', async () => {
    for (const url of [
      '/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/static/../../package.json',
      '/assets/../../package.json',
      '/package.json',
      '/findings/x/y',
    ])
      expect((await call('GET', url, 'viewer')).statusCode, url).toBe(404);
    // The built UI: one page for every path its router knows, with a policy that allows only its own files.
    const ui = loadUiBundle();
    expect(ui, 'the UI is built (npm install runs `npm run build`)').not.toBeNull();
    if (ui) {
      for (const url of ['/', '/login', `/findings/${findingId}`, '/revenue/rows?basis=substance']) {
        const res = await call('GET', url);
        expect(res.statusCode, url).toBe(200);
        expect(res.headers['content-security-policy']).toContain("script-src 'self'");
        expect(res.body).toBe(ui.get('/index.html')!.body.toString());
      }
      const [asset] = [...ui.keys()].filter((k) => k.endsWith('.js'));
      expect((await call('GET', asset!)).headers['content-type']).toMatch(/^text\/javascript/);
    }
    const doc = (await call('GET', '/api/openapi.json', 'viewer')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/findings/{id}/case');
    const answer = doc.paths['/api/findings'].get.responses['200'].content['application/json'].schema;
    expect(answer.properties.items.items.properties.code.enum).toContain('paper-offshore-account');
    expect(answer.properties.items.items.required).toContain('revenue_at_stake');
    expect(doc.paths['/api/findings'].get.parameters.map((p: { name: string }) => p.name)).toContain(
      'severity',
    );
    // The decision gate: its request is the proposal schema, its answer the decision.
    const decide = doc.paths['/api/decisions'].post;
    expect(
      decide.requestBody.content['application/json'].schema.oneOf ??
        decide.requestBody.content['application/json'].schema.anyOf,
    ).toHaveLength(3);
    expect(decide.responses['200'].content['application/json'].schema.properties.decision.enum).toEqual([
      'allow',
      'review',
      'deny',
    ]);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/decisions/{id}', '/api/replay', '/api/webhooks']),
    );
  });
});
