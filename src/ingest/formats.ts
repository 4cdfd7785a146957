import type { FileFormat } from '../store/duckdb-files.ts';
import { readParquetFile } from '../store/duckdb-files.ts';
import { parseCsvFile } from './csv.ts';
import { parseNdjsonFile } from './ndjson.ts';

export type { FileFormat };

/** Where a reader sends what it finds in a file. */
export interface RowSink {
  /** The file's columns, once, where the format has a header (CSV, Parquet); false skips the rows. */
  columns(names: string[]): boolean;
  /** A row as cells in the order of the columns (CSV). */
  cells(cells: string[], line: number): void;
  /** A row as an object of plain values (NDJSON, Parquet). */
  object(record: Record<string, unknown>, line: number): void;
  error(line: number, message: string): void;
}

/** One input format: which file names are its own and how its rows are read. */
export interface TableReader {
  format: FileFormat;
  extensions: readonly string[];
  /** The columns are known before any row, so a store can start loading the file while it is validated. */
  header: boolean;
  read(path: string, sink: RowSink): Promise<void>;
}

const csv: TableReader = {
  format: 'csv',
  extensions: ['.csv', '.csv.gz'],
  header: true,
  async read(path, sink) {
    let state: 'header' | 'rows' | 'skip' = 'header';
    await parseCsvFile(
      path,
      (cells, line) => {
        if (state === 'header') state = sink.columns(cells.map((c) => c.trim())) ? 'rows' : 'skip';
        else if (state === 'rows') sink.cells(cells, line);
      },
      (line, message) => sink.error(line, message),
    );
    if (state === 'header') sink.error(1, 'the file is empty: a header row is required');
  },
};

const ndjson: TableReader = {
  format: 'ndjson',
  extensions: ['.ndjson', '.ndjson.gz', '.jsonl', '.jsonl.gz'],
  header: false,
  read(path, sink) {
    return parseNdjsonFile(
      path,
      (record, line) => sink.object(record, line),
      (line, message) => sink.error(line, message),
    );
  },
};

const parquet: TableReader = {
  format: 'parquet',
  extensions: ['.parquet'],
  header: true,
  async read(path, sink) {
    let ok = true;
    try {
      await readParquetFile(
        path,
        (names) => {
          ok = sink.columns(names);
        },
        (record, line) => {
          if (ok) sink.object(record, line);
        },
      );
    } catch (e) {
      sink.error(1, `not a readable Parquet file (${(e as Error).message.split('\n')[0]})`);
    }
  },
};

export const TABLE_READERS: readonly TableReader[] = [csv, ndjson, parquet];

/** The reader of a file, by its name's ending. */
export function readerOf(file: string): TableReader | undefined {
  return TABLE_READERS.find((r) => r.extensions.some((ext) => file.endsWith(ext)));
}

/** The file names a table may have, in every format. */
export const tableFileNames = (table: string): string[] =>
  TABLE_READERS.flatMap((r) => r.extensions.map((ext) => `${table}${ext}`));
