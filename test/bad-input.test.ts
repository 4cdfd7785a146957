import { existsSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBundle } from '../src/ingest/bundle.ts';
import { BundleError, formatProblem } from '../src/ingest/problems.ts';
import { Store } from '../src/store/store.ts';
import { auditBundle } from '../src/usecases/audit-bundle.ts';
import { ingestBundle } from '../src/usecases/ingest-bundle.ts';
import { copyOfSample, editTable, setCell, tempDir } from './support/bundles.ts';
import { rawSql } from './support/raw-sql.ts';

async function problemsOf(dir: string): Promise<{ lines: string[]; snapshots: number }> {
  const store = await Store.open(join(tempDir('daylight-store-'), 'd.duckdb'));
  try {
    await ingestBundle(store, dir);
    return { lines: [], snapshots: (await store.snapshots.list()).length };
  } catch (e) {
    if (!(e instanceof BundleError)) throw e;
    return { lines: e.problems.map(formatProblem), snapshots: (await store.snapshots.list()).length };
  } finally {
    store.close();
  }
}

describe('a bundle that breaks the contract', () => {
  it('names a missing required table', async () => {
    const dir = await copyOfSample();
    rmSync(join(dir, 'ownership.csv'));
    const { lines, snapshots } = await problemsOf(dir);
    expect(lines).toContain('ownership.csv: required table is missing');
    expect(snapshots).toBe(0);
  });

  it('names a missing required column', async () => {
    const dir = await copyOfSample();
    editTable(dir, 'invoices.csv', (lines) =>
      lines.map((l) => l.split(',').slice(0, 7).concat(l.split(',').slice(8)).join(',')),
    );
    expect((await problemsOf(dir)).lines).toEqual([
      'invoices.csv:1: column net_amount: required column is missing',
    ]);
  });

  it('gives file, line and column of a bad date and a bad amount, all at once', async () => {
    const dir = await copyOfSample();
    setCell(dir, 'accounts.csv', 5, 'created_at', '2021-02-30');
    setCell(dir, 'invoices.csv', 10, 'list_amount', '12.345');
    setCell(dir, 'deals.csv', 3, 'discount_pct', '120');
    const { lines, snapshots } = await problemsOf(dir);
    expect(lines).toEqual([
      'accounts.csv:5: column created_at: not a date (YYYY-MM-DD)',
      'deals.csv:3: column discount_pct: not a decimal between 0 and 100',
      'invoices.csv:10: column list_amount: not a money amount (decimal with at most 2 decimals)',
    ]);
    expect(snapshots).toBe(0);
  });

  it('refuses net_amount ≠ list_amount − discount_amount', async () => {
    const dir = await copyOfSample();
    setCell(dir, 'invoices.csv', 7, 'net_amount', '1.00');
    const { lines } = await problemsOf(dir);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^invoices\.csv:7: column net_amount: net_amount 1\.00 ≠ list_amount/);
  });

  it('reads only the tables asked for, each still checked, for work that needs no more', async () => {
    const dir = await copyOfSample();
    setCell(dir, 'invoices.csv', 10, 'list_amount', 'not money');
    const some = await loadBundle(dir, { only: ['accounts', 'public_nodes'] });
    expect(some.tables.accounts.length).toBeGreaterThan(0);
    expect(some.tables.invoices).toEqual([]);
    setCell(dir, 'accounts.csv', 5, 'created_at', '2021-02-30');
    const refused = await loadBundle(dir, { only: ['accounts'] }).catch((e: BundleError) => e.problems);
    expect((refused as { file: string; line?: number }[]).map((p) => `${p.file}:${p.line}`)).toEqual([
      'accounts.csv:5',
    ]);
  });

  it('stops reading when told to (a bundle found stored already while it was being read)', async () => {
    const dir = await copyOfSample();
    const read: string[] = [];
    const stop = new AbortController();
    const stopped = await loadBundle(dir, {
      signal: stop.signal,
      onProgress: (table) => {
        read.push(table);
        if (table === 'teams') stop.abort();
      },
    }).catch((e: Error) => e);
    expect((stopped as Error).name).toBe('AbortError');
    expect(read).toEqual(['entities', 'regions', 'territories', 'teams']);
  });

  it('refuses a bundle whose files change while it is read', async () => {
    const dir = await copyOfSample();
    const store = await Store.open(join(tempDir('daylight-store-'), 'd.duckdb'));
    try {
      const later = new Date(Date.now() + 60_000);
      const refused = await ingestBundle(store, dir, {
        onProgress: (table) => {
          if (table === 'accounts') utimesSync(join(dir, 'staff.csv'), later, later);
        },
      }).catch((e: Error) => e);
      expect(String(refused)).toMatch(/files changed while they were read/);
      expect(await store.snapshots.list()).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('leaves nothing of invoices that were loading while a late line failed, and takes the fixed bundle', async () => {
    const dir = await copyOfSample();
    const good = await copyOfSample();
    editTable(dir, 'invoices.csv', (lines) => {
      const at = lines.length - 2;
      lines[at] = lines[at]!.replace(/,(\d+\.\d{2}),/, ',1$1,');
      return lines;
    });
    const path = join(tempDir('daylight-store-'), 'd.duckdb');
    // Counted straight in the store's file and the row files beside it, around Daylight: no orphan row of any
    // snapshot may be left.
    const count = async () => {
      const stored = Number((await rawSql(path, 'SELECT count(*)::DOUBLE AS n FROM invoices'))[0]!.n);
      const files = existsSync(`${path}.rows`)
        ? readdirSync(`${path}.rows`, { recursive: true, encoding: 'utf8' }).filter((f) =>
            /invoices-[^/]*\.parquet$/.test(f),
          )
        : [];
      let inFiles = 0;
      for (const f of files)
        inFiles += Number(
          (await rawSql(':memory:', `SELECT count(*)::DOUBLE AS n FROM '${path}.rows/${f}'`))[0]!.n,
        );
      return stored + inFiles;
    };
    let store = await Store.open(path);
    const refused = await ingestBundle(store, dir).catch((e: Error) => e);
    expect(refused).toBeInstanceOf(BundleError);
    expect(await store.snapshots.list()).toEqual([]);
    store.close();
    expect(await count()).toBe(0);
    store = await Store.open(path);
    const taken = await ingestBundle(store, good);
    store.close();
    expect(taken.created).toBe(true);
    expect(await count()).toBe(taken.rows['invoices.csv']);
  });

  it('refuses unknown foreign keys, duplicate keys and an account with no billing address', async () => {
    const dir = await copyOfSample();
    setCell(dir, 'ownership.csv', 4, 'team_id', 'T-NOPE');
    editTable(dir, 'accounts.csv', (lines) => [
      ...lines.slice(0, -1),
      lines[1]!,
      'A9999999,Ghost,CN,CN,Beijing,,2021-01-01,',
      '',
    ]);
    const { lines } = await problemsOf(dir);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^accounts\.csv:1002: column account_id: duplicate key \(first at line 2\)$/),
        'ownership.csv:4: column team_id: unknown team_id "T-NOPE" (not in teams)',
        'accounts.csv:1003: column account_id: the account has no billing address',
      ]),
    );
  });

  it('finds a repeated invoice id in the large-table path, with both lines', async () => {
    const dir = await copyOfSample();
    editTable(dir, 'invoices.csv', (lines) => {
      lines[20] = lines[20]!.replace(/^[^,]+/, lines[5]!.split(',')[0]!);
      return lines;
    });
    expect((await problemsOf(dir)).lines).toEqual([
      'invoices.csv:21: column invoice_id: duplicate key (first at line 6)',
    ]);
  });

  it('reports a row with the wrong number of fields and a badly quoted field', async () => {
    const dir = await copyOfSample();
    editTable(dir, 'agents.csv', (lines) => [lines[0]!, 'AG-01,"unclosed,CN', ...lines.slice(2)]);
    editTable(dir, 'entities.csv', (lines) => [
      ...lines.slice(0, 2),
      'E-XX,Too,Many,Fields',
      ...lines.slice(2),
    ]);
    const { lines } = await problemsOf(dir);
    expect(lines).toEqual(expect.arrayContaining(['entities.csv:3: has 4 fields where the header has 3']));
    expect(lines.some((l) => l.startsWith('agents.csv:2: a quoted field is not closed'))).toBe(true);
  });

  it('caps the report but counts everything', async () => {
    const dir = await copyOfSample();
    editTable(dir, 'logins.csv', (lines) =>
      lines.map((l, i) => (i === 0 || l === '' ? l : l.replace(/,[A-Z]{2}$/, ',cn'))),
    );
    const store = await Store.open(join(tempDir('daylight-store-'), 'd.duckdb'));
    const error = await ingestBundle(store, dir, { maxProblems: 10 }).catch((e) => e);
    store.close();
    expect(error).toBeInstanceOf(BundleError);
    expect(error.problems).toHaveLength(10);
    expect(error.dropped).toBeGreaterThan(0);
    expect(error.message).toMatch(/… and \d+ more/);
  });

  it('refuses unknown or bad settings in daylight.json with exit status 2', async () => {
    const dir = await copyOfSample();
    writeFileSync(
      join(dir, 'daylight.json'),
      JSON.stringify({ home_country: 'CN', settings: { discount_max_pcnt: 25, gap_tolerance_pct: 'x' } }),
    );
    const root = tempDir('daylight-settings-');
    const store = await Store.open(join(root, 'd.duckdb'));
    const error = await auditBundle(store, dir, { outDir: join(root, 'out') }).catch((e) => e);
    store.close();
    expect(error).toBeInstanceOf(BundleError);
    expect(error.problems.map(formatProblem).join('\n')).toMatch(
      /daylight\.json: column settings(\.discount_max_pcnt)?: .*discount_max_pcnt/,
    );
  });

  it('refuses a daylight.json that is not JSON', async () => {
    const dir = await copyOfSample();
    writeFileSync(join(dir, 'daylight.json'), '{ "home_country": ');
    expect((await problemsOf(dir)).lines[0]).toMatch(/^daylight\.json: not valid JSON/);
  });
});
