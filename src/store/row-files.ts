import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TableName } from '../contract/tables.ts';
import { type Db, literal, type Params, quote } from './db.ts';

/**
 * The tables whose rows are kept as files: a snapshot's invoices and sign-ins, millions of rows written once and
 * never changed. DuckDB writes them as Parquet about 1.6 times as fast as it inserts them into its database file
 * (L's 10.8 M invoice rows: 11.3 s against 17.1 s, checks included) and reads them as fast; a file's SHA-256
 * anchors its rows in the ledger, which no choice of other rows can match (see SnapshotsRepository.tableDigests).
 */
export const ROW_FILE_TABLES: readonly TableName[] = ['invoices', 'logins'];

export const keptInFiles = (table: TableName) => ROW_FILE_TABLES.includes(table);

export const ROW_FILES_SCHEMA = `CREATE TABLE IF NOT EXISTS row_files (
  snapshot_id VARCHAR NOT NULL, table_name VARCHAR NOT NULL, file VARCHAR NOT NULL, row_count BIGINT NOT NULL)`;

/**
 * Where a store keeps its row files: `<store>.rows/<snapshot>/<table>-<id>.parquet`, each listed in `row_files`
 * (by its name under the folder, so the store and its folder can move together). A file is listed when written,
 * while its snapshot is still staged, and goes with the snapshot's staged rows when the snapshot is not stored.
 * A store in memory keeps its files in a temporary folder, removed when it closes.
 */
export class RowFiles {
  private constructor(
    readonly dir: string,
    private readonly temporary: boolean,
  ) {}

  static of(storePath: string): RowFiles {
    if (storePath === ':memory:') return new RowFiles(mkdtempSync(join(tmpdir(), 'daylight-rows-')), true);
    return new RowFiles(RowFiles.dirOf(storePath), false);
  }

  /** The folder of a store's row files, beside its database file. */
  static dirOf(storePath: string): string {
    return `${storePath}.rows`;
  }

  /** A new file's name (under `dir`) for a table of a snapshot; its folder is made. */
  newFile(snapshotId: string, table: TableName): string {
    mkdirSync(join(this.dir, folderOf(snapshotId)), { recursive: true });
    return `${folderOf(snapshotId)}/${table}-${randomUUID().slice(0, 8)}.parquet`;
  }

  /** A scratch folder's name (under `dir`), made when it is written to; one a process died with is swept. */
  newPendingFolder(what: string): string {
    mkdirSync(join(this.dir, PENDING), { recursive: true });
    return `${PENDING}/${what}-${randomUUID()}`;
  }

  /** A file for a table's rows before their snapshot is named (see SnapshotWriter.identify): moved, or removed. */
  newPendingFile(table: TableName): string {
    mkdirSync(join(this.dir, PENDING), { recursive: true });
    return `${PENDING}/${table}-${randomUUID()}.parquet`;
  }

  /**
   * Where a cluster's workers write the parts of a screen (see screenOnCluster): `screens/<run>/<table>-<part>`, a
   * name that depends only on the run, so that a coordinator started again takes the parts its workers wrote for
   * the run it was killed in. Kept when the store opens, unless untouched for SCREEN_PARTS_KEPT_MS.
   */
  screenParts(table: TableName): ScreenParts {
    const dir = join(this.dir, SCREENS);
    return {
      dir,
      part: (run, index) => {
        mkdirSync(join(dir, run), { recursive: true });
        const file = `${SCREENS}/${run}/${table}-${index}.parquet`;
        return { file, path: this.path(file) };
      },
    };
  }

  /** Moves a file under a snapshot's folder; gives its new name. */
  move(file: string, snapshotId: string, table: TableName): string {
    const moved = this.newFile(snapshotId, table);
    renameSync(this.path(file), this.path(moved));
    this.leftEmpty(file);
    return moved;
  }

  path(file: string): string {
    return join(this.dir, file);
  }

