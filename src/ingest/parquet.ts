import { DuckDBInstance } from '@duckdb/node-api';

/**
 * Parquet is read through DuckDB's built-in reader. Every column comes back as text the contract's
 * schemas understand: dates as YYYY-MM-DD, decimals as plain decimals, timestamps as ISO 8601 with offset.
 */
export async function readParquetFile(
  path: string,
  onHeader: (columns: string[]) => void,
  onRecord: (record: Record<string, unknown>, line: number) => void,
): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const file = path.replaceAll("'", "''");
    const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
    const columns = described
      .getRowObjectsJson()
      .map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
    onHeader(columns.map((c) => c.name));
    const select = columns
      .map(({ name, type }) => {
        const q = `"${name.replaceAll('"', '""')}"`;
        if (type.startsWith('TIMESTAMP'))
          return `strftime(${q}::TIMESTAMPTZ AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS ${q}`;
        if (type === 'DATE') return `strftime(${q}, '%Y-%m-%d') AS ${q}`;
        return `CAST(${q} AS VARCHAR) AS ${q}`;
      })
      .join(', ');
    const result = await connection.runAndReadAll(`SELECT ${select} FROM read_parquet('${file}')`);
    const rows = result.getRowObjectsJson();
    for (let i = 0; i < rows.length; i++) onRecord(rows[i] as Record<string, unknown>, i + 1);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
