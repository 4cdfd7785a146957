import { copyFileSync, cpSync, existsSync, renameSync } from 'node:fs';
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';

/**
 * SQL straight on a store file (or in memory), around Daylight: how a test plays an insider who edits the
 * database, or prepares an input file with DuckDB. The store must be closed while it runs.
 */
export async function rawSql(
  path: string,
  sql: string,
  params?: Record<string, DuckDBValue>,
): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql, params)).getRowObjectsJson();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** A copy of a store: its database file and the folder of its row files beside it. */
export function copyStore(from: string, to: string): void {
  copyFileSync(from, to);
  if (existsSync(`${from}.rows`)) cpSync(`${from}.rows`, `${to}.rows`, { recursive: true });
}

/**
 * Rewrites the row file of a table (of the store's only snapshot) with what `select` gives over `rows` (its rows as
 * they are), as an insider with the file system could.
 */
export async function rewriteRowFile(storePath: string, table: string, select: string): Promise<void> {
  const [listed] = await rawSql(storePath, 'SELECT file FROM row_files WHERE table_name = $t', { t: table });
  const file = `${storePath}.rows/${listed!.file}`;
  await rawSql(
    ':memory:',
    `COPY (WITH rows AS (SELECT * FROM read_parquet('${file}')) ${select}) TO '${file}.new' (FORMAT parquet)`,
  );
  renameSync(`${file}.new`, file);
}
