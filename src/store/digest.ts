import { z } from 'zod';
import { sha256Hex } from '../util/hash.ts';
import { type Db, literal, type Params, quote } from './db.ts';

/** Rows to digest: where they are (a table's name, quoted, or a subquery), their columns, and which rows. */
export interface DigestPart {
  from: string;
  columns: string[];
  where: string;
}

const FILE_DIGEST = 'sha256:';
const SORTED_DIGEST = 'rows-sha256:';

/** The digest of rows kept in files: their SHA-256 (of the files' hashes in order, when more than one). */
export const fileDigest = (hashes: string[]) =>
  FILE_DIGEST + (hashes.length === 1 ? hashes[0]! : sha256Hex(hashes.join('\n')));

export const isFileDigest = (digest: string) => digest.startsWith(FILE_DIGEST);

/** A digest of rows made by sortedRowsDigests (else, a file's or rowsDigest's). */
export const isSortedDigest = (digest: string) => digest.startsWith(SORTED_DIGEST);

/** The SELECT that digests one part's rows as `n`, `hi`, `lo` (see rowsDigest). */
function digestSelect({ from, columns, where }: DigestPart, label: string): string {
  const text = columns.map((c) => `coalesce(CAST(${quote(c)} AS VARCHAR), chr(30))`).join(', ');
  return `SELECT ${literal(label)} AS part, count(*)::VARCHAR AS n, sum((h >> 64)::HUGEINT)::VARCHAR AS hi,
            sum((h & 18446744073709551615::UHUGEINT)::HUGEINT)::VARCHAR AS lo
          FROM (SELECT md5_number(concat_ws(chr(31), ${text})) AS h FROM ${from} WHERE ${where})`;
}

const digestRow = z.object({
  part: z.string(),
  n: z.string(),
  hi: z.string().nullable(),
  lo: z.string().nullable(),
});

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
  return (await rowsDigests(db, [{ from: quote(table), columns, where }], params))[0]!;
}

/**
 * Each part's digest (see rowsDigest), in the parts' order, from one statement: a store digesting every table of
 * a snapshot asks DuckDB once, and needs no turn of this thread between tables.
 */
export async function rowsDigests(db: Db, parts: DigestPart[], params: Params): Promise<string[]> {
  if (parts.length === 0) return [];
  const rows = await db.rows(
    digestRow,
    parts.map((part, i) => digestSelect(part, String(i))).join('\nUNION ALL\n'),
    params,
  );
  const byPart = new Map(rows.map((r) => [r.part, `${r.n}:${r.hi ?? 0}:${r.lo ?? 0}`]));
  return parts.map((_, i) => byPart.get(String(i))!);
}

/**
 * Each part's rows digested soundly, in one statement: the row count and the SHA-256 of the rows' SHA-256s (over
 * their columns as text, as rowsDigest) in sorted order, as `rows-sha256:COUNT:HEX`. Unlike sums, no choice of
 * other rows matches it short of breaking SHA-256; sorting costs more, so it is kept for tables of thousands of rows,
 * not millions (which files anchor, see RowFiles).
 */
export async function sortedRowsDigests(db: Db, parts: DigestPart[], params: Params): Promise<string[]> {
  if (parts.length === 0) return [];
  const select = ({ from, columns, where }: DigestPart, label: string) => {
    const text = columns.map((c) => `coalesce(CAST(${quote(c)} AS VARCHAR), chr(30))`).join(', ');
    return `SELECT ${literal(label)} AS part, count(*)::VARCHAR AS n, sha256(coalesce(string_agg(h, '' ORDER BY h), '')) AS d
            FROM (SELECT sha256(concat_ws(chr(31), ${text})) AS h FROM ${from} WHERE ${where})`;
  };
  const rows = await db.rows(
    z.object({ part: z.string(), n: z.string(), d: z.string() }),
    parts.map((part, i) => select(part, String(i))).join('\nUNION ALL\n'),
    params,
  );
  const byPart = new Map(rows.map((r) => [r.part, `${SORTED_DIGEST}${r.n}:${r.d}`]));
  return parts.map((_, i) => byPart.get(String(i))!);
}
