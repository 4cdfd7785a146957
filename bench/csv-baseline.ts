// The one-query DuckDB baseline straight from a bundle's CSV files: invoices credited by the billing address's
// postal code (the billing-postal basis), as a plain SQL query would do it. Best of 3. Prints one JSON line.
import { DuckDBInstance } from '@duckdb/node-api';

const [bundle] = process.argv.slice(2) as [string];
const csv = (table: string) => `read_csv('${bundle}/${table}.csv', header = true, all_varchar = true)`;
const SQL = `
WITH inv AS (
  SELECT account_id, period, SUM(CAST(net_amount AS DECIMAL(18,2))) AS net,
         last_day(strptime(period || '-01', '%Y-%m-%d')::DATE) AS end_date
  FROM ${csv('invoices')} GROUP BY account_id, period),
addr AS (
  SELECT inv.*, b.country, coalesce(b.postal_code, '') AS postal
  FROM inv ASOF LEFT JOIN (SELECT account_id, CAST(valid_from AS DATE) AS valid_from, country, postal_code
                           FROM ${csv('billing_addresses')}) b
    ON inv.account_id = b.account_id AND inv.end_date >= b.valid_from),
credited AS (
  SELECT addr.period, addr.net, t.region_id
  FROM addr LEFT JOIN (SELECT country, postal_prefix, region_id, CAST(valid_from AS DATE) AS valid_from,
                              CAST(nullif(valid_to, '') AS DATE) AS valid_to FROM ${csv('territories')}) t
    ON t.country = addr.country AND t.valid_from <= addr.end_date
   AND (t.valid_to IS NULL OR addr.end_date < t.valid_to)
   AND starts_with(addr.postal, coalesce(t.postal_prefix, ''))
  QUALIFY row_number() OVER (PARTITION BY addr.account_id, addr.period
                             ORDER BY length(coalesce(t.postal_prefix, '')) DESC, t.valid_from DESC) = 1)
SELECT period, coalesce(region_id, 'UNMAPPED') AS region, CAST(SUM(net) AS VARCHAR) AS amount
FROM credited GROUP BY ALL ORDER BY ALL`;

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
let best = Number.POSITIVE_INFINITY;
let cells = 0;
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  cells = (await connection.runAndReadAll(SQL)).currentRowCount;
  best = Math.min(best, performance.now() - t);
}
connection.closeSync();
instance.closeSync();
process.stdout.write(`${JSON.stringify({ seconds: best / 1000, cells })}\n`);
