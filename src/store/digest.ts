import { createHash } from 'node:crypto';
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
 * Each part's rows digested soundly: the row count and the SHA-256 of the rows' SHA-256s (over their columns as
 * text, as rowsDigest) in sorted order, as `rows-sha256:COUNT:HEX`. Unlike sums, no choice of other rows matches it
 * short of breaking SHA-256. Parts of up to `inOneStatement` rows are digested together in one statement (a store
 * digesting a snapshot's tables needs no turn of this thread between them); a larger part's hashes come sorted a
 * chunk at a time and are hashed here, since DuckDB would hold the whole text it hashes in memory, which cannot
 * spill (the XL world's million accounts, billing addresses and owners together exhausted a 1 GB budget).
 */
export async function sortedRowsDigests(
  db: Db,
  parts: DigestPart[],
  params: Params,
  inOneStatement = SORTED_IN_ONE_STATEMENT,
): Promise<string[]> {
  if (parts.length === 0) return [];
  const hashes = ({ from, columns, where }: DigestPart) => {
    const text = columns.map((c) => `coalesce(CAST(${quote(c)} AS VARCHAR), chr(30))`).join(', ');
    return `SELECT sha256(concat_ws(chr(31), ${text})) AS h FROM ${from} WHERE ${where}`;
  };
  const counted = await db.rows(
    z.object({ part: z.string(), n: z.number() }),
    parts
      .map((part, i) => `SELECT ${literal(String(i))} AS part, count(*)::DOUBLE AS n FROM (${hashes(part)})`)
      .join('\nUNION ALL\n'),
    params,
  );
  const rows = new Map(counted.map((r) => [Number(r.part), r.n]));
  const digests = new Map<number, string>();
  const small = parts.map((part, i) => ({ part, i })).filter(({ i }) => rows.get(i)! <= inOneStatement);
  if (small.length > 0) {
    const together = await db.rows(
      z.object({ part: z.string(), d: z.string() }),
      small
        .map(
          ({ part, i }) =>
            `SELECT ${literal(String(i))} AS part, sha256(coalesce(string_agg(h, '' ORDER BY h), '')) AS d
             FROM (${hashes(part)})`,
        )
        .join('\nUNION ALL\n'),
      params,
    );
    for (const r of together) digests.set(Number(r.part), r.d);
  }
  for (const [i, part] of parts.entries()) {
    if (digests.has(i)) continue;
    const sha = createHash('sha256');
    await db.chunks(`${hashes(part)} ORDER BY h`, params, ([h]) => {
      for (const hex of h!) sha.update(hex as string);
    });
    digests.set(i, sha.digest('hex'));
  }
  return parts.map((_, i) => `${SORTED_DIGEST}${rows.get(i)}:${digests.get(i)}`);
}

/** Rows a part may have for its sorted digest to be made in one statement with the others (see sortedRowsDigests). */
const SORTED_IN_ONE_STATEMENT = 250_000;
