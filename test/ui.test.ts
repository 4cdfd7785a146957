import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Decision, proposalSchema, type ReplayRecord } from '../src/contract/decision.ts';
import { Store } from '../src/store/store.ts';
import { auditBundle } from '../src/usecases/audit-bundle.ts';
import { DecisionGate } from '../src/usecases/decisions.ts';
import { replayBundle } from '../src/usecases/replay.ts';
import { addEndpoint } from '../src/usecases/webhooks.ts';
import { buildServer } from '../src/workspace/api/server.ts';
import { addUser } from '../src/workspace/usecases/users.ts';
import { sampleS, tempDir } from './support/bundles.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = resolve('.daylight/screenshots');
const PASSWORD = 'correct horse battery';

describe.skipIf(!existsSync(CHROMIUM))('the workspace in a browser', () => {
  let app: FastifyInstance;
  let store: Store;
  let browser: Browser;
  let base = '';
  const requests: string[] = [];
  let paperOffshore = 0;
  let replay: ReplayRecord;
  let decided: Decision;
  let hook = '';

  beforeAll(async () => {
    const root = tempDir('daylight-ui-');
    store = await Store.open(join(root, 'd.duckdb'));
    const run = await auditBundle(store, await sampleS(), { outDir: join(root, 'out') });
    paperOffshore = run.result.findings.filter((f) => f.code === 'paper-offshore-account').length;
    await addUser(store, { name: 'ana', role: 'analyst', password: PASSWORD }, 'test');
    await addUser(store, { name: 'root', role: 'admin', password: PASSWORD }, 'test');
    hook = (
      await addEndpoint(store, { url: 'https://siem.example/daylight', events: ['decision.made'] }, 'root')
    ).endpoint.id;
    replay = (await replayBundle(store, undefined, join(root, 'replay'), { snapshotId: run.snapshotId }))
      .record;
    decided = await new DecisionGate(store).decide(
      proposalSchema.parse({
        kind: 'transfer',
        account_id: run.result.findings.find((f) => f.code === 'transfer-after-risk')!.account_id,
        by: 'BJ-001',
        at: '2023-01-05',
        to_team_id: 'T-FSI',
        to_owner_staff_id: 'FSI-001',
      }),
      'crm',
    );
    app = await buildServer(store, { webhooks: false });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    store?.close();
  });

  /** A page at laptop width that records every URL it asks for (none may leave this server). */
  async function open(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.on('request', (r) => requests.push(r.url()));
    return page;
  }

  async function signIn(page: Page, name = 'ana') {
    await page.goto(`${base}/`);
    await page.waitForURL(`${base}/login`);
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/`);
  }

  it('signs in, filters, opens a finding, changes its status and finds the change in the ledger', async () => {
    const page = await open();
    await signIn(page);
    const list = page.locator('section[aria-labelledby="list"][aria-busy="false"]');
    await list.getByRole('heading', { level: 2 }).waitFor();
    await page.screenshot({ path: join(SHOTS, '1-inbox.png') });

    await page.getByLabel('Code', { exact: true }).selectOption('paper-offshore-account');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/code=paper-offshore-account/);
    expect(paperOffshore).toBeGreaterThan(1);
    expect(await list.getByRole('heading', { level: 2 }).textContent()).toBe(`${paperOffshore} finding(s)`);
    expect(await list.locator('tbody tr').count()).toBe(paperOffshore);
    const rows = await list.locator('tbody tr').allTextContents();
    expect(rows.filter((t) => !t.includes('paper-offshore-account'))).toEqual([]);

    // Keyboard: tab to the first finding's link and open it with Enter.
    const first = list.locator('tbody tr td a').first();
    const id = (await first.textContent())!;
    await first.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/findings/${id}`);
    await expect(page.locator('#status').textContent()).resolves.toBe('open');
    await page.getByLabel('Status').selectOption('investigating');
    await page.getByLabel('Why').fill('billed in Hong Kong, run from the mainland');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#status', { hasText: 'investigating' }).waitFor();
    await page.getByRole('heading', { name: 'Evidence' }).waitFor();
    await page.screenshot({ path: join(SHOTS, '2-finding.png'), fullPage: true });

    await page.getByRole('link', { name: 'Ledger' }).click();
    await page.waitForURL(`${base}/ledger`);
    await page.locator('#verify', { hasText: 'verified:' }).waitFor();
    const row = page.locator('tbody tr', { hasText: id }).first();
    await row.waitFor();
    expect(await row.textContent()).toContain('case-change');
    expect(await row.textContent()).toContain('open → investigating');
    await page.screenshot({ path: join(SHOTS, '3-ledger.png') });
    await page.close();
  });

  it('drills from a revenue figure to its invoice rows and opens an account timeline', async () => {
    const page = await open();
    await signIn(page);
    await page.getByRole('link', { name: 'Revenue' }).click();
    await page.waitForURL(`${base}/revenue`);
    await page
      .getByRole('img', { name: /Sankey/ })
      .locator('canvas')
      .waitFor();
    await page.screenshot({ path: join(SHOTS, '4-revenue.png') });
    // The region tree, root first, amounts grouped by thousands.
    expect(await page.locator('tbody tr').first().locator('td').first().textContent()).toBe('WORLD');
    const figure = page.locator('tbody tr', { hasText: 'CN-WEST' }).locator('td a').first();
    const amount = (await figure.textContent())!;
    expect(amount).toMatch(/^\d{1,3}(,\d{3})+\.\d{2}$/);
    await figure.click();
    await page.waitForURL(/\/revenue\/rows/);
    const heading = page.getByRole('heading', { level: 2 }).first();
    await heading.waitFor();
    expect(await heading.textContent()).toMatch(
      new RegExp(`^${amount.replace('.', '\\.')} from \\d+ invoice row`),
    );
    await page.locator('tbody tr td a').first().click();
    await page.waitForURL(/\/accounts\//);
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    const text = await page.locator('main').textContent();
    expect(text).toContain('billing address');
    expect(text).toContain('Nexus');
    expect(
      await page
        .getByRole('img', { name: /Revenue of account/ })
        .locator('canvas')
        .count(),
    ).toBe(1);
    await page.screenshot({ path: join(SHOTS, '5-account.png'), fullPage: true });

    await page.getByRole('link', { name: 'Reconciliation' }).click();
    await page.waitForURL(`${base}/reconciliation`);
    await page
      .getByRole('img', { name: /Reported and computed/ })
      .locator('canvas')
      .waitFor();
    const summary = await page.getByText(/reported figure\(s\)/).textContent();
    const outside = Number(/(\d+) outside/.exec(summary!)![1]);
    expect(await page.locator('tbody tr', { hasText: /no$/ }).count()).toBe(outside);
    await page.screenshot({ path: join(SHOTS, '6-reconciliation.png') });

    // Chinese titles with their English ones beside them (CI installs a CJK font for the screenshot).
    await page.goto(`${base}/rules?at=2022-01-01`);
    await page
      .getByText('关于进一步防范和处置虚拟货币交易炒作风险的通知', { exact: false })
      .first()
      .waitFor();
    expect(await page.locator('main').textContent()).toContain(
      'Notice on Further Preventing and Disposing of the Risks of Virtual Currency Trading Speculation',
    );
    await page.screenshot({ path: join(SHOTS, '7-rules.png'), fullPage: true });
    await page.close();
  });

  it('shows what the decision gate would have stopped on the history, and its recent decisions', async () => {
    const page = await open();
    await signIn(page);
    await page.getByRole('link', { name: 'Decisions' }).click();
    await page.waitForURL(`${base}/decisions`);
    const { flagged, ordinary } = replay.summary;
    await page.getByText(`${flagged.deny + flagged.review} of ${flagged.total}`).waitFor();
    await page.getByText(`${ordinary.held} of ${ordinary.total} (${ordinary.heldPct} %)`).waitFor();
    const notable = page.locator('section', { hasText: 'Replay of the history' }).locator('tbody tr');
    expect(await notable.count()).toBe(replay.notable.length);
    const recent = page.locator('section', { hasText: 'Recent decisions' });
    await recent.getByText(decided.id).waitFor();
    expect(await recent.locator('tbody tr').first().textContent()).toContain(decided.decision);
    await page.locator('canvas').first().waitFor();
    await page.screenshot({ path: join(SHOTS, '8-decisions.png'), fullPage: true });
    await page.close();
  });

  it('shows an admin the webhook endpoints and the delivery log, and nobody else', async () => {
    const page = await open();
    await signIn(page);
    expect(await page.getByRole('link', { name: 'Webhooks' }).count()).toBe(0);
    await page.close();
    const admin = await open();
    await signIn(admin, 'root');
    await admin.getByRole('link', { name: 'Webhooks' }).click();
    await admin.waitForURL(`${base}/webhooks`);
    const row = admin.locator('section', { hasText: 'Endpoints' }).locator('tbody tr', { hasText: hook });
    await row.waitFor();
    expect(await row.textContent()).toContain('https://siem.example/daylight');
    await admin.getByRole('heading', { name: 'Delivery log' }).waitFor();
    await admin.screenshot({ path: join(SHOTS, '9-webhooks.png'), fullPage: true });
    await admin.close();
  });

  it('asked for nothing but this server', () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((u) => !u.startsWith(base))).toEqual([]);
  });
});