  /** Writes what `select` gives to `file` (see newFile), in the table's columns, and says how many rows. */
  async write(db: Db, file: string, select: string, params?: Params): Promise<number> {
    const [[n]] = (await db.columns(
      `COPY (${select}) TO ${literal(this.path(file))} (FORMAT parquet)`,
      params,
    )) as [[bigint]];
    return Number(n);
  }

  /** Lists `file` as the rows of a table of a snapshot. */
  async register(db: Db, snapshotId: string, table: TableName, file: string, rows: number): Promise<void> {
    await db.run('INSERT INTO row_files VALUES ($s, $t, $f, $n)', {
      s: snapshotId,
      t: table,
      f: file,
      n: rows,
    });
  }

  /**
   * Lists `file` as the only file of a table's rows of a snapshot, in the open transaction; gives the files it
   * replaces, to remove once that commits.
   */
  async replace(db: Db, snapshotId: string, table: TableName, file: string, rows: number): Promise<string[]> {
    const params = { s: snapshotId, t: table };
    const [old] = (await db.columns(
      'SELECT file FROM row_files WHERE snapshot_id = $s AND table_name = $t',
      params,
    )) as [string[]];
    await db.run('DELETE FROM row_files WHERE snapshot_id = $s AND table_name = $t', params);
    await this.register(db, snapshotId, table, file, rows);
    return old ?? [];
  }

  /** The files (paths) holding a table's rows of some snapshots, by snapshot. */
  async files(db: Db, table: TableName, snapshotIds: string[]): Promise<Map<string, string[]>> {
    const [ids, names] = (await db.columns(
      `SELECT snapshot_id, file FROM row_files
       WHERE table_name = $t AND snapshot_id IN (${snapshotIds.map(literal).join(', ')})
       ORDER BY snapshot_id, file`,
      { t: table },
    )) as [string[], string[]];
    const byId = new Map<string, string[]>();
    (ids ?? []).forEach((id, i) => {
      byId.set(id, [...(byId.get(id) ?? []), this.path(names[i]!)]);
    });
    return byId;
  }

  /**
   * SQL for a table's rows of some snapshots (still to be filtered by snapshot_id): a snapshot's files when it has
   * any, else what the stored table holds of it (a table loaded without a file). Rows added to the stored table
   * under a snapshot that has files are never read. `withOrder` adds `ord`, the rows' order in each file or table.
   */
  async source(db: Db, table: TableName, snapshotIds: string[], withOrder = false): Promise<string> {
    const byId = await this.files(db, table, snapshotIds);
    const files = [...byId.values()].flat();
    const missing = files.find((f) => !existsSync(f));
    if (missing)
      throw new Error(
        `${missing} is missing: the store keeps its invoices and sign-ins in ${this.dir}, which goes with its database file`,
      );
    const rest = snapshotIds.filter((id) => !byId.has(id));
    // The listing says whose rows a file holds: what the file's snapshot_id column says is not read.
    const parts = [...byId].map(([id, paths]) => {
      const read = `read_parquet([${paths.map(literal).join(', ')}]${withOrder ? ', file_row_number = true' : ''})`;
      return withOrder
        ? `SELECT * EXCLUDE (file_row_number) REPLACE (${literal(id)} AS snapshot_id), file_row_number AS ord FROM ${read}`
        : `SELECT * REPLACE (${literal(id)} AS snapshot_id) FROM ${read}`;
    });
    if (rest.length > 0 || parts.length === 0)
      parts.push(
        `SELECT *${withOrder ? ', rowid AS ord' : ''} FROM ${quote(table)}
         WHERE snapshot_id IN (${rest.map(literal).join(', ') || 'NULL'})`,
      );
    return `(${parts.join(' UNION ALL ')})`;
  }

