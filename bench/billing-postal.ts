// billing-postal crediting of the same snapshot, side by side: Daylight's engine vs one DuckDB SQL query.

import { DuckDBInstance } from '@duckdb/node-api';
import { formatMoney } from '../src/contract/money.ts';
import { Crediting } from '../src/engine/crediting.ts';
import { World } from '../src/engine/world.ts';
import { Store } from '../src/store/store.ts';
import { loadFacts } from '../src/usecases/load-facts.ts';
import { billingPostalSql } from './billing-postal-sql.ts';

/** The query over a snapshot whose invoices are the store's Parquet files given (see RowFiles). */
const billingPostalOver = (invoiceFiles: string[]) =>
  billingPostalSql({
    invoices: `read_parquet([${invoiceFiles.map((f) => `'${f}'`).join(', ')}])`,
    billing_addresses: '(SELECT * FROM billing_addresses WHERE snapshot_id = $s)',
    territories: '(SELECT * FROM territories WHERE snapshot_id = $s)',
  });

const [storePath] = process.argv.slice(2) as [string];
const store = await Store.open(storePath);
const snapshot = (await store.snapshots.list()).at(-1)!.snapshot_id;

const best = async (f: () => Promise<Map<string, string>>) => {
  let ms = Number.POSITIVE_INFINITY;
  let out = new Map<string, string>();
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    out = await f();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, out };
};

const daylight = await best(async () => {
  const world = new World(await loadFacts(store.snapshots, snapshot, []));
  const crediting = new Crediting(world);
  const sums = new Map<string, bigint>();
  const totals = world.facts.invoiceTotals;
  crediting.each((i, leaves) => {
    const key = `${totals.periodOf(i)}|${leaves[0]}`;
    sums.set(key, (sums.get(key) ?? 0n) + totals.net(i));
  });
  return new Map([...sums].map(([k, v]) => [k, formatMoney(v)]));
});
store.close();
// The same store (its file and its invoices' Parquet files), opened by DuckDB alone for the baseline.
const instance = await DuckDBInstance.create(storePath);
const connection = await instance.connect();
const listed = await connection.runAndReadAll(
  `SELECT file FROM row_files WHERE snapshot_id = $s AND table_name = 'invoices'`,
  { s: snapshot },
);
const sql = billingPostalOver(listed.getRowObjectsJson().map((r) => `${storePath}.rows/${r.file}`));
const duckdb = await best(async () => {
  const r = await connection.runAndReadAll(sql, { s: snapshot });
  return new Map(r.getRowObjectsJson().map((x) => [`${x.period}|${x.region}`, String(x.amount)]));
});
connection.closeSync();
instance.closeSync();

const agree =
  daylight.out.size === duckdb.out.size && [...daylight.out].every(([k, v]) => duckdb.out.get(k) === v);
process.stdout.write(
  `${JSON.stringify({ daylightMs: Math.round(daylight.ms), duckdbMs: Math.round(duckdb.ms), ratio: +(daylight.ms / duckdb.ms).toFixed(2), cells: duckdb.out.size, agree })}\n`,
);
