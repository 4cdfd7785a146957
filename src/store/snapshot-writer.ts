import { join } from 'node:path';
import type { DuckDBAppender } from '@duckdb/node-api';
import type { z } from 'zod';
import { columnMeta } from '../contract/columns.ts';
import { formatDecimal } from '../contract/decimal.ts';
import { formatMoney } from '../contract/money.ts';
import { type AnyTable, TABLES, type TableName } from '../contract/tables.ts';
import type { LoadedBundle, StreamedTable } from '../ingest/bundle.ts';
import type { Db } from './db.ts';
import { literal, quote } from './db.ts';
import { fileSource, typedSelect } from './duckdb-files.ts';
import type { Ledger } from './ledger.ts';
import { keptInFiles, type RowFiles, type ScreenParts } from './row-files.ts';
import {
  checkedRowsSelect,
  type RemoteScreen,
  type ScreenInput,
  type ScreenResult,
  screenConditions,
  screenedCounts,
  storedRowsProblem,
  strictCsv,
} from './screen.ts';
import { copyParentInvoices, type ExtensionConflict, extensionConflicts } from './snapshot-extension.ts';
import type { TelemetryReading, TelemetryRepository } from './telemetry.ts';

type Appender = DuckDBAppender;

/** A screened table's stored rows break a key (see storedRowsProblem): the file must be read row by row. */
export class ScreenRejected extends Error {
  constructor(
    readonly table: string,
    readonly why: string,
  ) {
    super(`${table}: ${why}`);
  }
}

/** The bundle cannot extend its parent snapshot (see extensionConflicts); nothing was stored. */
export class ExtensionRejected extends Error {
  constructor(readonly conflicts: ExtensionConflict[]) {
    super(`the bundle cannot extend its snapshot (${conflicts.length} conflict(s))`);
  }
}