  /**
   * Moves rows a store kept in its tables before it kept them in files (a store written by an earlier version) into
   * files, a snapshot at a time; the ledger's digests of them still hold (see SnapshotsRepository.tableDigests).
   * Rows in a table under a snapshot that has files are someone else's doing: never read, never moved.
   */
  async adopt(db: Db): Promise<void> {
    for (const table of ROW_FILE_TABLES) {
      const [ids] = (await db.columns(
        `SELECT DISTINCT snapshot_id FROM ${quote(table)} WHERE snapshot_id IN (SELECT snapshot_id FROM snapshots)
           AND snapshot_id NOT IN (SELECT snapshot_id FROM row_files WHERE table_name = $t)`,
        { t: table },
      )) as [string[]];
      for (const id of ids ?? []) {
        const file = this.newFile(id, table);
        const rows = await this.write(db, file, `SELECT * FROM ${quote(table)} WHERE snapshot_id = $s`, {
          s: id,
        });
        await db.transaction(async () => {
          await this.register(db, id, table, file, rows);
          await db.run(`DELETE FROM ${quote(table)} WHERE snapshot_id = $s`, { s: id });
        });
      }
    }
  }

  /** Removes a file no listing holds (a write that was not kept). */
  remove(file: string): void {
    rmSync(this.path(file), { force: true });
    this.leftEmpty(file);
  }

  /**
   * A screen's folder goes with its last part, with what a worker killed or overtaken mid-part left in it (its
   * pending file, see PartScreener); a folder still holding parts stays.
   */
  private leftEmpty(file: string): void {
    if (!file.startsWith(`${SCREENS}/`)) return;
    const dir = dirname(this.path(file));
    if (existsSync(dir) && readdirSync(dir).every((f) => f.endsWith('.tmp')))
      rmSync(dir, { recursive: true, force: true });
  }

  /** Removes a snapshot's files and their listing. */
  async discard(db: Db, snapshotId: string): Promise<void> {
    await db.run('DELETE FROM row_files WHERE snapshot_id = $s', { s: snapshotId });
    rmSync(join(this.dir, folderOf(snapshotId)), { recursive: true, force: true });
  }

  /**
   * Removes what no stored snapshot lists: the folders of snapshots a process died while writing, and files a
   * write left behind. Only when the store opens: DuckDB's lock keeps every other writer out. A screen's parts
   * wait for their coordinator to come back (see screenParts) until `now` is SCREEN_PARTS_KEPT_MS past their
   * folder's last change.
   */
  async sweep(db: Db, now = Date.now()): Promise<void> {
    if (!existsSync(this.dir)) return;
    const [listed] = await db.columns('SELECT file FROM row_files');
    const kept = new Set((listed ?? []) as string[]);
    for (const folder of readdirSync(this.dir)) {
      if (folder === SCREENS) {
        for (const run of readdirSync(join(this.dir, SCREENS))) {
          const path = join(this.dir, SCREENS, run);
          if (now - statSync(path).mtimeMs > SCREEN_PARTS_KEPT_MS)
            rmSync(path, { recursive: true, force: true });
        }
        continue;
      }
      const files = readdirSync(join(this.dir, folder));
      const keep = files.filter((f) => kept.has(`${folder}/${f}`));
      if (keep.length === 0) rmSync(join(this.dir, folder), { recursive: true, force: true });
      else for (const f of files) if (!keep.includes(f)) rmSync(join(this.dir, folder, f), { force: true });
    }
  }

  close(): void {
    if (this.temporary) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Where a file waits for its snapshot's name (a folder no snapshot lists: swept when the store opens). */
const PENDING = 'pending';

/** Where screens' parts wait for their coordinator (see screenParts). */
const SCREENS = 'screens';

/** A day: as long as the jobs' stream keeps a job no worker took (see openCluster). */
export const SCREEN_PARTS_KEPT_MS = 24 * 3600 * 1000;

/** Where a table's screen writes its parts: a run's part `index` is written to `part(run, index)`. */
export interface ScreenParts {
  /** The folder of every screen's parts of the store (runs into different stores differ by it). */
  dir: string;
  part(run: string, index: number): { file: string; path: string };
}

/** A snapshot's folder: its id, made safe for a file name (ids are hex; a staged id is kept apart). */
const folderOf = (snapshotId: string) => snapshotId.replace(/[^0-9A-Za-z_-]/g, '_');
