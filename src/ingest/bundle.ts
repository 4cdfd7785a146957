import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { fastCellsParser, fastRowParser, isOptionalColumn } from '../contract/columns.ts';
import { type BundleMeta, bundleMetaSchema } from '../contract/meta.ts';
import { type AnyTable, type BundleTables, TABLES, type TableName } from '../contract/tables.ts';
import { repeatedKeys } from '../store/duckdb-files.ts';
import type { ScreenInput, ScreenResult } from '../store/screen.ts';
import { sha256Hex } from '../util/hash.ts';
import { readCsvHeader } from './csv.ts';
import { type FileFormat, readerOf, tableFileNames } from './formats.ts';
import { checkIntegrity, rowCheck } from './integrity.ts';
import { BundleError, Problems } from './problems.ts';
import { telemetryFiles } from './telemetry/files.ts';

export interface SourceFile {
  table: TableName | 'daylight' | 'telemetry';
  file: string;
  sha256: string;
  rows: number;
}

/** Where each validated row came from, so later checks can name file and line. */
export type Locations = Record<TableName, { file: string; lines: number[] }>;

/** A table read from its file without being kept in memory: the store loads it from the file itself. */
export interface StreamedTable {
  path: string;
  file: string;
  format: FileFormat;
  /** The columns the file has (of the table's columns). */
  columns: string[];
  /** Every column of a CSV header, in file order, when it was read strictly (see screenStreamed). */
  header?: string[];
  /** The store's screen loaded and cleared its rows (on every core); their keys are checked once all is stored. */
  screened?: boolean;
  rows: number;
}

export interface LoadedBundle {
  dir: string;
  meta: BundleMeta;
  /** Validated rows; a streamed table's array is empty and its file is in `streamed`. */
  tables: BundleTables;
  locations: Locations;
  files: SourceFile[];
  streamed: Partial<Record<TableName, StreamedTable>>;
  /** The header of each table read from CSV, every column in file order (so the store can read the file strictly). */
  csvHeaders: Partial<Record<TableName, string[]>>;
}

export interface LoadOptions {
  maxProblems?: number;
  onProgress?: (table: string, rows: number) => void;
  /** A large table being loaded and checked by the store (see `screen`): how far it has read the file, in percent. */
  onScreenProgress?: (table: string, percent: number) => void;
  /** Large tables to validate row by row without keeping them (the store reads them from their files). */
  streamed?: readonly TableName[];
  /**
   * Called when a streamed table's columns are known from its header (CSV, Parquet) and nothing is wrong so far,
   * before its rows are read: the store can start loading the file while it is validated.
   */
  onStreamStart?: (def: AnyTable, source: Omit<StreamedTable, 'rows'>) => void;
  /**
   * Loads a streamed table's file in bulk and checks its rows as it does (the store's SQL): when every row meets
   * every rule, the rows stay and the row-by-row check is skipped; otherwise the store lets them go and the
   * row-by-row check runs for the exact messages.
   */
  screen?: (input: ScreenInput) => Promise<ScreenResult>;
  /**
   * Files smaller than this (bytes) are checked row by row while the store loads them; larger ones are screened.
   * Default 0: the screen loads and checks in one pass, which was quicker at every sample size (measured with the
   * bench's audit at S, M and M with sixteen times the sign-ins).
   */
  screenFromBytes?: number;
  /**
   * Content hashes taken, or being taken, elsewhere (file name → sha256), so large files are not read once more to
   * hash them.
   */
  hashes?: ReadonlyMap<string, string> | Promise<ReadonlyMap<string, string>>;
  /** Stops the reading (between tables, and every 200,000 rows): the caller found it need not go on. */
  signal?: AbortSignal;
  /**
   * Read only these tables (each still checked column by column), for work that needs no more; checks across
   * tables then need the whole bundle and are left to `ingest`.
   */
  only?: readonly TableName[];
}

