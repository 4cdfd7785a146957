import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { TABLES } from '../src/contract/tables.ts';
import { Db } from '../src/store/db.ts';
import { rowsDigests } from '../src/store/digest.ts';
import { entryHash } from '../src/store/ledger.ts';
import { ROW_FILE_TABLES, SCREEN_PARTS_KEPT_MS } from '../src/store/row-files.ts';
import { removeStore, Store } from '../src/store/store.ts';
import { runRowsDigest } from '../src/store/stored-state.ts';
import { auditSnapshot } from '../src/usecases/audit-bundle.ts';
import { ingestBundle } from '../src/usecases/ingest-bundle.ts';
import { sampleS, tempDir } from './support/bundles.ts';
import { copyStore, rawSql, rewriteRowFile } from './support/raw-sql.ts';

const run = promisify(execFile);

/** A store holding the S sample, and what it sums and digests. */
async function ingested(path: string) {
  const store = await Store.open(path);
  try {
    const { snapshotId } = await ingestBundle(store, await sampleS());
    return {
      snapshotId,
      totals: await store.snapshots.invoiceTotals(snapshotId, 'USD'),
      rows: await store.snapshots.rowDigests(snapshotId),
    };
  } finally {
    store.close();
  }
}

/**
 * Turns a store into one an earlier version wrote: its invoices and sign-ins in its tables, no row files, and its
 * ledger recording every table's digest by the sums of its rows' MD5s (the chain hashed again from that entry on).
 */
