// billing-postal crediting of the same snapshot, side by side: Daylight's engine vs one DuckDB SQL query.

import { DuckDBInstance } from '@duckdb/node-api';
import { formatMoney } from '../src/contract/money.ts';
import { Crediting } from '../src/engine/crediting.ts';
import { World } from '../src/engine/world.ts';
import { Store } from '../src/store/store.ts';
import { loadFacts } from '../src/usecases/load-facts.ts';

export const BILLING_POSTAL_SQL = `
WITH inv AS (
  SELECT account_id, period, SUM(net_amount) AS net,
         last_day(strptime(period || '-01', '%Y-%m-%d')::DATE) AS end_date
  FROM invoices WHERE snapshot_id = $s GROUP BY account_id, period),
addr AS (
  SELECT inv.*, b.country, coalesce(b.postal_code, '') AS postal
  FROM inv ASOF LEFT JOIN (SELECT * FROM billing_addresses WHERE snapshot_id = $s) b
    ON inv.account_id = b.account_id AND inv.end_date >= b.valid_from),
credited AS (
  SELECT addr.period, addr.account_id, addr.net, t.region_id
  FROM addr LEFT JOIN (SELECT * FROM territories WHERE snapshot_id = $s) t
    ON t.country = addr.country AND t.valid_from <= addr.end_date
   AND (t.valid_to IS NULL OR addr.end_date < t.valid_to)
   AND starts_with(addr.postal, coalesce(t.postal_prefix, ''))
  QUALIFY row_number() OVER (PARTITION BY addr.account_id, addr.period
                             ORDER BY length(coalesce(t.postal_prefix, '')) DESC, t.valid_from DESC) = 1)
SELECT period, coalesce(region_id, 'UNMAPPED') AS region, CAST(SUM(net) AS VARCHAR) AS amount
FROM credited GROUP BY ALL ORDER BY ALL`;

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
// The same store file, opened by DuckDB alone for the baseline.
const instance = await DuckDBInstance.create(storePath);
const connection = await instance.connect();
const duckdb = await best(async () => {
  const r = await connection.runAndReadAll(BILLING_POSTAL_SQL, { s: snapshot });
  return new Map(r.getRowObjectsJson().map((x) => [`${x.period}|${x.region}`, String(x.amount)]));
});
connection.closeSync();
instance.closeSync();

const agree =
  daylight.out.size === duckdb.out.size && [...daylight.out].every(([k, v]) => duckdb.out.get(k) === v);
process.stdout.write(
  `${JSON.stringify({ daylightMs: Math.round(daylight.ms), duckdbMs: Math.round(duckdb.ms), ratio: +(daylight.ms / duckdb.ms).toFixed(2), cells: duckdb.out.size, agree })}\n`,
);
