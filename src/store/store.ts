import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { z } from 'zod';
import { columnMeta } from '../contract/columns.ts';
import { TABLES } from '../contract/tables.ts';
import { DuckCasesRepository } from './cases.ts';
import { Db, duckdbMemorySetting, HALF_EVEN_MACRO, quote, TRACK_PROGRESS } from './db.ts';
import { DecisionsRepository } from './decisions.ts';
import { DuckLedgerRepository, Ledger, type Verification, verifyLedger } from './ledger.ts';
import { ROW_FILES_SCHEMA, RowFiles } from './row-files.ts';
import { RunsRepository } from './runs.ts';
import { discardStaged } from './snapshot-writer.ts';
import { SnapshotsRepository } from './snapshots.ts';
import { DuckStoredState } from './stored-state.ts';
import { TelemetryRepository } from './telemetry.ts';
import { DuckUsersRepository } from './users.ts';
import { WEBHOOK_SCHEMA, WebhooksRepository } from './webhooks.ts';

export const DEFAULT_STORE = './.daylight/daylight.duckdb';

/** Deletes a store: its database file, DuckDB's log beside it, and its row files (see RowFiles). */
export function removeStore(path: string): void {
  for (const part of [path, `${path}.wal`, RowFiles.dirOf(path)])
    rmSync(part, { recursive: true, force: true });
}

// Times are ISO 8601 text in UTC (`2026-12-01T10:00:00.000Z`), as the ledger records them: stored and recorded
// values compare as written.
const WORKSPACE_SCHEMA = `
  CREATE TABLE IF NOT EXISTS staged_snapshots (snapshot_id VARCHAR PRIMARY KEY, started_at VARCHAR NOT NULL);
  CREATE TABLE IF NOT EXISTS snapshots (
    snapshot_id VARCHAR PRIMARY KEY, bundle_dir VARCHAR, ingested_at VARCHAR, meta VARCHAR, extends_id VARCHAR);
  CREATE TABLE IF NOT EXISTS snapshot_files (
    snapshot_id VARCHAR, table_name VARCHAR, file VARCHAR, sha256 VARCHAR, row_count BIGINT);
  CREATE TABLE IF NOT EXISTS audit_runs (
    run_id VARCHAR PRIMARY KEY, snapshot_id VARCHAR, started_at VARCHAR, settings VARCHAR,
    rulebook_version VARCHAR, findings_digest VARCHAR, finding_count BIGINT, as_of VARCHAR, reading_id VARCHAR);
  CREATE TABLE IF NOT EXISTS findings (
    run_id VARCHAR, id VARCHAR, code VARCHAR, severity VARCHAR, account_id VARCHAR, staff_id VARCHAR,
    jurisdiction VARCHAR, period_from VARCHAR, period_to VARCHAR, revenue_at_stake DECIMAL(18,2), body VARCHAR,
    ord INTEGER);
  CREATE TABLE IF NOT EXISTS cases (
    finding_id VARCHAR PRIMARY KEY, status VARCHAR NOT NULL, resolution VARCHAR, assignee VARCHAR,
    snoozed_until VARCHAR, updated_at VARCHAR, updated_by VARCHAR, proposal VARCHAR);
  CREATE TABLE IF NOT EXISTS run_outputs (run_id VARCHAR, name VARCHAR, body VARCHAR);
  CREATE TABLE IF NOT EXISTS run_verdicts (run_id VARCHAR, account_id VARCHAR, period VARCHAR, jurisdiction VARCHAR,
    activity VARCHAR, strength VARCHAR, nexus VARCHAR, rules VARCHAR);
  CREATE TABLE IF NOT EXISTS users (name VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, password_hash VARCHAR NOT NULL,
    created_at VARCHAR, disabled BOOLEAN NOT NULL DEFAULT false);
  CREATE TABLE IF NOT EXISTS api_tokens (token_hash VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, label VARCHAR,
    created_at VARCHAR, expires_at VARCHAR, revoked_at VARCHAR);
  CREATE TABLE IF NOT EXISTS sessions (session_hash VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, expires_at VARCHAR NOT NULL,
    started_at VARCHAR, ended_at VARCHAR);
  CREATE TABLE IF NOT EXISTS case_comments (finding_id VARCHAR, commented_at VARCHAR, author VARCHAR, text VARCHAR);
  CREATE TABLE IF NOT EXISTS telemetry_readings (
    reading_id VARCHAR PRIMARY KEY, snapshot_id VARCHAR NOT NULL, read_at VARCHAR, made VARCHAR, signals_digest VARCHAR);
  CREATE TABLE IF NOT EXISTS network_signals (reading_id VARCHAR, ord INTEGER, body VARCHAR);
  CREATE TABLE IF NOT EXISTS decisions (
    id VARCHAR PRIMARY KEY, idempotency_key VARCHAR, request_digest VARCHAR NOT NULL, actor VARCHAR NOT NULL,
    body VARCHAR NOT NULL);
  CREATE TABLE IF NOT EXISTS replays (
    replay_id VARCHAR PRIMARY KEY, snapshot_id VARCHAR NOT NULL, replayed_at VARCHAR NOT NULL, body VARCHAR NOT NULL);
  CREATE TABLE IF NOT EXISTS ledger (
    seq BIGINT PRIMARY KEY, recorded_at VARCHAR NOT NULL, kind VARCHAR NOT NULL, actor VARCHAR NOT NULL,
    body VARCHAR NOT NULL, prev_hash VARCHAR NOT NULL, hash VARCHAR NOT NULL);`;

