import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/outputs/api/server.ts';
import { Store } from '../src/store/store.ts';
import { auditBundle } from '../src/usecases/audit-bundle.ts';
import { addUser } from '../src/usecases/users.ts';
import { sampleS, tempDir } from './support/bundles.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = resolve('.daylight/screenshots');
const PASSWORD = 'correct horse battery';

describe.skipIf(!existsSync(CHROMIUM))('the workspace in a browser', () => {
  let app: FastifyInstance;
  let store: Store;
  let browser: Browser;
  let base = '';

  beforeAll(async () => {
    const root = tempDir('daylight-ui-');
    store = await Store.open(join(root, 'd.duckdb'));
    await auditBundle(store, await sampleS(), { outDir: join(root, 'out') });
    await addUser(store, { name: 'ana', role: 'analyst', password: PASSWORD }, 'test');
    app = await buildServer(store);
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

  it('signs in, filters, opens a finding, changes its status and finds the change in the ledger', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(`${base}/`);
    expect(page.url()).toBe(`${base}/login`);
    await page.getByLabel('Name').fill('ana');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/`);
    await page.screenshot({ path: join(SHOTS, '1-inbox.png'), fullPage: false });

    await page.getByLabel('Code').selectOption('paper-offshore-account');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/code=paper-offshore-account/);
    const heading = await page.getByRole('heading', { level: 2, name: /finding\(s\)/ }).textContent();
    expect(heading).toMatch(/^6 finding\(s\)$/);

    const first = page.locator('tbody tr td a').first();
    const id = (await first.textContent())!;
    await first.click();
    await page.waitForURL(`${base}/findings/${id}`);
    await expect(page.locator('#status').textContent()).resolves.toBe('open');
    await page.getByLabel('Status').selectOption('investigating');
    await page.getByLabel('Why').fill('billed in Hong Kong, run from the mainland');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#status', { hasText: 'investigating' }).waitFor();
    await page.screenshot({ path: join(SHOTS, '2-finding.png'), fullPage: true });

    await page.getByRole('link', { name: 'Ledger' }).click();
    await page.waitForURL(`${base}/ledger`);
    const ledger = await page.locator('main').textContent();
    expect(ledger).toContain('verified:');
    expect(ledger).toContain(id);
    expect(ledger).toContain('case-change');
    await page.screenshot({ path: join(SHOTS, '3-ledger.png'), fullPage: false });
    await page.close();
  });

  it('drills from a revenue figure to its invoice rows and opens an account timeline', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(`${base}/login`);
    await page.getByLabel('Name').fill('ana');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/`);
    await page.getByRole('link', { name: 'Revenue' }).click();
    await page.waitForURL(`${base}/revenue`);
    await page.screenshot({ path: join(SHOTS, '4-revenue.png'), fullPage: false });
    const figure = page.locator('tbody tr', { hasText: 'CN-WEST' }).locator('td a').first();
    const amount = (await figure.textContent())!;
    await figure.click();
    await page.waitForURL(/\/revenue\/rows/);
    expect(await page.getByRole('heading', { level: 2 }).first().textContent()).toMatch(
      new RegExp(`^${amount.replace('.', '\\.')} from \\d+ invoice row`),
    );
    await page.locator('tbody tr td a').first().click();
    await page.waitForURL(/\/accounts\//);
    const text = await page.locator('main').textContent();
    expect(text).toContain('Billing addresses');
    expect(text).toContain('Nexus');
    await page.screenshot({ path: join(SHOTS, '5-account.png'), fullPage: true });
    await page.close();
  });
});
