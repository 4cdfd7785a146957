import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it, vi } from 'vitest';
import { type AnyTable, invoices } from '../src/contract/tables.ts';
import { readCsvHeader } from '../src/ingest/csv.ts';
import { BundleError } from '../src/ingest/problems.ts';
import { uncheckedIdOf } from '../src/store/snapshot-writer.ts';
import { Store } from '../src/store/store.ts';
import { ingestBundle } from '../src/usecases/ingest-bundle.ts';
import { copyOfSample, tempDir } from './support/bundles.ts';

const sampleInvoices = async (dir: string) => ({
  path: join(dir, 'invoices.csv'),
  rows: readFileSync(join(dir, 'invoices.csv'), 'utf8').trimEnd().split('\n').length - 1,
  header: (await readCsvHeader(join(dir, 'invoices.csv')))!,
});

/** Sets one cell of a bundle file (line 1 is the header). */
function setCsvCell(path: string, line: number, column: string, value: string): void {
  const lines = readFileSync(path, 'utf8').split('\n');
  const cells = lines[line - 1]!.split(',');
  cells[lines[0]!.split(',').indexOf(column)] = value;
  lines[line - 1] = cells.join(',');
  writeFileSync(path, lines.join('\n'));
}

/** Ingests a bundle that must fail: its first problem, after checking that nothing of it is stored. */
async function firstProblemLeavingNothing(dir: string): Promise<unknown> {
  const store = await Store.open(':memory:');
  try {
    const failed = await ingestBundle(store, dir, { screenFromBytes: 0 }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(BundleError);
    expect(await store.snapshots.list()).toEqual([]);
    expect(await store.snapshots.staged()).toEqual([]);
    for (const table of ['invoices', 'logins'] as const)
      expect(await store.snapshots.storedRows(table)).toBe(0);
    return (failed as BundleError).problems[0];
  } finally {
    store.close();
  }
}

describe('large tables staged before the snapshot commits', () => {
  it('stores the snapshot whole: its invoices, its row and no staging mark', async () => {
    const dir = await copyOfSample();
    const store = await Store.open(':memory:');
    try {
      const { snapshotId } = await ingestBundle(store, dir, { screenFromBytes: 0 });
      expect(await store.snapshots.has(snapshotId)).toBe(true);
      expect(await store.snapshots.readTable(snapshotId, 'invoices')).toHaveLength(
        (await sampleInvoices(dir)).rows,
      );
      expect(await store.snapshots.staged()).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('leaves nothing of a bundle whose staged rows break a key', async () => {
    const dir = await copyOfSample();
    const path = join(dir, 'invoices.csv');
    const [header, first] = readFileSync(path, 'utf8').split('\n') as [string, string];
    setCsvCell(path, 3, 'invoice_id', first.split(',')[header.split(',').indexOf('invoice_id')]!);
    expect(await firstProblemLeavingNothing(dir)).toMatchObject({ file: 'invoices.csv', line: 3 });
  });

  it('leaves nothing of the large tables it began loading before a small table turned out bad', async () => {
    // The screens start before the small tables are read: here they load invoices and sign-ins that are fine.
    const dir = await copyOfSample();
    setCsvCell(join(dir, 'accounts.csv'), 2, 'account_id', '');
    expect(await firstProblemLeavingNothing(dir)).toMatchObject({
      file: 'accounts.csv',
      line: 2,
      column: 'account_id',
    });
  });

  it('removes the staged rows of a process that died while writing, when the store is next opened', async () => {
    const dir = await copyOfSample();
    const file = join(tempDir('daylight-staging-'), 'store.duckdb');
    const { path, rows, header } = await sampleInvoices(dir);
    const store = await Store.open(file);
    const writer = store.snapshots.begin('test');
    await writer.identify('dead0000');
    writer.load(invoices as unknown as AnyTable, {
      path,
      file: 'invoices.csv',
      format: 'csv',
      columns: header,
      header,
      screened: true,
    });
    await vi.waitFor(async () => expect(await store.snapshots.storedRows('invoices')).toBe(rows), {
      timeout: 10_000,
    });
    expect(await store.snapshots.staged()).toEqual(['dead0000']);
    store.close(); // neither finished nor aborted: the process is gone
    const next = await Store.open(file);
    try {
      expect(await next.snapshots.staged()).toEqual([]);
      expect(await next.snapshots.storedRows('invoices')).toBe(0);
      expect(await next.snapshots.has('dead0000')).toBe(false);
    } finally {
      next.close();
    }
  });

  it('removes the rows a screen set apart, when the process died before it removed them', async () => {
    const file = join(tempDir('daylight-staging-'), 'store.duckdb');
    (await Store.open(file)).close();
    // What a process leaves when it dies between a screen's load and its removal of the rows that broke a rule.
    const instance = await DuckDBInstance.create(file);
    const c = await instance.connect();
    await c.run("INSERT INTO staged_snapshots VALUES ('dead0001', '2026-12-01T00:00:00Z')");
    await c.run(
      `INSERT INTO invoices (snapshot_id, invoice_id) VALUES ('${uncheckedIdOf('dead0001')}', 'INV-1')`,
    );
    c.closeSync();
    instance.closeSync();
    const next = await Store.open(file);
    try {
      expect(await next.snapshots.staged()).toEqual([]);
      expect(await next.snapshots.storedRows('invoices')).toBe(0);
    } finally {
      next.close();
    }
  });
});
