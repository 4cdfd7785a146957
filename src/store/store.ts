import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { z } from 'zod';
import { columnMeta } from '../contract/columns.ts';
import { formatDecimal } from '../contract/decimal.ts';
import { formatMoney } from '../contract/money.ts';
import { type AnyTable, type BundleTables, TABLES, type TableName } from '../contract/tables.ts';
import type { LoadedBundle, RowSink } from '../ingest/bundle.ts';

export const DEFAULT_STORE = './.daylight/daylight.duckdb';

export interface SnapshotInfo {
  snapshot_id: string;
  bundle_dir: string;
  ingested_at: string;
  meta: string;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

function columnsOf(def: AnyTable): [string, z.ZodType][] {
  return Object.entries(def.schema.shape) as [string, z.ZodType][];
}

/** A bundle's identity: the content hashes of its files, so the same files are the same snapshot. */
export function snapshotIdOf(bundle: Pick<LoadedBundle, 'files'>): string {
  const lines = bundle.files.map((f) => `${f.file}\t${f.sha256}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
}

type Appender = Awaited<ReturnType<DuckDBConnection['createAppender']>>;

/** Appends a validated row's cells in column order, money and decimals as exact text. */
function cellWriter(def: AnyTable): (appender: Appender, row: Record<string, unknown>) => void {
  const columns = columnsOf(def).map(([name, schema]) => ({ name, format: columnMeta(schema).format }));
  return (appender, row) => {
    for (const { name, format } of columns) {
      const v = row[name];
      if (v === null || v === undefined) appender.appendNull();
      else if (format === 'money') appender.appendVarchar(formatMoney(v as bigint));
      else if (format === 'decimal') appender.appendVarchar(formatDecimal(v as bigint));
      else appender.appendVarchar(v as string);
    }
  };
}

/** Rows of one large table on their way into the store, with the line each came from. */
export class Stage implements RowSink {
  private readonly write: (appender: Appender, row: Record<string, unknown>) => void;
  private open = true;

  constructor(
    private readonly db: DuckDBConnection,
    private readonly def: AnyTable,
    readonly table: string,
    private readonly appender: Appender,
  ) {
    this.write = cellWriter(def);
  }

  append(row: Record<string, unknown>, line: number): void {
    this.appender.appendBigInt(BigInt(line));
    this.write(this.appender, row);
    this.appender.endRow();
  }

  finish(): void {
    if (!this.open) return;
    this.appender.flushSync();
    this.appender.closeSync();
    this.open = false;
  }

  async duplicates(key: readonly string[]): Promise<{ line: number; first: number }[]> {
    this.appender.flushSync();
    const k = key.map(quote).join(', ');
    const r = await this.db.runAndReadAll(
      `SELECT line::DOUBLE AS line, first::DOUBLE AS first FROM (
         SELECT line, min(line) OVER (PARTITION BY ${k}) AS first FROM ${quote(this.table)})
       WHERE line <> first ORDER BY line LIMIT 10000`,
    );
    return r.getRowObjectsJson() as unknown as { line: number; first: number }[];
  }

  async copyInto(snapshotId: string): Promise<void> {
    const columns = columnsOf(this.def)
      .map(([c]) => quote(c))
      .join(', ');
    await this.db.run(
      `INSERT INTO ${quote(this.def.name)} SELECT $id, ${columns} FROM ${quote(this.table)}`,
      { id: snapshotId },
    );
  }

  async drop(): Promise<void> {
    this.finish();
    await this.db.run(`DROP TABLE IF EXISTS ${quote(this.table)}`);
  }
}

/** The embedded DuckDB store: snapshots of ingested bundles, audit runs and their findings. */
export class Store {
  private readonly stages = new Map<TableName, Stage>();

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly db: DuckDBConnection,
  ) {}

  static async open(path = DEFAULT_STORE): Promise<Store> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const instance = await DuckDBInstance.create(path);
    const store = new Store(path, instance, await instance.connect());
    await store.migrate();
    return store;
  }

  close(): void {
    this.db.closeSync();
    this.instance.closeSync();
  }

  private async migrate(): Promise<void> {
    await this.db.run(`
      CREATE TABLE IF NOT EXISTS snapshots (
        snapshot_id VARCHAR PRIMARY KEY, bundle_dir VARCHAR, ingested_at TIMESTAMPTZ, meta VARCHAR);
      CREATE TABLE IF NOT EXISTS snapshot_files (
        snapshot_id VARCHAR, table_name VARCHAR, file VARCHAR, sha256 VARCHAR, row_count BIGINT);
      CREATE TABLE IF NOT EXISTS audit_runs (
        run_id VARCHAR PRIMARY KEY, snapshot_id VARCHAR, started_at TIMESTAMPTZ, settings VARCHAR,
        rulebook_version VARCHAR, findings_digest VARCHAR, finding_count BIGINT);
      CREATE TABLE IF NOT EXISTS findings (
        run_id VARCHAR, id VARCHAR, code VARCHAR, severity VARCHAR, account_id VARCHAR, staff_id VARCHAR,
        jurisdiction VARCHAR, period_from VARCHAR, period_to VARCHAR, revenue_at_stake DECIMAL(18,2), body VARCHAR);`);
    for (const def of TABLES) {
      const columns = columnsOf(def).map(([name, schema]) => `${quote(name)} ${columnMeta(schema).sql}`);
      await this.db.run(
        `CREATE TABLE IF NOT EXISTS ${quote(def.name)} (snapshot_id VARCHAR NOT NULL, ${columns.join(', ')})`,
      );
    }
  }

  async snapshots(): Promise<SnapshotInfo[]> {
    const r = await this.db.runAndReadAll(
      `SELECT snapshot_id, bundle_dir, strftime(ingested_at, '%Y-%m-%dT%H:%M:%SZ') AS ingested_at, meta
       FROM snapshots ORDER BY ingested_at, snapshot_id`,
    );
    return r.getRowObjectsJson() as unknown as SnapshotInfo[];
  }

  async hasSnapshot(id: string): Promise<boolean> {
    const r = await this.db.runAndReadAll('SELECT 1 FROM snapshots WHERE snapshot_id = $id', { id });
    return r.currentRowCount > 0;
  }

  /** A staging table that takes a large table's rows while they are read, before the bundle is known good. */
  async stage(name: TableName): Promise<Stage> {
    const def = TABLES.find((t) => t.name === name)!;
    const table = `stage_${name}_${process.pid}_${Date.now()}`;
    const columns = columnsOf(def).map(([c, schema]) => `${quote(c)} ${columnMeta(schema).sql}`);
    await this.db.run(`CREATE TABLE ${quote(table)} (line BIGINT, ${columns.join(', ')})`);
    const stage = new Stage(this.db, def, table, await this.db.createAppender(table));
    this.stages.set(name, stage);
    return stage;
  }

  /** Drops the staging tables (after a bundle was refused, or once copied). */
  async dropStages(): Promise<void> {
    for (const stage of this.stages.values()) await stage.drop();
    this.stages.clear();
  }

  /** Writes a validated bundle in one transaction; the same files again change nothing. */
  async ingest(bundle: LoadedBundle): Promise<{ snapshotId: string; created: boolean }> {
    const snapshotId = snapshotIdOf(bundle);
    if (await this.hasSnapshot(snapshotId)) {
      await this.dropStages();
      return { snapshotId, created: false };
    }
    for (const stage of this.stages.values()) stage.finish();
    await this.db.run('BEGIN TRANSACTION');
    try {
      for (const def of TABLES) {
        const stage = bundle.streamed.has(def.name) ? this.stages.get(def.name) : undefined;
        if (stage) await stage.copyInto(snapshotId);
        else
          await this.appendRows(
            def,
            snapshotId,
            bundle.tables[def.name] as unknown as Record<string, unknown>[],
          );
      }
      for (const f of bundle.files)
        await this.db.run('INSERT INTO snapshot_files VALUES ($s, $t, $f, $h, $n)', {
          s: snapshotId,
          t: f.table,
          f: f.file,
          h: f.sha256,
          n: f.rows,
        });
      await this.db.run('INSERT INTO snapshots VALUES ($s, $d, now(), $m)', {
        s: snapshotId,
        d: bundle.dir,
        m: JSON.stringify(bundle.meta),
      });
      await this.db.run('COMMIT');
    } catch (e) {
      await this.db.run('ROLLBACK');
      throw e;
    } finally {
      await this.dropStages();
    }
    return { snapshotId, created: true };
  }

  private async appendRows(
    def: AnyTable,
    snapshotId: string,
    rows: Record<string, unknown>[],
  ): Promise<void> {
    const appender = await this.db.createAppender(def.name);
    const write = cellWriter(def);
    for (const row of rows) {
      appender.appendVarchar(snapshotId);
      write(appender, row);
      appender.endRow();
    }
    appender.flushSync();
    appender.closeSync();
  }

  /** Reads a table of a snapshot back through its contract schema (so money is exact cents again). */
  async readTable<T extends TableName>(snapshotId: string, name: T): Promise<BundleTables[T]> {
    const def = TABLES.find((t) => t.name === name)!;
    const columns = columnsOf(def).map(([c, schema]) => {
      const sql = columnMeta(schema).sql;
      const q = quote(c);
      return sql === 'DATE' ? `strftime(${q}, '%Y-%m-%d') AS ${q}` : `CAST(${q} AS VARCHAR) AS ${q}`;
    });
    const r = await this.db.runAndReadAll(
      `SELECT ${columns.join(', ')} FROM ${quote(name)} WHERE snapshot_id = $id`,
      { id: snapshotId },
    );
    return r.getRowObjectsJson().map((row) => {
      const cells: Record<string, string> = {};
      for (const [k, v] of Object.entries(row)) cells[k] = v === null ? '' : String(v);
      return def.schema.parse(cells);
    }) as BundleTables[T];
  }
}
