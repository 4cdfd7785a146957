import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BundleError } from '../src/ingest/problems.ts';
import { Store } from '../src/store/store.ts';
import { auditSnapshot } from '../src/usecases/audit-bundle.ts';
import { ingestBundle } from '../src/usecases/ingest-bundle.ts';
import { sampleS, tempDir } from './support/bundles.ts';

/** The sample split in two bundles: every period but the last, and the last alone (other tables whole in both). */
async function split(): Promise<{ full: string; before: string; last: string; period: string }> {
  const full = await sampleS();
  const root = tempDir('daylight-append-');
  const before = join(root, 'before');
  const last = join(root, 'last');
  cpSync(full, before, { recursive: true });
  cpSync(full, last, { recursive: true });
  const [header, ...rows] = readFileSync(join(full, 'invoices.csv'), 'utf8').trimEnd().split('\n');
  const periodAt = header!.split(',').indexOf('period');
  const period = rows
    .map((r) => r.split(',')[periodAt]!)
    .sort()
    .at(-1)!;
  const isLast = (r: string) => r.split(',')[periodAt] === period;
  writeFileSync(join(before, 'invoices.csv'), `${[header, ...rows.filter((r) => !isLast(r))].join('\n')}\n`);
  writeFileSync(join(last, 'invoices.csv'), `${[header, ...rows.filter(isLast)].join('\n')}\n`);
  return { full, before, last, period };
}

const outputs = (dir: string) =>
  Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

async function rejected(work: Promise<unknown>): Promise<BundleError> {
  const e = await work.catch((x) => x);
  expect(e).toBeInstanceOf(BundleError);
  return e as BundleError;
}

describe('ingest --append', () => {
  let parts: Awaited<ReturnType<typeof split>>;
  let store: Store;
  let parent: string;
  beforeAll(async () => {
    parts = await split();
    store = await Store.open(join(tempDir('daylight-append-store-'), 'd.duckdb'));
    parent = (await ingestBundle(store, parts.before)).snapshotId;
  });
  afterAll(() => store.close());

  it('adds a period to the stored ones and audits to outputs byte-identical to a full ingest', async () => {
    const appended = await ingestBundle(store, parts.last, { append: 'latest' });
    expect(appended).toMatchObject({ created: true, extends: parent });
    expect(appended.rows['invoices.csv']).toBeLessThan(
      readFileSync(join(parts.full, 'invoices.csv'), 'utf8').split('\n').length / 10,
    );
    const out = tempDir('daylight-append-out-');
    await auditSnapshot(store, appended.snapshotId, { outDir: out });

    const other = await Store.open(join(tempDir('daylight-full-store-'), 'd.duckdb'));
    try {
      const full = await ingestBundle(other, parts.full);
      const fullOut = tempDir('daylight-full-out-');
      await auditSnapshot(other, full.snapshotId, { outDir: fullOut });
      expect(outputs(out)).toEqual(outputs(fullOut));
      expect(Object.keys(outputs(out))).toContain('revenue.csv');
    } finally {
      other.close();
    }
    // The ledger anchors the extended snapshot, its parent and all its invoice rows.
    expect(await store.verifyLedger()).toMatchObject({ ok: true });
    expect((await store.ledger.entries()).at(-2)?.body).toMatchObject({ extends: parent });
  });

  it('refuses a period already stored, at the line that brings it, and stores nothing', async () => {
    const before = (await store.snapshots.list()).length;
    // The latest snapshot already holds the last period (the first test appended it).
    const e = await rejected(ingestBundle(store, parts.last, { append: 'latest' }));
    expect(e.problems).toEqual([
      expect.objectContaining({ file: 'invoices.csv', line: 2, column: 'period' }),
    ]);
    expect(e.problems[0]!.message).toContain(`period ${parts.period} is already stored`);
    expect((await store.snapshots.list()).length).toBe(before);
  });

  it('refuses stored invoices whose account the new tables no longer have', async () => {
    const bundle = tempDir('daylight-append-gone-');
    cpSync(parts.last, bundle, { recursive: true });
    const accounts = readFileSync(join(bundle, 'accounts.csv'), 'utf8').trimEnd().split('\n');
    const lastInvoiced = new Set(
      readFileSync(join(bundle, 'invoices.csv'), 'utf8')
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[1]),
    );
    // An account invoiced before the last period only, removed with its address and ownership rows.
    const gone = accounts
      .slice(1)
      .find((l) => !lastInvoiced.has(l.split(',')[0]))!
      .split(',')[0]!;
    for (const table of [
      'accounts',
      'billing_addresses',
      'ownership',
      'payment_methods',
      'activities',
      'logins',
      'deals',
      'transfer_requests',
      'ip_allocations',
    ]) {
      const path = join(bundle, `${table}.csv`);
      try {
        const lines = readFileSync(path, 'utf8').split('\n');
        const at = lines[0]!.split(',').indexOf('account_id');
        writeFileSync(path, lines.filter((l, i) => i === 0 || l.split(',')[at] !== gone).join('\n'));
      } catch {
        // the table is not in this bundle
      }
    }
    const e = await rejected(ingestBundle(store, bundle, { append: parent }));
    expect(e.problems).toContainEqual(
      expect.objectContaining({
        file: 'accounts.csv',
        column: 'account_id',
        message: expect.stringContaining(`"${gone}" is cited by invoices stored in snapshot ${parent}`),
      }),
    );
  });

  it('refuses an invoice id stored in another period, at its line', async () => {
    const bundle = tempDir('daylight-append-id-');
    cpSync(parts.last, bundle, { recursive: true });
    const storedId = readFileSync(join(parts.before, 'invoices.csv'), 'utf8').split('\n')[5]!.split(',')[0]!;
    const lines = readFileSync(join(bundle, 'invoices.csv'), 'utf8').split('\n');
    lines[3] = [storedId, ...lines[3]!.split(',').slice(1)].join(',');
    writeFileSync(join(bundle, 'invoices.csv'), lines.join('\n'));
    const e = await rejected(ingestBundle(store, bundle, { append: parent }));
    expect(e.problems).toEqual([
      expect.objectContaining({ file: 'invoices.csv', line: 4, column: 'invoice_id' }),
    ]);
  });

  it('takes the snapshot to extend from daylight.json, and says when there is none', async () => {
    const bundle = tempDir('daylight-append-meta-');
    cpSync(parts.last, bundle, { recursive: true });
    const meta = JSON.parse(readFileSync(join(bundle, 'daylight.json'), 'utf8'));
    writeFileSync(join(bundle, 'daylight.json'), JSON.stringify({ ...meta, extends: parent }));
    expect(await ingestBundle(store, bundle)).toMatchObject({ created: true, extends: parent });

    const empty = await Store.open(':memory:');
    try {
      const e = await rejected(ingestBundle(empty, parts.last, { append: 'latest' }));
      expect(e.problems[0]!.message).toMatch(/no stored snapshot to append to/);
    } finally {
      empty.close();
    }
  });
});