export function findTableFile(dir: string, table: string): string[] {
  return tableFileNames(table).filter((name) => existsSync(join(dir, name)));
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Reads and validates a whole bundle. Throws a BundleError listing every problem (up to a cap)
 * when the bundle breaks the contract; nothing is returned half-loaded.
 */
export async function loadBundle(dir: string, options: LoadOptions = {}): Promise<LoadedBundle> {
  if (!existsSync(dir)) throw new BundleError([{ file: dir, message: 'no such bundle folder' }]);
  const problems = new Problems(options.maxProblems ?? 100);
  const files: SourceFile[] = [];
  const meta = readMeta(dir, problems, files);
  const tables = {} as Record<TableName, unknown[]>;
  const locations = {} as Locations;
  const streamed: LoadedBundle['streamed'] = {};
  const csvHeaders: LoadedBundle['csvHeaders'] = {};
  const screens = problems.count === 0 ? await startScreens(dir, meta.currency, options) : new Map();
  const headerOf = (def: AnyTable, file: string) => (h: string[]) => {
    if (readerOf(file)!.format === 'csv') csvHeaders[def.name] = h;
  };
  const filesOf = new Map(TABLES.map((def) => [def.name, findTableFile(dir, def.name)]));
  for (const def of TABLES) {
    tables[def.name] = [];
    locations[def.name] = { file: filesOf.get(def.name)![0] ?? `${def.name}.csv`, lines: [] };
  }
  const ahead = readAhead(
    dir,
    filesOf,
    tables,
    locations,
    { ...options, currency: meta.currency },
    headerOf,
    problems,
  );

  try {
    for (const def of TABLES) {
      options.signal?.throwIfAborted();
      const found = filesOf.get(def.name)!;
      if (options.only && !options.only.includes(def.name)) continue;
      if (found.length === 0) {
        if (def.required) problems.add({ file: `${def.name}.csv`, message: 'required table is missing' });
        continue;
      }
      if (found.length > 1) {
        problems.add({
          file: found.join(', '),
          message: 'the table is given more than once, in different formats',
        });
        continue;
      }
      const file = found[0]!;
      const path = join(dir, file);
      const early = screens.get(def.name);
      if (early) ahead.startAfter(def);
      const read = ahead.tables.get(def.name);
      const count = options.streamed?.includes(def.name)
        ? await streamTable(
            path,
            file,
            def,
            problems,
            tables as unknown as BundleTables,
            { ...options, currency: meta.currency },
            streamed,
            early,
          )
        : read
          ? await read.then(({ rows, kept }) => {
              kept.replayInto(problems);
              return rows;
            })
          : await collectTable(
              path,
              file,
              def,
              problems,
              tables[def.name],
              locations[def.name].lines,
              options,
              headerOf(def, file),
            );
      options.onProgress?.(def.name, count);
      files.push({ table: def.name, file, sha256: '', rows: count });
    }
  } finally {
    // A screen still loading when reading stopped ends before the caller can roll the store back.
    await Promise.allSettled(screens.values());
    await ahead.settled();
  }

  for (const { file } of telemetryFiles(dir)) files.push({ table: 'telemetry', file, sha256: '', rows: 0 });

  if (problems.count === 0 && !options.only) {
    const checked = await ahead.integrity;
    if (checked) checked.replayInto(problems);
    else
      checkIntegrity(
        tables as unknown as BundleTables,
        locations,
        problems,
        new Set(Object.keys(streamed) as TableName[]),
        meta.currency,
      );
  }
  if (problems.count > 0) throw new BundleError(problems.list, problems.dropped);
  // Hashes last: they may still be being taken on another thread (see LoadOptions.hashes).
  const hashes = await options.hashes;
  for (const f of files)
    if (!f.sha256) f.sha256 = hashes?.get(f.file) ?? (await sha256File(join(dir, f.file)));
  return { dir, meta, tables: tables as unknown as BundleTables, locations, files, streamed, csvHeaders };
}

async function collectTable(
  path: string,
  file: string,
  def: AnyTable,
  problems: Problems,
  rows: unknown[],
  lines: number[],
  options: LoadOptions,
  onHeader: (header: string[]) => void,
): Promise<number> {
  await readTable(
    path,
    file,
    def,
    problems,
    (row, line) => {
      rows.push(row);
      lines.push(line);
      if (rows.length % 200_000 === 0) {
        options.signal?.throwIfAborted();
        options.onProgress?.(def.name, rows.length);
      }
    },
    (_present, header) => {
      if (header) onHeader(header);
    },
  );
  return rows.length;
}

/** Problems kept apart, to be added to the bundle's in their turn (as if found then). */
class KeptProblems extends Problems {
  replayInto(problems: Problems): void {
    for (const p of this.list) problems.add(p);
    problems.dropped += this.dropped;
  }
}

/**
 * While the store screens the last large table (the invoices), this thread would wait: the tables after it are read
 * then, their problems kept apart for their turn, and the checks across tables are run on what is read, for use if
 * nothing turns out wrong (they read only tables held in memory, which are then all read). Large tables before the
 * last are waited for in their turn, as before.
 */
function readAhead(
  dir: string,
  filesOf: ReadonlyMap<TableName, string[]>,
  tables: Record<TableName, unknown[]>,
  locations: Locations,
  options: LoadOptions & { currency?: string },
  headerOf: (def: AnyTable, file: string) => (h: string[]) => void,
  problems: Problems,
) {
  const read = new Map<TableName, Promise<{ rows: number; kept: KeptProblems }>>();
  const streamedNames = new Set(options.streamed ?? []);
  const lastStreamed = TABLES.findLastIndex((t) => streamedNames.has(t.name));
  let integrity: Promise<KeptProblems | null> = Promise.resolve(null);
  const quiet = { ...options, onProgress: undefined };
  return {
    tables: read,
    get integrity() {
      return integrity;
    },
    startAfter(def: AnyTable): void {
      const at = TABLES.indexOf(def);
      if (options.only || at !== lastStreamed || read.size > 0) return;
      let previous: Promise<unknown> = Promise.resolve();
      for (const later of TABLES.slice(at + 1)) {
        const found = filesOf.get(later.name)!;
        if (found.length !== 1) continue;
        const kept = new KeptProblems(problems.cap);
        const file = found[0]!;
        const done = previous.then(async () => {
          const rows = await collectTable(
            join(dir, file),
            file,
            later,
            kept,
            tables[later.name],
            locations[later.name].lines,
            quiet,
            headerOf(later, file),
          );
          return { rows, kept };
        });
        done.catch(() => {}); // awaited in its turn
        read.set(later.name, done);
        previous = done;
      }
      integrity = previous.then(() => {
        if (problems.count > 0) return null;
        const kept = new KeptProblems(problems.cap);
        checkIntegrity(
          tables as unknown as BundleTables,
          locations,
          kept,
          new Set(TABLES.filter((t) => streamedNames.has(t.name)).map((t) => t.name)),
          options.currency,
        );
        return kept;
      });
      integrity.catch(() => {}); // awaited once every table is read
    },
    settled: () => Promise.allSettled([...read.values(), integrity]),
  };
}

/**
 * A large table: each row checked against the tables read before it and then let go; repeated keys are found
 * by DuckDB over the file, and only when there are some is the file read again for their lines.
 */
async function streamTable(
  path: string,
  file: string,
  def: AnyTable,
  problems: Problems,
  tables: BundleTables,
  options: LoadOptions & { currency: string },
  streamed: LoadedBundle['streamed'],
  early: Promise<Screened | null> | undefined,
): Promise<number> {
  const screened = await screenStreamed(path, file, def, problems, tables, options, early);
  if (screened) {
    streamed[def.name] = { ...screened.source, rows: screened.rows };
    return screened.rows;
  }
  const check = rowCheck(tables, def.name, problems.count === 0, options.currency);
  const columns = new Set<string>();
  let count = 0;
  await readTable(
    path,
    file,
    def,
    problems,
    (row, line) => {
      for (const p of check(row as Record<string, unknown>))
        problems.add({ file, line, column: p.column, message: p.message });
      if (++count % 200_000 === 0) {
        options.signal?.throwIfAborted();
        options.onProgress?.(def.name, count);
      }
    },
    (present) => {
      const first = columns.size === 0;
      for (const c of present) columns.add(c);
      if (first && readerOf(file)!.header && problems.count === 0)
        options.onStreamStart?.(def, { path, file, format: readerOf(file)!.format, columns: present });
    },
  );
  streamed[def.name] = { path, file, format: readerOf(file)!.format, columns: [...columns], rows: count };
  if (def.key.length === 0 || problems.count > 0) return count;
  const repeated = await repeatedKeys(path, readerOf(file)!.format, def.key, [...columns]);
  if (repeated.size === 0) return count;
  const first = new Map<string, number>();
  await readTable(path, file, def, new Problems(0), (row, line) => {
    const r = row as Record<string, unknown>;
    const key = def.key.map((k) => String(r[k] ?? '')).join('\u0000');
    if (!repeated.has(key)) return;
    const at = first.get(key);
    if (at === undefined) first.set(key, line);
    else
      problems.add({ file, line, column: def.key.join('+'), message: `duplicate key (first at line ${at})` });
  });
  return count;
}

type Screened = { source: Omit<StreamedTable, 'rows'>; rows: number };

/**
 * The bulk path of a streamed CSV table (see screenFile), in its turn: the screen started before any table was
 * read when there was one, else now. Null when the file must be read row by row, as it must once a problem is
 * found anywhere (for the messages, in the order they have always come).
 */
async function screenStreamed(
  path: string,
  file: string,
  def: AnyTable,
  problems: Problems,
  tables: BundleTables,
  options: LoadOptions & { currency: string },
  early: Promise<Screened | null> | undefined,
): Promise<Screened | null> {
  if (early) {
    const screened = await early;
    return problems.count > 0 ? null : screened;
  }
  if (problems.count > 0) return null;
  const rates = (tables.fx_rates ?? []).map((r) => `${r.period} ${r.currency}`);
  return screenFile(path, file, def, rates, options.currency, options);
}

/**
 * The screens of the streamed tables, started before anything is read row by row: the store loads and checks
 * their files on its threads while this one validates the other tables. The invoices' screen needs the rates,
 * read ahead from fx_rates; fx_rates is read again in its turn, so its problems come where they always have,
 * and when it has any the invoices wait for their turn (where they are read row by row).
 */
async function startScreens(
  dir: string,
  currency: string,
  options: LoadOptions,
): Promise<Map<TableName, Promise<Screened | null>>> {
  const screens = new Map<TableName, Promise<Screened | null>>();
  if (!options.screen) return screens;
  for (const def of TABLES) {
    if (!options.streamed?.includes(def.name) || (options.only && !options.only.includes(def.name))) continue;
    const found = findTableFile(dir, def.name);
    if (found.length !== 1) continue;
    const rates = def.name === 'invoices' ? await ratesAhead(dir) : [];
    if (!rates) continue;
    // One after the other: two loads at once took longer than both in turn (they share the cores and the memory).
    const previous = [...screens.values()].at(-1) ?? Promise.resolve(null);
    const screened = previous
      .catch(() => null)
      .then(() => screenFile(join(dir, found[0]!), found[0]!, def, rates, currency, options));
    screened.catch(() => {}); // awaited in its table's turn, or settled by loadBundle
    screens.set(def.name, screened);
  }
  return screens;
}

/** `period currency` of every rate in fx_rates, or null when the file has a problem (its turn will report it). */
async function ratesAhead(dir: string): Promise<string[] | null> {
  const def = TABLES.find((t) => t.name === 'fx_rates')!;
  const found = findTableFile(dir, def.name);
  if (found.length === 0) return [];
  if (found.length > 1) return null;
  const problems = new Problems(1);
  const rows: { period: string; currency: string }[] = [];
  await collectTable(join(dir, found[0]!), found[0]!, def, problems, rows, [], {}, () => {});
  return problems.count > 0 ? null : rows.map((r) => `${r.period} ${r.currency}`);
}

/**
 * The bulk path of a streamed CSV table: its header read here (as the row-by-row reader would), then the store
 * checks every row at once while it loads them. Null when the file must be read row by row: not CSV, nothing to
 * screen with, a header the reader objects to, or a row the screen does not clear.
 */
async function screenFile(
  path: string,
  file: string,
  def: AnyTable,
  rates: readonly string[],
  currency: string,
  options: LoadOptions,
): Promise<Screened | null> {
  const reader = readerOf(file)!;
  if (!options.screen || reader.format !== 'csv') return null;
  if (statSync(path).size < (options.screenFromBytes ?? 0)) return null;
  const header = (await readCsvHeader(path))?.map((c) => c.trim());
  const names = Object.keys(def.schema.shape);
  const required = names.filter((c) => !isOptionalColumn(def.schema.shape[c] as z.ZodType));
  if (!header || new Set(header).size !== header.length || required.some((c) => !header.includes(c)))
    return null;
  const source = {
    path,
    file,
    format: reader.format,
    columns: names.filter((c) => header.includes(c)),
    header,
    screened: true,
  };
  const result = await options.screen({
    def,
    path,
    format: 'csv',
    header,
    rates,
    reportingCurrency: currency,
    onProgress: options.onScreenProgress && ((percent) => options.onScreenProgress!(def.name, percent)),
  });
  // Cleared: the store has loaded the rows, and checks their keys against the stored tables.
  return result.clean ? { source, rows: result.rows } : null;
}

function readMeta(dir: string, problems: Problems, files: SourceFile[]): BundleMeta {
  const path = join(dir, 'daylight.json');
  if (!existsSync(path)) return bundleMetaSchema.parse({});
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  files.push({
    table: 'daylight',
    file: 'daylight.json',
    sha256: sha256Hex(text),
    rows: 1,
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    problems.add({ file: 'daylight.json', message: `not valid JSON (${(e as Error).message})` });
    return bundleMetaSchema.parse({});
  }
  const parsed = bundleMetaSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues)
    problems.add({ file: 'daylight.json', column: issue.path.join('.'), message: issue.message });
  return bundleMetaSchema.parse({});
}

function cellText(value: unknown): string | null {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return null;
}

async function readTable(
  path: string,
  file: string,
  def: AnyTable,
  problems: Problems,
  accept: (row: unknown, line: number) => void,
  onColumns: (present: string[], header?: string[]) => void = () => {},
): Promise<void> {
  const columns = Object.keys(def.schema.shape);
  const required = columns.filter((c) => !isOptionalColumn(def.schema.shape[c] as z.ZodType));
  const fail = (line: number, message: string, column?: string) =>
    problems.add({ file, line, column, message });

  const fast = fastRowParser(def.schema);
  const validate = (record: Record<string, string>, line: number): void => {
    const row = fast(record);
    if (row) {
      accept(row, line);
      return;
    }
    const parsed = def.schema.safeParse(record);
    if (parsed.success) accept(parsed.data, line);
    else for (const issue of parsed.error.issues) fail(line, issue.message, String(issue.path[0] ?? ''));
  };

  const checkHeader = (header: string[]): boolean => {
    onColumns(
      columns.filter((c) => header.includes(c)),
      header,
    );
    const missing = required.filter((c) => !header.includes(c));
    for (const c of missing) fail(1, 'required column is missing', c);
    const seen = new Set<string>();
    for (const h of header) {
      if (seen.has(h)) fail(1, 'column appears twice in the header', h);
      seen.add(h);
    }
    return missing.length === 0 && seen.size === header.length;
  };

  const fromObject = (obj: Record<string, unknown>, line: number): void => {
    const record: Record<string, string> = {};
    for (const c of columns) {
      const text = cellText(obj[c]);
      if (text === null) fail(line, 'a nested value where a plain value is expected', c);
      else record[c] = text;
    }
    validate(record, line);
  };

  let indexes: number[] = [];
  let width = 0;
  let fastCells: (cells: string[]) => Record<string, unknown> | null = () => null;
  await readerOf(file)!.read(path, {
    columns(header) {
      const ok = checkHeader(header);
      width = header.length;
      indexes = columns.map((c) => header.indexOf(c));
      fastCells = fastCellsParser(def.schema, indexes);
      return ok;
    },
    cells(cells, line) {
      if (cells.length !== width) {
        fail(line, `has ${cells.length} fields where the header has ${width}`);
        return;
      }
      const row = fastCells(cells);
      if (row) return accept(row, line);
      const record: Record<string, string> = {};
      for (let i = 0; i < columns.length; i++) {
        const at = indexes[i]!;
        record[columns[i]!] = at === -1 ? '' : cells[at]!;
      }
      validate(record, line);
    },
    object(obj, line) {
      if (width === 0) {
        // No header (NDJSON): each record names its own fields.
        onColumns(columns.filter((c) => c in obj));
        for (const c of required) if (!(c in obj)) return fail(line, 'required field is missing', c);
      }
      fromObject(obj, line);
    },
    error: (line, message) => fail(line, message),
  });
}

/**
 * The first line of a table's file holding each of some values in a column: where to point a problem that the
 * store found by value (a key already stored, say). Reads the file once more, only on that path.
 */
export async function firstLines(
  dir: string,
  file: string,
  def: AnyTable,
  column: string,
  values: ReadonlySet<string>,
): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  await readTable(join(dir, file), file, def, new Problems(0), (row, line) => {
    const v = String((row as Record<string, unknown>)[column] ?? '');
    if (values.has(v) && !found.has(v)) found.set(v, line);
  });
  return found;
}
