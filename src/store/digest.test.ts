import { createHash } from 'node:crypto';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Anchored, compareState, type StoredState } from './anchored-state.ts';
import { Db } from './db.ts';
import { type DigestScheme, rowsDigest, rowsDigests, schemeOf } from './digest.ts';

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

const digestOf = (key: string, scheme?: DigestScheme) =>
  rowsDigest(db, 't', ['name', 'n'], 'k = $k', { k: key }, scheme);

/** A row as the digest reads it: its cells as text, NULL as chr(30), joined by chr(31). */
const md5Of = ([name, n]: Row) =>
  createHash('md5')
    .update([name ?? '\x1e', n === null ? '\x1e' : String(n)].join('\x1f'))
    .digest();

/** The sorted digest worked out here: MD5s ordered as little-endian 128-bit numbers, then SHA-256. */
function sortedReference(rows: Row[]): string {
  const value = (b: Buffer) => (b.readBigUInt64LE(8) << 64n) | b.readBigUInt64LE(0);
  const sorted = rows.map(md5Of).sort((a, b) => (value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : 0));
  return `${rows.length}:sha256:${createHash('sha256').update(Buffer.concat(sorted)).digest('hex')}`;
}

/** The sums digest worked out here: the sums of each MD5's upper and lower 64 bits. */
function sumsReference(rows: Row[]): string {
  let hi = 0n;
  let lo = 0n;
  for (const b of rows.map(md5Of)) {
    hi += b.readBigUInt64LE(8);
    lo += b.readBigUInt64LE(0);
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

describe('row digests', () => {
  it('are SHA-256 over the rows’ MD5s in sorted order, as worked out without DuckDB', async () => {
    await fill('a', ROWS);
    expect(await digestOf('a')).toBe(sortedReference(ROWS));
    expect(schemeOf(await digestOf('a'))).toBe('sorted');
  });

  it('do not depend on the order the rows were stored in', async () => {
    await fill('a', ROWS);
    await fill('b', [...ROWS].reverse());
    expect(await digestOf('b')).toBe(await digestOf('a'));
  });

  it('change when a cell changes, a row repeats or goes, or NULL becomes empty', async () => {
    await fill('a', ROWS);
    const changed: Row[][] = [
      ROWS.map((r, i) => (i === 0 ? ['北京', 2] : r)),
      [...ROWS, ROWS[0]!],
      ROWS.slice(1),
      ROWS.map((r, i) => (i === 2 ? ['', 7] : r)),
    ];
    for (const [i, rows] of changed.entries()) await fill(`c${i}`, rows);
    const digests = await Promise.all(changed.map((_, i) => digestOf(`c${i}`)));
    expect(new Set([await digestOf('a'), ...digests]).size).toBe(changed.length + 1);
  });

  it('digest several parts in one statement, an empty one included', async () => {
    await fill('a', ROWS);
    await fill('b', ROWS.slice(0, 2));
    const parts = ['a', 'none', 'b'].map((k) => ({
      table: 't',
      columns: ['name', 'n'],
      where: `k = '${k}'`,
    }));
    expect(await rowsDigests(db, parts, {})).toEqual([
      sortedReference(ROWS),
      sortedReference([]),
      sortedReference(ROWS.slice(0, 2)),
    ]);
  });

  it('still recompute the sums that earlier ledgers recorded', async () => {
    await fill('a', ROWS);
    const sums = await digestOf('a', 'sums');
    expect(sums).toBe(sumsReference(ROWS));
    expect(schemeOf(sums)).toBe('sums');
    expect(await digestOf('none', 'sums')).toBe('0:0:0');
  });
});

describe('checking the store against the ledger', () => {
  it('recomputes each recorded digest the way it was made', async () => {
    await fill('a', ROWS);
    const asked: DigestScheme[] = [];
    const none = async () => new Map();
    const stored: StoredState = {
      tableDigests: async (id, scheme) => {
        asked.push(scheme);
        return { t: await digestOf(id, scheme) };
      },
      ...{ snapshots: none, readings: none, runs: none, cases: none, users: none, tokens: none },
      ...{ sessions: none, decisions: none, replays: none, webhooks: none, comments: async () => [] },
    };
    const recording = (digest: string): Anchored => ({
      ...{ snapshots: new Map(), decisions: new Map(), replays: new Map(), webhooks: new Map() },
      ...{ readings: new Map(), runs: new Map(), cases: new Map(), comments: new Map() },
      ...{ users: new Map(), tokens: new Map(), sessions: new Map() },
      tables: new Map([['a', { t: digest }]]),
    });
    for (const scheme of ['sums', 'sorted'] as const) {
      const recorded = recording(await digestOf('a', scheme));
      expect(await compareState(recorded, new Map(), stored)).toBeNull();
      await db.run('UPDATE t SET n = 3 WHERE n = 1');
      expect((await compareState(recorded, new Map(), stored))?.reason).toMatch(
        /rows of t in snapshot a differ/,
      );
      await db.run('UPDATE t SET n = 1 WHERE n = 3');
    }
    expect(asked).toEqual(['sums', 'sums', 'sorted', 'sorted']);
  });
});
