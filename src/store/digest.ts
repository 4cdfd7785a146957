import { z } from 'zod';
import { type Db, type Params, quote } from './db.ts';

/**
 * An order-independent digest of rows, computed by DuckDB in one pass: the row count and the sums of the two halves
 * of each row's MD5 (over its columns as text, NULL and the separator kept apart). Changing, adding or removing a
 * row changes it unless one finds rows whose MD5s sum to the same 128 bits — not something an insider can do.
 */
export async function rowsDigest(
  db: Db,
  table: string,
  columns: string[],
  where: string,
  params: Params,
): Promise<string> {
  const text = columns.map((c) => `coalesce(CAST(${quote(c)} AS VARCHAR), chr(30))`).join(', ');
  const row = await db.first(
    z.object({ n: z.string(), hi: z.string().nullable(), lo: z.string().nullable() }),
    `WITH t AS (SELECT md5_number(concat_ws(chr(31), ${text})) AS h FROM ${quote(table)} WHERE ${where})
     SELECT count(*)::VARCHAR AS n, sum((h >> 64)::HUGEINT)::VARCHAR AS hi,
            sum((h & 18446744073709551615::UHUGEINT)::HUGEINT)::VARCHAR AS lo FROM t`,
    params,
  );
  return `${row!.n}:${row!.hi ?? 0}:${row!.lo ?? 0}`;
}
