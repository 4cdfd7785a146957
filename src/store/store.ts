import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { z } from 'zod';
import { columnMeta } from '../contract/columns.ts';
import { type Finding, findingSchema } from '../contract/finding.ts';
import { type AnyTable, type BundleTables, TABLES, type TableName } from '../contract/tables.ts';
import type { LoadedBundle } from '../ingest/bundle.ts';
import { sha256Hex } from '../util/hash.ts';
import { findingsDigest, LEDGER_SCHEMA, Ledger } from './ledger.ts';
import { SnapshotWriter } from './snapshot-writer.ts';

export const DEFAULT_STORE = './.daylight/daylight.duckdb';

/** Who the ledger names for work done from this process. */
export const actor = () => process.env.DAYLIGHT_ACTOR ?? `local:${userInfo().username}`;

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
  return sha256Hex(lines.join('\n')).slice(0, 16);
}

/** The embedded DuckDB store: snapshots of ingested bundles, audit runs and their findings. */
export class Store {
  readonly ledger: Ledger;

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly db: DuckDBConnection,
  ) {
    this.ledger = new Ledger(db);
  }

  static async open(path = DEFAULT_STORE): Promise<Store> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const instance = await DuckDBInstance.create(path).catch((e: Error) => {
      if (/Could not set lock/.test(e.message))
        throw new Error(
          `the store ${path} is open in another Daylight process (daylight serve?): stop it, or use the workspace API`,
        );
      throw e;
    });
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
        jurisdiction VARCHAR, period_from VARCHAR, period_to VARCHAR, revenue_at_stake DECIMAL(18,2), body VARCHAR);
      ALTER TABLE findings ADD COLUMN IF NOT EXISTS ord INTEGER;
      CREATE TABLE IF NOT EXISTS cases (
        finding_id VARCHAR PRIMARY KEY, status VARCHAR NOT NULL, resolution VARCHAR, assignee VARCHAR,
        snoozed_until VARCHAR, updated_at VARCHAR, updated_by VARCHAR);
      CREATE TABLE IF NOT EXISTS run_outputs (run_id VARCHAR, name VARCHAR, body VARCHAR);
      CREATE TABLE IF NOT EXISTS run_verdicts (run_id VARCHAR, account_id VARCHAR, period VARCHAR, jurisdiction VARCHAR,
        activity VARCHAR, strength VARCHAR, nexus VARCHAR, rules VARCHAR);
      CREATE TABLE IF NOT EXISTS users (name VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, password_hash VARCHAR NOT NULL, created_at VARCHAR);
      CREATE TABLE IF NOT EXISTS api_tokens (token_hash VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, label VARCHAR, created_at VARCHAR);
      CREATE TABLE IF NOT EXISTS sessions (session_hash VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, expires_at VARCHAR NOT NULL);
      CREATE TABLE IF NOT EXISTS case_comments (finding_id VARCHAR, commented_at VARCHAR, author VARCHAR, text VARCHAR);
      ${LEDGER_SCHEMA};`);
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

  /**
   * A snapshot written while its bundle is still being validated (see SnapshotWriter): nothing else may use
   * this store's connection until it is finished or aborted.
   */
  beginSnapshot(snapshotId: string): SnapshotWriter {
    return new SnapshotWriter(this.db, this.ledger, snapshotId, actor());
  }

  /** Records an audit run and its findings; the same run (same inputs, same findings) is recorded once. */
  async recordAuditRun(
    snapshotId: string,
    run: {
      settings: Record<string, unknown>;
      rulebookVersion: string;
      findings: Finding[];
      /** Tables of the run (revenue, segments, reconciliation) as rows of plain values, for the workspace. */
      outputs?: Record<string, Record<string, string | boolean>[]>;
      /** Every prohibited-activity period: account, period, jurisdiction, activity, strength, nexus tests, rules. */
      verdicts?: string[][];
    },
  ): Promise<string> {
    const lines = run.findings.map((f) => JSON.stringify(f));
    const digest = findingsDigest(lines);
    const runId = sha256Hex(
      `${snapshotId}\n${JSON.stringify(run.settings)}\n${run.rulebookVersion}\n${digest}`,
    ).slice(0, 16);
    const exists = await this.db.runAndReadAll('SELECT 1 FROM audit_runs WHERE run_id = $r', { r: runId });
    if (exists.currentRowCount > 0) return runId;
    await this.db.run('BEGIN TRANSACTION');
    try {
      await this.db.run('INSERT INTO audit_runs VALUES ($r, $s, now(), $settings, $v, $d, $n)', {
        r: runId,
        s: snapshotId,
        settings: JSON.stringify(run.settings),
        v: run.rulebookVersion,
        d: digest,
        n: run.findings.length,
      });
      const appender = await this.db.createAppender('findings');
      run.findings.forEach((f, i) => {
        for (const v of [
          runId,
          f.id,
          f.code,
          f.severity,
          f.account_id,
          f.staff_id,
          f.jurisdiction,
          f.period_from,
          f.period_to,
          f.revenue_at_stake,
          lines[i]!,
        ])
          v === null ? appender.appendNull() : appender.appendVarchar(v);
        appender.appendInteger(i);
        appender.endRow();
      });
      appender.flushSync();
      appender.closeSync();
      const verdicts = await this.db.createAppender('run_verdicts');
      for (const v of run.verdicts ?? []) {
        verdicts.appendVarchar(runId);
        for (const cell of v) verdicts.appendVarchar(cell);
        verdicts.endRow();
      }
      verdicts.flushSync();
      verdicts.closeSync();
      for (const [name, rows] of Object.entries(run.outputs ?? {}))
        await this.db.run('INSERT INTO run_outputs VALUES ($r, $n, $b)', {
          r: runId,
          n: name,
          b: JSON.stringify(rows),
        });
      await this.ledger.append('audit-run', actor(), {
        run_id: runId,
        snapshot_id: snapshotId,
        settings: run.settings,
        rulebook_version: run.rulebookVersion,
        findings_digest: digest,
        finding_count: run.findings.length,
      });
      await this.db.run('COMMIT');
    } catch (e) {
      await this.db.run('ROLLBACK');
      throw e;
    }
    return runId;
  }

  /** The findings of the newest audit run of a snapshot, or null when it was never audited. */
  async latestFindings(snapshotId: string): Promise<Finding[] | null> {
    const run = await this.db.runAndReadAll(
      'SELECT run_id FROM audit_runs WHERE snapshot_id = $s ORDER BY started_at DESC LIMIT 1',
      { s: snapshotId },
    );
    const runId = run.getRowObjectsJson()[0]?.run_id;
    if (runId === undefined) return null;
    const r = await this.db.runAndReadAll('SELECT body FROM findings WHERE run_id = $r', {
      r: String(runId),
    });
    return r.getRowObjectsJson().map((row) => findingSchema.parse(JSON.parse(String(row.body))));
  }

  /** A table of an audit run's outputs (revenue, segments, reconciliation). */
  async runOutput(runId: string, name: string): Promise<Record<string, string | boolean>[]> {
    const r = await this.db.runAndReadAll('SELECT body FROM run_outputs WHERE run_id = $r AND name = $n', {
      r: runId,
      n: name,
    });
    const row = r.getRowObjectsJson()[0];
    return row ? (JSON.parse(String(row.body)) as Record<string, string | boolean>[]) : [];
  }

  /** The newest audit run of a snapshot (or of the store). */
  async latestRun(
    snapshotId?: string,
  ): Promise<{ run_id: string; snapshot_id: string; started_at: string } | null> {
    const r = await this.db.runAndReadAll(
      `SELECT run_id, snapshot_id, strftime(started_at, '%Y-%m-%dT%H:%M:%SZ') AS started_at FROM audit_runs
       ${snapshotId ? 'WHERE snapshot_id = $s' : ''} ORDER BY started_at DESC LIMIT 1`,
      snapshotId ? { s: snapshotId } : {},
    );
    return (
      (r.getRowObjectsJson()[0] as { run_id: string; snapshot_id: string; started_at: string } | undefined) ??
      null
    );
  }

  /** The rows of one table of a snapshot whose column equals a value, through the contract schema. */
  async rowsWhere<T extends TableName>(
    snapshotId: string,
    name: T,
    column: string,
    value: string,
  ): Promise<BundleTables[T]> {
    return this.readTable(snapshotId, name, { column, value });
  }

  /** Reads a table of a snapshot back through its contract schema (so money is exact cents again). */
  async readTable<T extends TableName>(
    snapshotId: string,
    name: T,
    where?: { column: string; value: string },
  ): Promise<BundleTables[T]> {
    const def = TABLES.find((t) => t.name === name)!;
    const columns = columnsOf(def).map(([c, schema]) => {
      const sql = columnMeta(schema).sql;
      const q = quote(c);
      return sql === 'DATE' ? `strftime(${q}, '%Y-%m-%d') AS ${q}` : `CAST(${q} AS VARCHAR) AS ${q}`;
    });
    const r = await this.db.runAndReadAll(
      `SELECT ${columns.join(', ')} FROM ${quote(name)} WHERE snapshot_id = $id${where ? ` AND CAST(${quote(where.column)} AS VARCHAR) = $v` : ''}`,
      where ? { id: snapshotId, v: where.value } : { id: snapshotId },
    );
    return r.getRowObjectsJson().map((row) => {
      const cells: Record<string, string> = {};
      for (const [k, v] of Object.entries(row)) cells[k] = v === null ? '' : String(v);
      return def.schema.parse(cells);
    }) as BundleTables[T];
  }
}
