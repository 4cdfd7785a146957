import { DuckDBInstance } from '@duckdb/node-api';
import type { z } from 'zod';
import { columnMeta } from '../contract/columns.ts';
import type { AnyTable } from '../contract/tables.ts';
import { literal, quote } from './db.ts';

/**
 * DuckDB's own readers over bundle files: Parquet read row by row for validation, a large table loaded straight
 * from its already-validated file, and repeated keys found without holding the table in memory.
 */

export type FileFormat = 'csv' | 'ndjson' | 'parquet';

/** A FROM clause reading the file with every column as text. */
export function fileSource(path: string, format: FileFormat, columns: string[]): string {
  if (format === 'parquet') return `read_parquet(${literal(path)})`;
  if (format === 'csv')
    return `read_csv(${literal(path)}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', null_padding = false)`;
  const typed = columns.map((c) => `${literal(c)}: 'VARCHAR'`).join(', ');
  return `read_json(${literal(path)}, format = 'newline_delimited', columns = {${typed}})`;
}

/** SELECT list turning the file's text into the table's column types; a column the file lacks is NULL. */
export function typedSelect(def: AnyTable, present: ReadonlySet<string>): string {
  return Object.entries(def.schema.shape)
    .map(([name, schema]) => {
      const meta = columnMeta(schema as z.ZodType);
      if (!present.has(name)) return `NULL::${meta.sql} AS ${quote(name)}`;
      const text = `NULLIF(CAST(${quote(name)} AS VARCHAR), '')`;
      return `CAST(${text} AS ${meta.sql}) AS ${quote(name)}`;
    })
    .join(', ');
}

async function withScratch<T>(
  work: (run: (sql: string) => Promise<Record<string, unknown>[]>) => Promise<T>,
): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return await work(async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJson());
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Keys (joined by NUL) that occur more than once in the file. */
export function repeatedKeys(
  path: string,
  format: FileFormat,
  key: readonly string[],
  columns: string[],
): Promise<Set<string>> {
  return withScratch(async (query) => {
    const k = key.map((c) => `coalesce(CAST(${quote(c)} AS VARCHAR), '')`).join(` || chr(0) || `);
    const rows = await query(
      `SELECT ${k} AS k FROM ${fileSource(path, format, columns)} GROUP BY 1 HAVING count(*) > 1 LIMIT 10000`,
    );
    return new Set(rows.map((row) => String(row.k)));
  });
}

/**
 * Parquet through DuckDB's built-in reader. Every column comes back as text the contract's schemas understand:
 * dates as YYYY-MM-DD, decimals as plain decimals, timestamps as ISO 8601 with offset.
 */
export function readParquetFile(
  path: string,
  onHeader: (columns: string[]) => void,
  onRecord: (record: Record<string, unknown>, line: number) => void,
): Promise<void> {
  return withScratch(async (query) => {
    const columns = (await query(`DESCRIBE SELECT * FROM read_parquet(${literal(path)})`)).map((r) => ({
      name: String(r.column_name),
      type: String(r.column_type),
    }));
    onHeader(columns.map((c) => c.name));
    const select = columns
      .map(({ name, type }) => {
        const q = quote(name);
        if (type.startsWith('TIMESTAMP'))
          return `strftime(${q}::TIMESTAMPTZ AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS ${q}`;
        if (type === 'DATE') return `strftime(${q}, '%Y-%m-%d') AS ${q}`;
        return `CAST(${q} AS VARCHAR) AS ${q}`;
      })
      .join(', ');
    const rows = await query(`SELECT ${select} FROM read_parquet(${literal(path)})`);
    for (let i = 0; i < rows.length; i++) onRecord(rows[i]!, i + 1);
  });
}
