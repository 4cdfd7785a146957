// The one-query DuckDB baseline straight from a bundle's CSV files: invoices credited by the billing address's
// postal code (the billing-postal basis), as a plain SQL query would do it. Best of 3. Prints one JSON line.
import { DuckDBInstance } from '@duckdb/node-api';
import { billingPostalSql } from './billing-postal-sql.ts';

const [bundle] = process.argv.slice(2) as [string];
const csv = (table: string) => `read_csv('${bundle}/${table}.csv', header = true, all_varchar = true)`;
const SQL = billingPostalSql({
  invoices: `(SELECT account_id, period, CAST(net_amount AS DECIMAL(18,2)) AS net_amount FROM ${csv('invoices')})`,
  billing_addresses: `(SELECT account_id, CAST(valid_from AS DATE) AS valid_from, country, postal_code
                       FROM ${csv('billing_addresses')})`,
  territories: `(SELECT country, postal_prefix, region_id, CAST(valid_from AS DATE) AS valid_from,
                        CAST(nullif(valid_to, '') AS DATE) AS valid_to FROM ${csv('territories')})`,
});

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
