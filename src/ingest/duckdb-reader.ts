import { DuckDBInstance } from '@duckdb/node-api';
import type { z } from 'zod';
import { columnMeta } from '../contract/columns.ts';
import type { AnyTable } from '../contract/tables.ts';

/**
 * DuckDB's own readers over a bundle file that Daylight has already validated row by row: used to load a large
 * table straight from its file and to find repeated keys without holding the table in memory.
 */
const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;
const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;

export function fileFormat(file: string): 'csv' | 'ndjson' | 'parquet' {
  if (file.endsWith('.parquet')) return 'parquet';
  return file.includes('.csv') ? 'csv' : 'ndjson';
}

/** A FROM clause reading the file with every column as text. */
export function fileSource(path: string, file: string, columns: string[]): string {
  const format = fileFormat(file);
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

/** Keys (joined by NUL) that occur more than once in the file. */
export async function repeatedKeys(
  path: string,
  file: string,
  key: readonly string[],
  columns: string[],
): Promise<Set<string>> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const k = key.map((c) => `coalesce(CAST(${quote(c)} AS VARCHAR), '')`).join(` || chr(0) || `);
    const r = await connection.runAndReadAll(
      `SELECT ${k} AS k FROM ${fileSource(path, file, columns)} GROUP BY 1 HAVING count(*) > 1 LIMIT 10000`,
    );
    return new Set(r.getRowObjectsJson().map((row) => String(row.k)));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
