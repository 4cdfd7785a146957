import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnyTable } from '../contract/tables.ts';
import { Db } from './db.ts';
import { storedRowsProblem } from './screen.ts';

let instance: DuckDBInstance;
let db: Db;

beforeEach(async () => {
  instance = await DuckDBInstance.create(':memory:');
  db = new Db(await instance.connect());
});

afterEach(() => instance.closeSync());

/** A keyed table no foreign key cites or leaves: only its key is checked. */
const things = { name: 'things', key: ['id', 'part'] } as unknown as AnyTable;

/** `rows` rows of snapshot `s` (and as many of another snapshot, which must not count), ids `I0`…, `repeat` again. */
async function fill(rows: number, repeat?: number): Promise<void> {
  await db.run(`CREATE OR REPLACE TABLE things AS
    SELECT s, 'I' || i AS id, 'p' AS part FROM range(${rows}) t(i), (VALUES ('s'), ('other')) v(s)
    ${repeat === undefined ? '' : `UNION ALL SELECT 's', 'I${repeat}', 'p'`}`);
  await db.run('ALTER TABLE things RENAME COLUMN s TO snapshot_id');
}

const scratch = mkdtempSync(join(tmpdir(), 'daylight-keys-'));
let folders = 0;
const check = (passRows: number) =>
  storedRowsProblem(db, [things], new Map(), 's', () => join(scratch, `keys-${folders++}`), passRows);

describe("a unique key over a snapshot's stored rows", () => {
  it('is found unique in ranges of its hashes as in one grouping, and each range folder goes', async () => {
    await fill(5000);
    expect(await check(1 << 20)).toBeNull();
    expect(await check(700)).toBeNull();
    expect(folders).toBe(1);
    expect(existsSync(scratch) ? readdirSync(scratch) : []).toEqual([]);
  });

  it('finds a repeated key in ranges of its hashes as in one grouping', async () => {
    await fill(5000, 4321);
    const repeated = { table: 'things', why: 'id+part repeats' };
    expect(await check(1 << 20)).toEqual(repeated);
    expect(await check(700)).toEqual(repeated);
  });
});