async function asEarlierVersion(path: string): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  const db = new Db(connection);
  try {
    const [files] = (await db.columns('SELECT file FROM row_files ORDER BY table_name')) as [string[]];
    for (const table of ROW_FILE_TABLES) {
      const [[file], [id]] = (await db.columns(
        'SELECT file, snapshot_id FROM row_files WHERE table_name = $t',
        { t: table },
      )) as [[string], [string]];
      await db.run(
        `INSERT INTO ${table} SELECT * REPLACE ('${id}' AS snapshot_id) FROM read_parquet('${path}.rows/${file}')`,
      );
    }
    expect(files).toHaveLength(2);
    await db.run('DELETE FROM row_files');
    rmSync(`${path}.rows`, { recursive: true });
    const entries = await db.objects('SELECT * FROM ledger ORDER BY seq');
    let prev: string | null = null;
    for (const e of entries) {
      const body = JSON.parse(String(e.body));
      if (e.kind === 'ingest') {
        // That version digested every table by the sums of its rows' MD5s.
        const digests = await rowsDigests(
          db,
          TABLES.map((def) => ({
            from: def.name,
            columns: Object.keys(def.schema.shape),
            where: 'snapshot_id = $s',
          })),
          { s: body.snapshot_id },
        );
        TABLES.forEach((def, i) => {
          body.tables[def.name] = digests[i];
        });
      }
      if (e.kind === 'audit-run') {
        body.findings_rows = await runRowsDigest(db, 'findings', body.run_id, 'sums');
        body.verdicts = await runRowsDigest(db, 'run_verdicts', body.run_id, 'sums');
        expect(body.findings_rows).toMatch(/^[1-9]\d*:/);
      }
      const entry = {
        seq: Number(e.seq),
        at: String(e.recorded_at),
        kind: e.kind as never,
        actor: String(e.actor),
        body,
        prev_hash: prev ?? String(e.prev_hash),
      };
      const hash = entryHash(entry);
      await db.run('UPDATE ledger SET body = $b, prev_hash = $p, hash = $h WHERE seq = $s', {
        b: JSON.stringify(body),
        p: entry.prev_hash,
        h: hash,
        s: e.seq as bigint,
      });
      prev = hash;
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function verify(path: string) {
  const store = await Store.open(path);
  try {
    return await store.verifyLedger();
  } finally {
    store.close();
  }
}

describe('the invoices and sign-ins kept as files beside the store', () => {
  it('keeps each in one Parquet file of its snapshot, anchored by its SHA-256, and no row in the tables', async () => {
    const path = join(tempDir('daylight-rowfiles-'), 'd.duckdb');
    const { snapshotId } = await ingested(path);
    const listed = await rawSql(
      path,
      'SELECT table_name, file, row_count::DOUBLE AS n FROM row_files ORDER BY 1',
    );
    expect(listed.map((r) => r.table_name)).toEqual(['invoices', 'logins']);
    for (const r of listed) {
      expect(String(r.file)).toMatch(new RegExp(`^${snapshotId}/${r.table_name}-[0-9a-f]{8}\\.parquet$`));
      const [counted] = await rawSql(
        ':memory:',
        `SELECT count(*)::DOUBLE AS n FROM '${path}.rows/${r.file}'`,
      );
      const n = counted!.n;
      expect(n).toBe(r.n);
      expect(Number(n)).toBeGreaterThan(0);
    }
    for (const table of ROW_FILE_TABLES)
      expect((await rawSql(path, `SELECT count(*)::DOUBLE AS n FROM ${table}`))[0]!.n).toBe(0);
    const [entry] = await rawSql(path, `SELECT body FROM ledger WHERE kind = 'ingest'`);
    const tables = JSON.parse(String(entry!.body)).tables;
    expect(tables.invoices).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(tables.logins).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(tables.accounts).toMatch(/^rows-sha256:[1-9]\d*:[0-9a-f]{64}$/);
    expect(await verify(path)).toMatchObject({ ok: true });
  });

  it("moves an earlier version's stored rows into files when it opens the store: same sums, and its ledger still verifies", async () => {
    const path = join(tempDir('daylight-earlier-'), 'd.duckdb');
    const before = await ingested(path);
    // A run too, whose findings and verdicts that version digested by sums.
    const audited = await Store.open(path);
    await auditSnapshot(audited, before.snapshotId, {
      outDir: join(tempDir('daylight-earlier-out-'), 'out'),
    });
    audited.close();
    await asEarlierVersion(path);
    const store = await Store.open(path);
    try {
      expect(await store.snapshots.rowDigests(before.snapshotId)).toEqual(before.rows);
      expect(await store.snapshots.invoiceTotals(before.snapshotId, 'USD')).toEqual(before.totals);
      expect(await store.snapshots.storedRows('invoices')).toBe(Number(before.rows.invoices!.split(':')[0]));
    } finally {
      store.close();
    }
    expect(await rawSql(path, 'SELECT count(*)::DOUBLE AS n FROM invoices')).toEqual([{ n: 0 }]);
    expect(await verify(path)).toMatchObject({ ok: true });
    // Its rows, now in a file, are still held to the digest that earlier version recorded.
    const changed = join(tempDir('daylight-earlier-changed-'), 'd.duckdb');
    copyStore(path, changed);
    await rewriteRowFile(
      changed,
      'invoices',
      'SELECT * FROM rows WHERE invoice_id <> (SELECT max(invoice_id) FROM rows)',
    );
    expect(await verify(changed)).toMatchObject({ ok: false });
  });

  it('never reads rows added to the stored table under a snapshot whose rows are in files, and verify reports them', async () => {
    const path = join(tempDir('daylight-forged-'), 'd.duckdb');
    const { snapshotId, totals } = await ingested(path);
    const [listed] = await rawSql(path, `SELECT file FROM row_files WHERE table_name = 'invoices'`);
    await rawSql(
      path,
      `INSERT INTO invoices SELECT * REPLACE ('${snapshotId}' AS snapshot_id, 'INV-FORGED' AS invoice_id, 999999.00 AS net_amount,
         999999.00 AS list_amount)
       FROM read_parquet('${path}.rows/${listed!.file}') LIMIT 1`,
    );
    const store = await Store.open(path);
    try {
      expect(await store.snapshots.invoiceTotals(snapshotId, 'USD')).toEqual(totals);
    } finally {
      store.close();
    }
    // Opening the store did not take them into a file; verify reports them.
    expect(await rawSql(path, 'SELECT count(*)::DOUBLE AS n FROM row_files')).toEqual([{ n: 2 }]);
    const v = await verify(path);
    expect(v.ok).toBe(false);
    expect(v.broken!.reason).toMatch(/the rows of invoices in snapshot/);
  });

  it('removes, when the store opens, files and folders no stored snapshot lists', async () => {
    const path = join(tempDir('daylight-sweep-'), 'd.duckdb');
    const { snapshotId } = await ingested(path);
    const kept = readdirSync(join(`${path}.rows`, snapshotId)).sort();
    writeFileSync(join(`${path}.rows`, snapshotId, 'invoices-deadbeef.parquet'), 'left by a write that died');
    mkdirSync(join(`${path}.rows`, 'dead0000'));
    writeFileSync(join(`${path}.rows`, 'dead0000', 'logins-00000000.parquet'), 'left by a staged snapshot');
    // Parts a cluster's workers screened for a coordinator killed wait for it a day (see RowFiles.screenParts).
    const screens = join(`${path}.rows`, 'screens');
    for (const run of ['fresh', 'stale']) {
      mkdirSync(join(screens, run), { recursive: true });
      writeFileSync(join(screens, run, 'invoices-0.parquet'), 'a part');
    }
    const twoDaysAgo = new Date(Date.now() - 2 * SCREEN_PARTS_KEPT_MS);
    utimesSync(join(screens, 'stale'), twoDaysAgo, twoDaysAgo);
    (await Store.open(path)).close();
    expect(readdirSync(`${path}.rows`).sort()).toEqual(['screens', snapshotId].sort());
    expect(readdirSync(screens)).toEqual(['fresh']);
    expect(readdirSync(join(screens, 'fresh'))).toEqual(['invoices-0.parquet']);
    expect(readdirSync(join(`${path}.rows`, snapshotId)).sort()).toEqual(kept);
  });

  it('says which file is missing when a store was moved without its row files, and verify names the table', async () => {
    const path = join(tempDir('daylight-moved-'), 'd.duckdb');
    const { snapshotId } = await ingested(path);
    rmSync(`${path}.rows`, { recursive: true });
    const store = await Store.open(path);
    try {
      await expect(store.snapshots.invoiceTotals(snapshotId, 'USD')).rejects.toThrow(
        /invoices-[0-9a-f]{8}\.parquet is missing: the store keeps its invoices and sign-ins in .*d\.duckdb\.rows/,
      );
      const v = await store.verifyLedger();
      expect(v.ok).toBe(false);
      expect(v.broken!.reason).toMatch(/the rows of (invoices|logins) in snapshot/);
    } finally {
      store.close();
    }
  });

  it('leaves no row file behind when the bundle turns out to be stored already (its screens stopped)', async () => {
    const path = join(tempDir('daylight-twice-'), 'd.duckdb');
    const { snapshotId } = await ingested(path);
    const files = readdirSync(join(`${path}.rows`, snapshotId)).sort();
    const store = await Store.open(path);
    try {
      const again = await ingestBundle(store, await sampleS());
      expect(again).toMatchObject({ snapshotId, created: false });
      expect(await store.snapshots.staged()).toEqual([]);
    } finally {
      store.close();
    }
    // The second ingest's screens were stopped and their files removed (their folder goes when the store opens).
    const left = readdirSync(`${path}.rows`, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.parquet'),
    );
    expect(left.sort()).toEqual(files.map((f) => join(snapshotId, f)));
  });

  it('copies a store with its row files (daylight store copy); the copy verifies and sums the same', async () => {
    const path = join(tempDir('daylight-copy-from-'), 'd.duckdb');
    const { snapshotId, totals } = await ingested(path);
    const to = join(tempDir('daylight-copy-to-'), 'backup', 'd.duckdb');
    const copied = await run(process.execPath, [
      'bin/daylight.mjs',
      'store',
      'copy',
      to,
      '--store',
      path,
      '--json',
    ]);
    expect(JSON.parse(copied.stdout)).toMatchObject({ from: path, to, verified: { ok: true } });
    expect(readdirSync(join(`${to}.rows`, snapshotId)).sort()).toEqual(
      readdirSync(join(`${path}.rows`, snapshotId)).sort(),
    );
    const copy = await Store.open(to);
    try {
      expect(await copy.snapshots.invoiceTotals(snapshotId, 'USD')).toEqual(totals);
      // A copy never lands on a store that is there.
      await expect(copy.copyTo(path)).rejects.toThrow(/is there already/);
    } finally {
      copy.close();
    }
  });

  it('deletes a whole store, row files included', async () => {
    const path = join(tempDir('daylight-remove-'), 'd.duckdb');
    await ingested(path);
    expect(existsSync(`${path}.rows`)).toBe(true);
    removeStore(path);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.rows`)).toBe(false);
  });
});