/**
 * The embedded DuckDB store: one repository per feature (snapshots, runs, cases, users, ledger) over one
 * connection, and one transaction helper. Nothing outside this folder writes SQL.
 */
export class Store {
  readonly snapshots: SnapshotsRepository;
  readonly runs: RunsRepository;
  readonly cases: DuckCasesRepository;
  readonly users: DuckUsersRepository;
  readonly telemetry: TelemetryRepository;
  readonly decisions: DecisionsRepository;
  readonly webhooks: WebhooksRepository;
  /** Where changes put their webhook events (the webhooks repository's outbox). */
  readonly outbox: WebhooksRepository;
  readonly ledger: Ledger;
  private readonly db: Db;
  private readonly rowFiles: RowFiles;

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {
    this.db = new Db(connection);
    this.rowFiles = RowFiles.of(path);
    this.ledger = new Ledger(new DuckLedgerRepository(this.db));
    this.telemetry = new TelemetryRepository(this.db);
    this.snapshots = new SnapshotsRepository(
      this.db,
      this.ledger,
      this.telemetry,
      this.rowFiles,
      this.connect,
    );
    this.runs = new RunsRepository(this.db);
    this.cases = new DuckCasesRepository(this.db);
    this.users = new DuckUsersRepository(this.db);
    this.decisions = new DecisionsRepository(this.db);
    this.webhooks = new WebhooksRepository(this.db);
    this.outbox = this.webhooks;
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
    await store.db.run(duckdbMemorySetting());
    await store.db.run(TRACK_PROGRESS);
    await store.migrate();
    await store.discardUnfinished();
    await store.rowFiles.adopt(store.db);
    await store.rowFiles.sweep(store.db);
    return store;
  }

  /**
   * `work` with the snapshots read through a connection of its own: it reads committed rows (a staged snapshot's
   * large tables, see SnapshotWriter) while this connection's transaction is still open, and DuckDB runs the two
   * side by side. Its scratch tables are its own; the connection closes when `work` ends.
   */
  async withReader<T>(work: (snapshots: SnapshotsRepository) => Promise<T>): Promise<T> {
    const db = await this.connect();
    try {
      await db.run(HALF_EVEN_MACRO);
      return await work(
        new SnapshotsRepository(db, this.ledger, this.telemetry, this.rowFiles, this.connect),
      );
    } finally {
      db.close();
    }
  }

  /** Another connection to the store, progress tracked: its statements run beside this one's. */
  private readonly connect = async (): Promise<Db> => {
    const db = new Db(await this.instance.connect());
    await db.run(TRACK_PROGRESS);
    return db;
  };

  /**
   * Copies the store to `to` (a path no store uses yet): its database file, written out first, and its row files
   * beside it. Nothing else may write meanwhile: the store's lock keeps other processes out.
   */
  async copyTo(to: string): Promise<void> {
    if (this.path === ':memory:') throw new Error('a store in memory has no files to copy');
    if (existsSync(to) || existsSync(RowFiles.dirOf(to)))
      throw new Error(`${to} is there already: name a new path`);
    await this.db.run('CHECKPOINT');
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(this.path, to);
    if (existsSync(this.rowFiles.dir)) cpSync(this.rowFiles.dir, RowFiles.dirOf(to), { recursive: true });
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
    this.rowFiles.close();
  }

  /** All of `work`'s writes, through any repository, are stored together or not at all. */
  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** Recomputes the ledger and checks the stored state it recorded (see `verifyLedger`). */
  verifyLedger(savedHead?: string): Promise<Verification> {
    return verifyLedger(this.ledger.repository, new DuckStoredState(this.db, this.snapshots), savedHead);
  }

  /** Snapshots a process died while writing (see SnapshotWriter.finish): their staged rows go. */
  private async discardUnfinished(): Promise<void> {
    const staged = await this.db.columns('SELECT snapshot_id FROM staged_snapshots');
    for (const id of (staged[0] ?? []) as string[]) await discardStaged(this.db, this.rowFiles, id);
  }

  private async migrate(): Promise<void> {
    await this.db.run(WORKSPACE_SCHEMA);
    await this.db.run(WEBHOOK_SCHEMA);
    await this.db.run(ROW_FILES_SCHEMA);
    await this.db.run('ALTER TABLE snapshots ADD COLUMN IF NOT EXISTS extends_id VARCHAR');
    await this.db.run(HALF_EVEN_MACRO);
    for (const def of TABLES) {
      const columns = (Object.entries(def.schema.shape) as [string, z.ZodType][]).map(
        ([name, schema]) => `${quote(name)} ${columnMeta(schema).sql}`,
      );
      await this.db.run(
        `CREATE TABLE IF NOT EXISTS ${quote(def.name)} (snapshot_id VARCHAR NOT NULL, ${columns.join(', ')})`,
      );
    }
  }
}
