import { createHash } from 'node:crypto';
import { endianness } from 'node:os';
import { z } from 'zod';
import { type Db, type Params, quote } from './db.ts';

/** Rows of a table to digest: its columns, and which rows (a condition over the statement's params). */
export interface DigestPart {
  table: string;
  columns: string[];
  where: string;
}

/**
 * How a digest of rows was made. `sorted`: `n:sha256:HEX`, SHA-256 over the rows' MD5s (16 bytes each), ordered
 * by their value as 128-bit little-endian numbers (DuckDB's md5_number).
 * `sums`: `n:hi:lo`, the sums of the two halves of the rows' MD5s, which ledgers written before the sorted digest
 * hold. Sums are linear, so rows can be changed and others made up to keep them (a k-sum search, as in Wagner's
 * generalised birthday problem); they are only recomputed to check what such ledgers recorded.
 */
export type DigestScheme = 'sorted' | 'sums';

export const schemeOf = (digest: string): DigestScheme =>
  digest.split(':')[1] === 'sha256' ? 'sorted' : 'sums';

/** Each row's MD5 (a UHUGEINT), over its columns as text with NULL and the separator kept apart. */
function rowHashes({ table, columns, where }: DigestPart, part: number): string {
  const text = columns.map((c) => `coalesce(CAST(${quote(c)} AS VARCHAR), chr(30))`).join(', ');
  return `SELECT ${part} AS part, md5_number(concat_ws(chr(31), ${text})) AS h FROM ${quote(table)} WHERE ${where}`;
}

const sumsRow = z.object({
  part: z.number(),
  n: z.string(),
  hi: z.string().nullable(),
  lo: z.string().nullable(),
});

async function sumsDigests(db: Db, parts: DigestPart[], params: Params): Promise<string[]> {
  const rows = await db.rows(
    sumsRow,
    `SELECT part, count(*)::VARCHAR AS n, sum((h >> 64)::HUGEINT)::VARCHAR AS hi,
            sum((h & 18446744073709551615::UHUGEINT)::HUGEINT)::VARCHAR AS lo
     FROM (${parts.map(rowHashes).join('\nUNION ALL\n')}) GROUP BY part`,
    params,
  );
  const byPart = new Map(rows.map((r) => [r.part, `${r.n}:${r.hi ?? 0}:${r.lo ?? 0}`]));
  return parts.map((_, i) => byPart.get(i) ?? '0:0:0');
}

/**
 * The rows' MD5s sorted by DuckDB (on every core, spilling past its memory budget) and read a chunk at a time as
 * typed arrays. md5_number reads the 16 bytes of an MD5 as a little-endian number, so its lower then upper 64 bits,
 * written little-endian, are the MD5's bytes in order. Nothing holds all the rows.
 */
async function sortedDigests(db: Db, parts: DigestPart[], params: Params): Promise<string[]> {
  if (endianness() !== 'LE') throw new Error('row digests are read as little-endian words');
  const hashes = parts.map(() => createHash('sha256'));
  const counts = parts.map(() => 0);
  await db.typedChunks(
    `SELECT part, (h >> 64)::UBIGINT AS hi, (h & 18446744073709551615::UHUGEINT)::UBIGINT AS lo
     FROM (${parts.map(rowHashes).join('\nUNION ALL\n')}) ORDER BY part, hi, lo`,
    params,
    ([part, hi, lo], rows) => {
      const p = part as Int32Array;
      const high = new Uint32Array(hi!.buffer, hi!.byteOffset, rows * 2);
      const low = new Uint32Array(lo!.buffer, lo!.byteOffset, rows * 2);
      for (let start = 0; start < rows; ) {
        let end = start;
        while (end < rows && p[end] === p[start]) end++;
        const words = new Uint32Array((end - start) * 4);
        for (let i = start, w = 0; i < end; i++, w += 4) {
          words[w] = low[2 * i]!;
          words[w + 1] = low[2 * i + 1]!;
          words[w + 2] = high[2 * i]!;
          words[w + 3] = high[2 * i + 1]!;
        }
        hashes[p[start]!]!.update(words);
        counts[p[start]!]! += end - start;
        start = end;
      }
    },
  );
  return hashes.map((hash, i) => `${counts[i]}:sha256:${hash.digest('hex')}`);
}

/**
 * An order-independent digest of rows: their count and a SHA-256 over the sorted MD5s of the rows (see
 * DigestScheme). To change a stored row without changing it one needs a second row with the same MD5 (a second
 * preimage, which no one knows how to find) or a collision in SHA-256.
 */
export async function rowsDigest(
  db: Db,
  table: string,
  columns: string[],
  where: string,
  params: Params,
  scheme: DigestScheme = 'sorted',
): Promise<string> {
  return (await rowsDigests(db, [{ table, columns, where }], params, scheme))[0]!;
}

/**
 * Each part's digest (see rowsDigest), in the parts' order, from one statement: a store digesting every table of
 * a snapshot asks DuckDB once, and needs no turn of this thread between tables.
 */
export function rowsDigests(
  db: Db,
  parts: DigestPart[],
  params: Params,
  scheme: DigestScheme = 'sorted',
): Promise<string[]> {
  return scheme === 'sorted' ? sortedDigests(db, parts, params) : sumsDigests(db, parts, params);
}
