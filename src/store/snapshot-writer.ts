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
import { keptInFiles, type RowFiles } from './row-files.ts';
import {
  type ScreenInput,
  type ScreenResult,
  screenConditions,
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
 * Writes one snapshot in one transaction. A large table is loaded from its file (DuckDB's own reader) and checked
 * in the same pass on every core (`screen`), while the rest of the bundle is still to be validated; `finish` writes
 * the rest once the bundle is valid, `abort` leaves nothing. A large table the screen does not clear is checked row
 * by row while it loads again with one DuckDB thread, so that DuckDB and the checking thread each have a core. The other tables, already checked, are loaded from their CSV files by DuckDB too
 * (appending millions of cells one call at a time costs more than reading the file again).
 */
export class SnapshotWriter {
  /** The snapshot marked as staging: its large tables load and commit before the rest, see `finish`. */
  private readonly staged: Promise<void>;
  private readonly loading = new Map<TableName, Promise<number>>();
  private transaction: { commit(): Promise<void>; rollback(): Promise<void> } | null = null;
  private ended = false;
  private unorderedScreens = 0;
  private unorderedSet: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly ledger: Ledger,
    private readonly telemetry: TelemetryRepository,
    private readonly rowFiles: RowFiles,
    readonly snapshotId: string,
    private readonly actor: string,
    private readonly tableDigests: () => Promise<Record<string, string>>,
    /** Called once when the writer commits or rolls back. */
    private readonly onEnd: () => void = () => {},
  ) {
    this.staged = db.run('INSERT INTO staged_snapshots VALUES ($s, $at)', {
      s: snapshotId,
      at: new Date().toISOString(),
    });
    this.staged.catch(() => {}); // settled by finish or abort
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
   * Loads a large table's CSV file on every core and checks every row's cells in the same pass (see
   * screenConditions): a row that breaks a rule is stored under the snapshot's second mark and counted. Clean: the
   * rows stay, staged as the table's, and `finish` checks their keys. Otherwise they are removed and the file is
   * the row-by-row reader's, as is a file DuckDB cannot read strictly or a cell it cannot convert.
   */
  async screen(input: ScreenInput): Promise<ScreenResult> {
    const conditions = screenConditions(input);
    if (input.format !== 'csv') return { rows: 0, clean: false, reason: 'not CSV' };
    if (!conditions) return { rows: 0, clean: false, reason: 'a column only the row-by-row check can judge' };
    await this.staged;
    const { def } = input;
    const ids = { id: this.snapshotId, bad: uncheckedIdOf(this.snapshotId) };
    const file = this.rowFiles.newFile(this.snapshotId, def.name);
    const checked = this.db.withProgress(() => this.writeChecked(file, input, conditions), input.onProgress);
    const loaded = checked.then(async (): Promise<ScreenResult> => {
      const [[good], [bad]] = (await this.db.columns(
        `SELECT count(*) FILTER (WHERE snapshot_id = $id)::DOUBLE, count(*) FILTER (WHERE snapshot_id = $bad)::DOUBLE
         FROM read_parquet(${literal(this.rowFiles.path(file))})`,
        ids,
      )) as [[number], [number]];
      if (bad === 0) return { rows: good, clean: true };
      return { rows: good + bad, clean: false, reason: `${bad} row(s) break a rule` };
    });
    const result = await loaded.catch(
      (e: Error): ScreenResult => ({ rows: 0, clean: false, reason: e.message.split('\n')[0] }),
    );
    if (result.clean) {
      await this.rowFiles.register(this.db, this.snapshotId, def.name, file, result.rows);
      this.loading.set(def.name, Promise.resolve(result.rows));
    } else this.rowFiles.remove(file);
    return result;
  }

  /** The file's rows, typed, into a row file: each under the snapshot's id when it meets every rule, else its second mark. */
  private async writeChecked(file: string, input: ScreenInput, conditions: string[]): Promise<void> {
    const { def } = input;
    const present = new Set(input.header);
    const select = typedSelect(def, new Set(Object.keys(def.schema.shape).filter((c) => present.has(c))));
    await this.unordered(() =>
      this.rowFiles.write(
        this.db,
        file,
        `SELECT CASE WHEN (${conditions.join(' AND ') || 'TRUE'}) IS TRUE THEN $id ELSE $bad END AS snapshot_id, ${select}
         FROM ${strictCsv(input.path, input.header)}`,
        { id: this.snapshotId, bad: uncheckedIdOf(this.snapshotId) },
      ),
    );
  }

  /**
   * `work` with rows free to enter out of the file's order (a quicker parallel insert; readers order what they
   * read). Screens run beside each other: the setting is made by the first and reset by the last.
   */
  private async unordered<T>(work: () => Promise<T>): Promise<T> {
    if (this.unorderedScreens++ === 0)
      this.unorderedSet = this.db.run('SET preserve_insertion_order = false');
    try {
      await this.unorderedSet;
      return await work();
    } finally {
      if (--this.unorderedScreens === 0) await this.db.run('RESET preserve_insertion_order');
    }
  }

  async abort(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
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
      const checked = storedRowsProblem(this.db, screened, sources, this.snapshotId);
      const digested = parent ? null : this.tableDigests();
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
        tables: await (digested ?? this.tableDigests()),
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

/** Where a screen stores the rows that break a rule, until it removes them. */
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
