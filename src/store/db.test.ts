import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { Db, TRACK_PROGRESS } from './db.ts';

const opened: DuckDBInstance[] = [];
async function db(): Promise<Db> {
  const instance = await DuckDBInstance.create(':memory:');
  opened.push(instance);
  return new Db(await instance.connect());
}
afterEach(() => {
  for (const i of opened.splice(0)) i.closeSync();
});

/** Asks the connection one query after another until told to stop; returns how many it asked. */
function busy(d: Db): { stop(): Promise<number> } {
  let stopped = false;
  let asked = 0;
  const loop = (async () => {
    while (!stopped) {
      await d.objects('SELECT 1 AS one');
      asked++;
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return asked;
    },
  };
}

describe('Db', () => {
  it('tells how far a statement reading a file has got while it runs, and nothing once it has ended', async () => {
    const d = await db();
    await d.run(TRACK_PROGRESS);
    const dir = mkdtempSync(join(tmpdir(), 'daylight-progress-'));
    const path = join(dir, 'rows.csv');
    writeFileSync(path, `a,b\n${'12345678,abcdefghijklmnop\n'.repeat(6_000_000)}`);
    expect(d.progress()).toBeNull();
    const seen: number[] = [];
    await d.withProgress(
      () => d.run(`CREATE TABLE t AS SELECT * FROM read_csv('${path}', all_varchar = true)`),
      (percent) => seen.push(percent),
    );
    rmSync(dir, { recursive: true });
    const reported = seen.length;
    await new Promise((r) => setTimeout(r, 700));
    expect(seen.length).toBe(reported);
    expect(reported).toBeGreaterThan(0);
    expect(seen.every((p) => Number.isInteger(p) && p >= 0 && p <= 100)).toBe(true);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(d.progress()).toBeNull();
  });

  it('reads a streamed result whole while other queries are asked on the connection', async () => {
    const d = await db();
    const other = busy(d);
    let rows = 0;
    let sum = 0;
    await d.chunks('SELECT i::INTEGER AS i FROM range(300000) t(i)', undefined, (columns, n) => {
      rows += n;
      for (const v of columns[0] as number[]) sum += v;
    });
    const asked = await other.stop();
    expect(asked).toBeGreaterThan(0);
    expect(rows).toBe(300_000);
    expect(sum).toBe((299_999 * 300_000) / 2);
  });

  it('flushes an appender before the next statement takes the connection', async () => {
    const d = await db();
    await d.run('CREATE TABLE t (i INTEGER)');
    const other = busy(d);
    await Promise.all(
      [0, 1, 2].map((k) =>
        d.appendTo('t', (a) => {
          for (let i = 0; i < 10_000; i++) {
            a.appendInteger(k * 10_000 + i);
            a.endRow();
          }
        }),
      ),
    );
    await other.stop();
    expect(await d.objects('SELECT count(*)::INTEGER AS n, count(DISTINCT i)::INTEGER AS d FROM t')).toEqual([
      { n: 30_000, d: 30_000 },
    ]);
  });

  it('runs the next statement after one that failed', async () => {
    const d = await db();
    const failed = d.run('SELECT * FROM missing_table');
    const next = d.objects('SELECT 2 AS two');
    await expect(failed).rejects.toThrow(/missing_table/);
    expect(await next).toEqual([{ two: 2 }]);
  });
});

describe('Db.typedChunks', () => {
  it('reads fixed-width columns over many chunks as the values chunks() reads', async () => {
    const d = await db();
    const sql = `SELECT i::INTEGER AS i, (i * 3 - 7)::BIGINT AS big, (i % 300)::SMALLINT AS small, i / 4 AS half
                 FROM range(100000) t(i) ORDER BY i`;
    const typed: number[][] = [[], [], [], []];
    let chunks = 0;
    await d.typedChunks(sql, undefined, (columns, rows) => {
      chunks++;
      expect(columns.map((c) => c.constructor.name)).toEqual([
        'Int32Array',
        'BigInt64Array',
        'Int16Array',
        'Float64Array',
      ]);
      columns.forEach((c, i) => {
        expect(c.length).toBe(rows);
        for (const v of c) typed[i]!.push(Number(v));
      });
    });
    const plain: number[][] = [[], [], [], []];
    await d.chunks(sql, undefined, (columns) =>
      columns.forEach((c, i) => {
        for (const v of c) plain[i]!.push(Number(v));
      }),
    );
    expect(chunks).toBeGreaterThan(40);
    expect(typed[0]!.length).toBe(100000);
    expect(typed).toEqual(plain);
    expect(typed[1]![99999]).toBe(99999 * 3 - 7);
  });

  it('refuses a NULL and a column that is not fixed-width, instead of reading what lies under them', async () => {
    const d = await db();
    const read = (sql: string) => d.typedChunks(sql, undefined, () => {});
    await expect(
      read('SELECT CASE WHEN i = 70 THEN NULL ELSE i END::INTEGER AS i FROM range(100) t(i)'),
    ).rejects.toThrow('column 0 holds a NULL');
    await expect(read("SELECT 1::INTEGER AS i, 'x' AS s")).rejects.toThrow(
      'column 1 is not a fixed-width vector',
    );
  });
});
