// The one-query DuckDB baseline straight from a bundle's CSV files: invoices credited by the billing address's
// postal code (the billing-postal basis), as a plain SQL query would do it. Best of 3. Beside it, DuckDB storing
// the bundle's two large CSV files (invoices, sign-ins), unchecked, as any audit that keeps what it read must at
// least do: in tables of a database file, and as Parquet files (how Daylight's store keeps them). Best of 2 each.
// Prints one JSON line.
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

async function bestOf(rounds: number, run: () => Promise<void>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await run();
    best = Math.min(best, performance.now() - t);
  }
  return best / 1000;
}

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
let cells = 0;
const seconds = await bestOf(3, async () => {
  cells = (await connection.runAndReadAll(SQL)).currentRowCount;
});
connection.closeSync();
instance.closeSync();

const file = join(tmpdir(), `daylight-baseline-${process.pid}.duckdb`);
const money = ['list_amount', 'discount_amount', 'net_amount'].map(
  (c) => `CAST(${c} AS DECIMAL(18,2)) AS ${c}`,
);
const storeSeconds = await bestOf(2, async () => {
  rmSync(file, { force: true });
  const db = await DuckDBInstance.create(file);
  const c = await db.connect();
  await c.run('SET preserve_insertion_order = false');
  await c.run(`CREATE TABLE invoices AS SELECT * REPLACE (${money.join(', ')}) FROM ${csv('invoices')}`);
  if (existsSync(join(bundle, 'logins.csv')))
    await c.run(`CREATE TABLE logins AS SELECT * FROM ${csv('logins')}`);
  await c.run('CHECKPOINT');
  c.closeSync();
  db.closeSync();
});
rmSync(file, { force: true });

const parquetSeconds = await bestOf(2, async () => {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run('SET preserve_insertion_order = false');
  await c.run(
    `COPY (SELECT * REPLACE (${money.join(', ')}) FROM ${csv('invoices')}) TO '${file}.invoices.parquet' (FORMAT parquet)`,
  );
  if (existsSync(join(bundle, 'logins.csv')))
    await c.run(`COPY (SELECT * FROM ${csv('logins')}) TO '${file}.logins.parquet' (FORMAT parquet)`);
  c.closeSync();
  db.closeSync();
});
for (const table of ['invoices', 'logins']) rmSync(`${file}.${table}.parquet`, { force: true });
process.stdout.write(`${JSON.stringify({ seconds, cells, storeSeconds, parquetSeconds })}\n`);
