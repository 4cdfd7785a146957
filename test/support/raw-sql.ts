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
