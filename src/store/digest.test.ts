import { createHash } from 'node:crypto';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Db } from './db.ts';
import { rowsDigest, rowsDigests, sortedRowsDigests } from './digest.ts';

type Row = [string | null, number | null];

let instance: DuckDBInstance;
let db: Db;

beforeEach(async () => {
  instance = await DuckDBInstance.create(':memory:');
  db = new Db(await instance.connect());
  await db.run('CREATE TABLE t (k VARCHAR, name VARCHAR, n INTEGER)');
});

afterEach(() => instance.closeSync());

async function fill(key: string, rows: Row[]): Promise<void> {
  for (const [name, n] of rows) await db.insertRows('t', [[key, name, n]]);
}

const digestOf = (key: string) => rowsDigest(db, 't', ['name', 'n'], 'k = $k', { k: key });

/**
 * The digest worked out here, without DuckDB: each row's cells as text (NULL as chr(30)) joined by chr(31), its
 * MD5 read as a little-endian 128-bit number (DuckDB's md5_number), and the sums of the upper and lower halves.
 */
function reference(rows: Row[]): string {
  let hi = 0n;
  let lo = 0n;
  for (const [name, n] of rows) {
    const md5 = createHash('md5')
      .update([name ?? '\x1e', n === null ? '\x1e' : String(n)].join('\x1f'))
      .digest();
    hi += md5.readBigUInt64LE(8);
    lo += md5.readBigUInt64LE(0);
  }
  return `${rows.length}:${hi}:${lo}`;
}

const ROWS: Row[] = [
  ['北京', 1],
  ['a', null],
  [null, 7],
  ['', 0],
  ['a', null],
  ['x\x1fy', 2],
];

/** ROWS under `a`, and under `c0`… each with one change: a cell, a row repeated, a row gone, NULL made empty. */
async function fillChanged(): Promise<string[]> {
  const changed: Row[][] = [
    ROWS,
    ROWS.map((r, i) => (i === 0 ? ['北京', 2] : r)),
    [...ROWS, ROWS[0]!],
    ROWS.slice(1),
    ROWS.map((r, i) => (i === 2 ? ['', 7] : r)),
  ];
  const keys = changed.map((_, i) => (i === 0 ? 'a' : `c${i - 1}`));
  for (const [i, rows] of changed.entries()) await fill(keys[i]!, rows);
  return keys;
}

describe('row digests', () => {
  it('are the count and the sums of the halves of the rows’ MD5s, as worked out without DuckDB', async () => {
    await fill('a', ROWS);
    expect(await digestOf('a')).toBe(reference(ROWS));
  });

  it('do not depend on the order the rows were stored in', async () => {
    await fill('a', ROWS);
    await fill('b', [...ROWS].reverse());
    expect(await digestOf('b')).toBe(await digestOf('a'));
  });

  it('change when a cell changes, a row repeats or goes, or NULL becomes empty', async () => {
    const keys = await fillChanged();
    const digests = await Promise.all(keys.map(digestOf));
    expect(new Set(digests).size).toBe(keys.length);
  });

  it('digest several parts in one statement, an empty one included', async () => {
    await fill('a', ROWS);
    await fill('b', ROWS.slice(0, 2));
    const parts = ['a', 'none', 'b'].map((k) => ({
      from: 't',
      columns: ['name', 'n'],
      where: `k = '${k}'`,
    }));
    expect(await rowsDigests(db, parts, {})).toEqual([
      reference(ROWS),
      reference([]),
      reference(ROWS.slice(0, 2)),
    ]);
  });
});

/** The sound digest worked out here, without DuckDB: the SHA-256 of the rows' SHA-256s (hex) in sorted order. */
function sortedReference(rows: Row[]): string {
  const hashes = rows
    .map((r) =>
      createHash('sha256')
        .update([r[0] ?? '\x1e', r[1] === null ? '\x1e' : String(r[1])].join('\x1f'))
        .digest('hex'),
    )
    .sort();
  return `rows-sha256:${rows.length}:${createHash('sha256').update(hashes.join('')).digest('hex')}`;
}

describe('sorted row digests', () => {
  const sortedOf = async (...keys: string[]) =>
    sortedRowsDigests(
      db,
      keys.map((k) => ({ from: 't', columns: ['name', 'n'], where: `k = '${k}'` })),
      {},
    );

  it('are the count and the SHA-256 of the rows’ sorted SHA-256s, as worked out without DuckDB, in any order', async () => {
    await fill('a', ROWS);
    await fill('b', [...ROWS].reverse());
    expect(await sortedOf('a', 'none', 'b')).toEqual([
      sortedReference(ROWS),
      sortedReference([]),
      sortedReference(ROWS),
    ]);
  });

  it('change when a cell changes, a row repeats or goes, or NULL becomes empty', async () => {
    const keys = await fillChanged();
    expect(new Set(await sortedOf(...keys)).size).toBe(keys.length);
  });

  it('are the same when a large part is hashed a chunk at a time here', async () => {
    await fill('a', ROWS);
    await fill('b', [...ROWS].reverse());
    const parts = ['a', 'none', 'b'].map((k) => ({ from: 't', columns: ['name', 'n'], where: `k = '${k}'` }));
    const together = await sortedRowsDigests(db, parts, {});
    // Every part with a row counts as large: each is streamed sorted and hashed in JavaScript.
    expect(await sortedRowsDigests(db, parts, {}, 0)).toEqual(together);
    expect(together[0]).toBe(sortedReference(ROWS));
  });
});