/** Appends a validated row's cells in column order, money and decimals as exact text. */
function cellWriter(def: AnyTable): (appender: Appender, row: Record<string, unknown>) => void {
  const columns = (Object.entries(def.schema.shape) as [string, z.ZodType][]).map(([name, schema]) => ({
    name,
    format: columnMeta(schema).format,
  }));
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

/**
 * Writes one snapshot in one transaction. A large table is loaded from its file (DuckDB's own reader) into a row
 * file of the store and checked in the same pass on every core (`screen`), while the rest of the bundle is still to
 * be validated and before the snapshot is named (`identify`, once the bundle's files are hashed); `finish` writes
 * the rest once the bundle is valid, `abort` leaves nothing. A large table the screen does not clear is checked row
 * by row while it loads again with one DuckDB thread, so that DuckDB and the checking thread each have a core. The
 * other tables, already checked, are loaded from their CSV files by DuckDB too (appending millions of cells one call
 * at a time costs more than reading the file again).
 */
export class SnapshotWriter {
  private id: string | null = null;
  private name: (snapshotId: string) => void = () => {};
  /** The snapshot marked as staging, once it is named: its large tables load and commit before the rest. */
  private readonly staged: Promise<void>;
  private readonly loading = new Map<TableName, Promise<number>>();
  /** Tables screened before the snapshot was named: their files, placed under it by `identify`. */
  private readonly unplaced = new Map<TableName, { file: string; rows: number }[]>();
  /** Stops a remote screen when the snapshot is not written. */
  private readonly stopping = new AbortController();
  private readonly screens = new Set<Promise<unknown>>();
  /** The screens' connection: theirs alone, so that a screen no longer wanted can be interrupted. */
  private screenDb: Promise<Db> | null = null;
  private transaction: { commit(): Promise<void>; rollback(): Promise<void> } | null = null;
  private ended = false;
  private unorderedScreens = 0;
  private unorderedSet: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly ledger: Ledger,
    private readonly telemetry: TelemetryRepository,
    private readonly rowFiles: RowFiles,
    private readonly connect: () => Promise<Db>,
    private readonly actor: string,
    private readonly tableDigests: (snapshotId: string) => Promise<Record<string, string>>,
    /** Called once when the writer commits or rolls back. */
    private readonly onEnd: () => void = () => {},
    /** Where large tables are screened when not on this store's own connection (a cluster's workers). */
    private readonly remote?: RemoteScreen,
  ) {
    const named = new Promise<string>((resolve) => {
      this.name = resolve;
    });
    this.staged = named.then((id) =>
      db.run('INSERT INTO staged_snapshots VALUES ($s, $at)', { s: id, at: new Date().toISOString() }),
    );
    this.staged.catch(() => {}); // settled by finish or abort
  }

  get snapshotId(): string {
    if (this.id === null) throw new Error('the snapshot is not named yet (see identify)');
    return this.id;
  }

  /**
   * Names the snapshot, once its files are hashed, and marks it staging; tables screened meanwhile are placed under
   * it. The screens start before: a bundle's hashes take as long as DuckDB's first seconds of loading it.
   */
  async identify(snapshotId: string): Promise<void> {
    this.id = snapshotId;
    this.name(snapshotId);
    // A mark that cannot be set (another writer of the same snapshot) fails the loads and `finish`.
    const marked = await this.staged.then(
      () => true,
      () => false,
    );
    if (!marked) return;
    for (const [table, files] of this.unplaced)
      for (const { file, rows } of files) await this.place(table, file, rows);
    this.unplaced.clear();
  }

  /** Starts loading a table from its file; the count of loaded rows is checked by `finish`. */
  load(def: AnyTable, source: Omit<StreamedTable, 'rows'>): void {
    const loaded = this.staged.then(async () => {
      if (!source.screened) await this.db.run('SET threads = 1');
      try {
        return await this.insertFromFile(def, source);
      } finally {
        if (!source.screened) await this.db.run('RESET threads');
      }
    });
    loaded.catch(() => {}); // settled by finish or abort
    this.loading.set(def.name, loaded);
  }

  /**
   * Loads a large table's CSV file into a row file on every core and checks every row's cells in the same pass (see
   * screenConditions), marking a row that breaks a rule and counting them, before the snapshot is named if need be.
   * Clean: the file is the table's, and `finish` checks its keys. Otherwise it is removed and the CSV file is the
   * row-by-row reader's, as is a file DuckDB cannot read strictly or a cell it cannot convert.
   */
  async screen(input: ScreenInput): Promise<ScreenResult> {
    const conditions = screenConditions(input);
    if (input.format !== 'csv') return { rows: 0, clean: false, reason: 'not CSV' };
    if (!conditions) return { rows: 0, clean: false, reason: 'a column only the row-by-row check can judge' };
    if (this.ended) return { rows: 0, clean: false, reason: 'the snapshot is not written' };
    const screening = this.remote
      ? this.screenRemotely(input, conditions)
      : this.screenToFile(input, conditions);
    this.screens.add(screening);
    try {
      return await screening;
    } finally {
      this.screens.delete(screening);
    }
  }

  private async screenToFile(input: ScreenInput, conditions: string[]): Promise<ScreenResult> {
    const { def } = input;
    this.screenDb ??= this.connect();
    const db = await this.screenDb;
    const file = this.rowFiles.newPendingFile(def.name);
    const result = await db
      .withProgress(() => this.writeChecked(db, file, input, conditions), input.onProgress)
      .then(async (): Promise<ScreenResult> => {
        const { rows, broken } = await screenedCounts(db, this.rowFiles.path(file));
        if (broken === 0) return { rows, clean: true };
        return { rows, clean: false, reason: `${broken} row(s) break a rule` };
      })
      .catch((e: Error): ScreenResult => ({ rows: 0, clean: false, reason: e.message.split('\n')[0] }));
    return this.keep(def.name, [{ file, rows: result.rows }], result);
  }

  /**
   * A table's file screened by the cluster's workers, a part each, into files of the store's (see RemoteScreen).
   * Parts a failed screen wrote go; a coordinator killed leaves them to the run started again (see screenParts).
   */
  private async screenRemotely(input: ScreenInput, conditions: string[]): Promise<ScreenResult> {
    const named: string[] = [];
    const target = this.rowFiles.screenParts(input.def.name);
    const parts: ScreenParts = {
      dir: target.dir,
      part: (run, index) => {
        const part = target.part(run, index);
        named.push(part.file);
        return part;
      },
    };
    try {
      const screened = await this.remote!(input, parts, this.stopping.signal);
      // A worker that does not share the paths: screened here, as without a cluster.
      if (screened.some((p) => p.unshared)) {
        for (const file of named) this.rowFiles.remove(file);
        return await this.screenToFile(input, conditions);
      }
      const rows = screened.reduce((n, p) => n + p.rows, 0);
      const broken = screened.reduce((n, p) => n + p.broken, 0);
      const unread = screened.find((p) => p.reason);
      const result: ScreenResult = unread
        ? { rows: 0, clean: false, reason: unread.reason }
        : broken > 0
          ? { rows, clean: false, reason: `${broken} row(s) break a rule` }
          : { rows, clean: true };
      return await this.keep(input.def.name, screened, result);
    } catch (e) {
      for (const file of named) this.rowFiles.remove(file);
      if (this.ended) return { rows: 0, clean: false, reason: 'the snapshot is not written' };
      throw e;
    }
  }

  /** A table's screened files, kept for the snapshot when clean, else removed. */
  private async keep(
    table: TableName,
    files: { file: string; rows: number }[],
    result: ScreenResult,
  ): Promise<ScreenResult> {
    if (!result.clean || this.ended) {
      for (const { file } of files) this.rowFiles.remove(file);
      return this.ended ? { rows: 0, clean: false, reason: 'the snapshot is not written' } : result;
    }
    this.loading.set(table, Promise.resolve(result.rows));
    if (this.id === null) this.unplaced.set(table, files);
    else {
      await this.staged;
      for (const { file, rows } of files) await this.place(table, file, rows);
    }
    return result;
  }

  /** A screened file moved under the snapshot and listed as its table's rows. */
  private async place(table: TableName, file: string, rows: number): Promise<void> {
    const placed = this.rowFiles.move(file, this.snapshotId, table);
    await this.rowFiles.register(this.db, this.snapshotId, table, placed, rows);
  }

  /** The file's rows, typed, into a row file, each marked when it breaks a rule (the snapshot's id is the listing's). */
  private async writeChecked(db: Db, file: string, input: ScreenInput, conditions: string[]): Promise<void> {
    await this.unordered(db, () =>
      this.rowFiles.write(db, file, checkedRowsSelect(input, conditions, input.path)),
    );
  }

  /**
   * `work` with rows free to enter out of the file's order (a quicker parallel write; readers order what they
   * read). Screens run beside each other: the setting (DuckDB's, for every connection) is made by the first and
   * reset by the last.
   */
  private async unordered<T>(db: Db, work: () => Promise<T>): Promise<T> {
    if (this.unorderedScreens++ === 0) this.unorderedSet = db.run('SET preserve_insertion_order = false');
    try {
      await this.unorderedSet;
      return await work();
    } finally {
      if (--this.unorderedScreens === 0) await db.run('RESET preserve_insertion_order');
    }
  }

  /** Waits for the screens, then closes their connection. */
  private async endScreens(): Promise<void> {
    await Promise.allSettled([...this.screens]);
    const db = await this.screenDb?.catch(() => null);
    this.screenDb = null;
    db?.close();
  }

  async abort(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.stopping.abort();
    // A screen still loading is not wanted: DuckDB stops it.
    if (this.screens.size > 0) (await this.screenDb?.catch(() => null))?.interrupt();
    await this.endScreens();
    for (const files of this.unplaced.values()) for (const { file } of files) this.rowFiles.remove(file);
    this.unplaced.clear();
    if (this.id === null) {
      this.onEnd();
      return;
    }
    const owned = await this.staged.then(
      () => true,
      () => false,
    );
    await Promise.allSettled(this.loading.values());
    await this.transaction?.rollback();
    // Another writer of the same snapshot holds the mark: its rows are not this one's to remove.
    if (owned) await discardStaged(this.db, this.rowFiles, this.snapshotId);
    this.onEnd();
  }

  /**
   * Stores the rest of the bundle and its telemetry reading, and records the ingest in the ledger; then commits.
   * With `parent`, the bundle's invoices are new periods joined to the parent snapshot's stored ones.
   *
   * The large tables are loaded first, each in a transaction of its own, under a staging mark that no reader
   * follows (readers find snapshots through the `snapshots` table, written last): DuckDB scans committed rows about
   * twice as fast as a transaction's own, and the key checks and digests that follow scan all of them. The rest,
   * the snapshot's row, the ledger entry and the removal of the mark commit together; a writer that fails, or a
   * process that died, leaves the mark, and the staged rows go with it (`abort`, or the next `Store.open`).
   */
  async finish(bundle: LoadedBundle, reading: TelemetryReading, parent?: string): Promise<void> {
    let replaced: string[] = [];
    try {
      await this.staged;
      await this.endScreens();
      // Large tables that did not start early load now; the early ones may still be running.
      for (const def of TABLES) {
        const streamed = bundle.streamed[def.name];
        if (!streamed) continue;
        if (!this.loading.has(def.name)) this.load(def, streamed);
        const loaded = await this.loading.get(def.name)!;
        if (loaded !== streamed.rows)
          throw new Error(
            `${streamed.file}: DuckDB read ${loaded} rows where ${streamed.rows} were validated; nothing was stored`,
          );
      }
      this.transaction = await this.db.begin();
      for (const def of TABLES) if (!bundle.streamed[def.name]) await this.storeChecked(def, bundle);
      // The keys' checks and the digests are asked for together: DuckDB runs one after the other with no turn of
      // this thread in between, which may be busy with the audit of the rows meanwhile (see ingestBundle).
      const screened = TABLES.filter((def) => bundle.streamed[def.name]?.screened);
      const sources = new Map<TableName, string>();
      for (const def of screened)
        sources.set(def.name, await this.rowFiles.source(this.db, def.name, [this.snapshotId]));
      const checked = storedRowsProblem(this.db, screened, sources, this.snapshotId, () =>
        this.rowFiles.path(this.rowFiles.newPendingFolder('keys')),
      );
      const digested = parent ? null : this.tableDigests(this.snapshotId);
      digested?.catch(() => {}); // awaited below, or left to the rollback
      const problem = await checked;
      if (problem) throw new ScreenRejected(problem.table, problem.why);
      if (parent) {
        const conflicts = await extensionConflicts(
          this.db,
          parent,
          this.snapshotId,
          bundle.meta.currency,
          this.rowFiles,
        );
        if (conflicts.length) throw new ExtensionRejected(conflicts);
        replaced = await copyParentInvoices(this.db, this.rowFiles, parent, this.snapshotId);
      }
      const files = [...bundle.files].sort((a, b) => (a.file < b.file ? -1 : 1));
      await this.db.run(
        `INSERT INTO snapshot_files VALUES ${files
          .map((f) => `(${[this.snapshotId, f.table, f.file, f.sha256].map(literal).join(', ')}, ${f.rows})`)
          .join(', ')}`,
      );
      const ingestedAt = new Date().toISOString();
      await this.db.run('INSERT INTO snapshots VALUES ($s, $d, $at, $m, $e)', {
        s: this.snapshotId,
        d: bundle.dir,
        at: ingestedAt,
        m: JSON.stringify(bundle.meta),
        e: parent ?? null,
      });
      await this.telemetry.insert(reading);
      // What was stored, anchored: the files' hashes, each table's rows digested by DuckDB, the telemetry reading.
      await this.ledger.append('ingest', this.actor, {
        snapshot_id: this.snapshotId,
        bundle_dir: bundle.dir,
        ingested_at: ingestedAt,
        meta: bundle.meta,
        ...(parent ? { extends: parent } : {}),
        files: files.map((f) => ({ table: f.table, file: f.file, sha256: f.sha256, rows: f.rows })),
        tables: await (digested ?? this.tableDigests(this.snapshotId)),
        telemetry: {
          reading_id: reading.readingId,
          read_at: reading.readAt,
          made: reading.made,
          signals_digest: reading.signalsDigest,
        },
      });
      await this.db.run('DELETE FROM staged_snapshots WHERE snapshot_id = $s', { s: this.snapshotId });
      await this.transaction.commit();
      for (const file of replaced) this.rowFiles.remove(file);
      this.ended = true;
      this.onEnd();
    } catch (e) {
      await this.abort();
      throw e;
    }
  }

  private async insertFromFile(def: AnyTable, source: Omit<StreamedTable, 'rows'>): Promise<number> {
    const select = `SELECT $id AS snapshot_id, ${typedSelect(def, new Set(source.columns))} FROM ${source.header ? strictCsv(source.path, source.header) : fileSource(source.path, source.format, source.columns)}`;
    const params = { id: this.snapshotId };
    if (keptInFiles(def.name)) {
      const file = this.rowFiles.newFile(this.snapshotId, def.name);
      const rows = await this.rowFiles.write(this.db, file, select, params);
      await this.rowFiles.register(this.db, this.snapshotId, def.name, file, rows);
      return rows;
    }
    await this.db.run(`INSERT INTO ${quote(def.name)} ${select}`, params);
    const [[n]] = (await this.db.columns(
      `SELECT count(*)::DOUBLE FROM ${quote(def.name)} WHERE snapshot_id = $id`,
      params,
    )) as [[number]];
    return n;
  }

  /** A table checked row by row and held in memory: loaded from its CSV file when large, else appended. */
  private async storeChecked(def: AnyTable, bundle: LoadedBundle): Promise<void> {
    const rows = bundle.tables[def.name] as unknown as Record<string, unknown>[];
    const header = bundle.csvHeaders[def.name];
    if (!header || rows.length < 5_000) return this.appendRows(def, rows);
    const file = bundle.locations[def.name].file;
    const source = {
      path: join(bundle.dir, file),
      file,
      format: 'csv' as const,
      columns: Object.keys(def.schema.shape).filter((c) => header.includes(c)),
      header,
      screened: true,
    };
    const loaded = await this.insertFromFile(def, source);
    if (loaded !== rows.length)
      throw new Error(
        `${file}: DuckDB read ${loaded} rows where ${rows.length} were validated; nothing was stored`,
      );
  }

  private async appendRows(def: AnyTable, rows: Record<string, unknown>[]): Promise<void> {
    const write = cellWriter(def);
    await this.db.appendTo(def.name, (appender) => {
      for (const row of rows) {
        appender.appendVarchar(this.snapshotId);
        write(appender, row);
        appender.endRow();
      }
    });
  }
}

/** Where an earlier version's screen left the rows that broke a rule, under a staged snapshot's second mark. */
export const uncheckedIdOf = (snapshotId: string) => `${snapshotId} unchecked`;

/** Removes a staged snapshot's rows from every contract table and its row files, then its mark. */
export async function discardStaged(db: Db, rowFiles: RowFiles, snapshotId: string): Promise<void> {
  for (const def of TABLES)
    await db.run(`DELETE FROM ${quote(def.name)} WHERE snapshot_id IN ($s, $bad)`, {
      s: snapshotId,
      bad: uncheckedIdOf(snapshotId),
    });
  await rowFiles.discard(db, snapshotId);
  await db.run('DELETE FROM staged_snapshots WHERE snapshot_id = $s', { s: snapshotId });
}
