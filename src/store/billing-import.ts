import { DuckDBInstance } from '@duckdb/node-api';
import { z } from 'zod';
import { HALF_EVEN_MACRO, literal, quote } from './db.ts';

/**
 * Billing exports (FOCUS, AWS CUR) summed by DuckDB straight from their files, so memory follows the number of
 * groups, never the number of rows: every cost as an exact DECIMAL(38,18), grouped per account, period, service,
 * usage region, seller and currency, then rounded once, half to even, to cents. Bad cells come back with their
 * file, line and column (DuckDB keeps rejected lines); nothing is written by this module.
 */

/**
 * Where an export keeps what an invoice row needs, by column name: for each value, the columns to take it from, the
 * first that is not null winning.
 */
export interface BillingLayout {
  account: string[];
  /** The billing period's start (a timestamp; without an offset it is UTC). */
  periodStart: string;
  service: string[];
  region: string[];
  /** A column whose value is taken as the region only when it looks like a region id (`us-sanjose-1`). */
  regionIfIdLike?: string;
  list: string;
  net: string;
  seller: string[];
  currency: string;
  /** Lines whose `column` holds one of `values` (any letter case) are tax: counted, never revenue. */
  tax: { column: string; values: string[] };
  /** Lines that reduce the bill (credits, refunds, discounts): without a list price they add nothing to it. */
  reductions?: { column: string; values: string[] };
}

const REGION_ID = '^[a-z]{2}(-[a-z0-9]+)*-[0-9]+$';

/** The layout as SQL over the source's columns (those it lacks count as null). */
function mappingOf(l: BillingLayout, columns: string[]) {
  const col = (c: string) => (columns.includes(c) ? quote(c) : 'NULL');
  const first = (cs: string[]) => (cs.length === 1 ? col(cs[0]!) : `coalesce(${cs.map(col).join(', ')})`);
  const region = l.regionIfIdLike
    ? `coalesce(${first(l.region)}, CASE WHEN regexp_matches(${col(l.regionIfIdLike)}, ${literal(REGION_ID)}) THEN ${col(l.regionIfIdLike)} END)`
    : first(l.region);
  return {
    account: first(l.account),
    periodStart: `CAST(${col(l.periodStart)} AS TIMESTAMPTZ)`,
    service: first(l.service),
    region: `nullif(${region}, '')`,
    list: l.reductions
      ? `CASE WHEN lower(${col(l.reductions.column)}) IN (${l.reductions.values.map((v) => literal(v.toLowerCase())).join(', ')}) THEN coalesce(${col(l.list)}, 0) ELSE coalesce(${col(l.list)}, ${col(l.net)}) END`
      : `coalesce(${col(l.list)}, ${col(l.net)})`,
    net: col(l.net),
    seller: `nullif(${first(l.seller)}, '')`,
    currency: col(l.currency),
    isTax: `lower(${col(l.tax.column)}) IN (${l.tax.values.map((v) => literal(v.toLowerCase())).join(', ')})`,
    decimals: [l.list, l.net],
    timestamps: [l.periodStart],
  };
}

export interface BillingSource {
  files: string[];
  format: 'csv' | 'parquet';
}

export interface GroupRow {
  account_id: string;
  period: string;
  service: string;
  usage_region: string;
  seller: string | null;
  currency: string;
  list: string;
  net: string;
  rows: number;
}

export interface PeriodTotals {
  period: string;
  rows: number;
  tax_rows: number;
  /** Exact sums in the source (18 decimals), revenue lines and tax lines. */
  source_net: string;
  source_tax: string;
  /** The sum of the rounded invoice rows, and source minus it. */
  bundle_net: string;
  residue: string;
}

export interface BillingProblem {
  file: string;
  line?: number;
  column?: string;
  message: string;
}

export interface BillingSummary {
  columns: string[];
  rows: number;
  groups: GroupRow[];
  periods: PeriodTotals[];
  /** Rows with no region, credited to the placeholder `unknown`. */
  no_region: number;
  /** Seller names and how many rows each (for the mapping to entities). */
  sellers: { name: string; rows: number }[];
}

const problemRow = z.object({
  file_path: z.string(),
  line: z.string().nullable(),
  column_name: z.string().nullable(),
  error_message: z.string(),
});

async function withScratch<T>(
  work: (q: (sql: string) => Promise<Record<string, unknown>[]>) => Promise<T>,
): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  try {
    await c.run("SET TimeZone = 'UTC'");
    await c.run(HALF_EVEN_MACRO);
    return await work(async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJson());
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

/** The columns of the source files (the first file's header), to tell a format and its version apart. */
export function sourceColumns(source: BillingSource): Promise<string[]> {
  return withScratch(async (q) => {
    const from =
      source.format === 'parquet'
        ? `read_parquet(${literal(source.files[0]!)})`
        : `read_csv(${literal(source.files[0]!)}, header = true, all_varchar = true)`;
    return (await q(`DESCRIBE SELECT * FROM ${from}`)).map((r) => String(r.column_name));
  });
}

function readFrom(source: BillingSource, m: ReturnType<typeof mappingOf>, columns: string[]): string {
  const files = `[${source.files.map(literal).join(', ')}]`;
  if (source.format === 'parquet')
    return `read_parquet(${files}, filename = true, file_row_number = true, union_by_name = true)`;
  const types = [
    ...m.decimals.filter((c) => columns.includes(c)).map((c) => `${literal(c)}: 'DECIMAL(38,18)'`),
    ...m.timestamps.filter((c) => columns.includes(c)).map((c) => `${literal(c)}: 'TIMESTAMPTZ'`),
  ];
  return `read_csv(${files}, header = true, nullstr = ['NULL', ''], all_varchar = false, types = {${types.join(', ')}},
    store_rejects = true, filename = true)`;
}

/**
 * Reads the export once into per-group exact sums (memory follows the groups) and per-period totals. Problems (cells that are not what their
 * column needs, lines with the wrong number of fields) come back instead of a summary: the caller writes nothing.
 */
export async function summariseBilling(
  source: BillingSource,
  layout: BillingLayout,
  columns: string[],
): Promise<{ summary: BillingSummary } | { problems: BillingProblem[] }> {
  const m = mappingOf(layout, columns);
  return withScratch(async (q) => {
    const from = readFrom(source, m, columns);
    // One streaming pass: the rows are summed per group as they are read, never held.
    try {
      await q(`CREATE TABLE src AS SELECT account_id, period, service, usage_region, seller, currency, is_tax, file,
          sum(list) AS list, sum(net) AS net, count(*) AS n, count(net) AS with_net
        FROM (SELECT
          ${m.account} AS account_id,
          strftime(${m.periodStart}, '%Y-%m') AS period,
          ${m.service} AS service,
          ${m.region} AS usage_region,
          ${m.seller} AS seller,
          ${m.currency} AS currency,
          CAST(${m.list} AS DECIMAL(38,18)) AS list,
          CAST(${m.net} AS DECIMAL(38,18)) AS net,
          coalesce(${m.isTax}, false) AS is_tax,
          filename AS file
        FROM ${from})
        GROUP BY ALL`);
    } catch (e) {
      return { problems: [duckdbProblem(e as Error, source.files[0]!)] };
    }
    if (source.format === 'csv') {
      const rejected = await q(`SELECT s.file_path, e.line::VARCHAR AS line, e.column_name, e.error_message
        FROM reject_errors e JOIN reject_scans s USING (scan_id, file_id) ORDER BY s.file_path, e.line LIMIT 100`);
      if (rejected.length > 0)
        return {
          problems: rejected.map((r) => {
            const p = problemRow.parse(r);
            return {
              file: p.file_path,
              line: p.line ? Number(p.line) : undefined,
              column: p.column_name ?? undefined,
              message: p.error_message,
            };
          }),
        };
    }
    const missing = await q(`SELECT file, sum(n)::INTEGER AS n,
        sum(n) FILTER (WHERE account_id IS NULL)::INTEGER AS account, sum(n) FILTER (WHERE period IS NULL)::INTEGER AS period,
        sum(n - with_net)::INTEGER AS net, sum(n) FILTER (WHERE currency IS NULL)::INTEGER AS currency
      FROM src WHERE account_id IS NULL OR period IS NULL OR with_net < n OR currency IS NULL GROUP BY file ORDER BY file LIMIT 20`);
    if (missing.length > 0)
      return {
        problems: missing.map((r) => ({
          file: String(r.file),
          message: `${r.n} row(s) without ${['account', 'period', 'net', 'currency'].filter((k) => Number(r[k]) > 0).join(', ')}: every row needs an account, a billing period, a cost and a currency`,
        })),
      };
    const groups = await q(`SELECT account_id, period, coalesce(service, 'unknown') AS service,
        coalesce(usage_region, 'unknown') AS usage_region, seller, currency,
        CAST(sum(list) AS VARCHAR) AS list, CAST(sum(net) AS VARCHAR) AS net, sum(n)::INTEGER AS rows
      FROM src WHERE NOT is_tax GROUP BY ALL ORDER BY ALL`);
    const periods = await q(`WITH g AS (
        SELECT period, sum(net) AS net FROM src WHERE NOT is_tax
        GROUP BY account_id, period, coalesce(service, 'unknown'), coalesce(usage_region, 'unknown'), seller, currency)
      SELECT p.period, p.rows::INTEGER AS rows, p.tax_rows::INTEGER AS tax_rows,
        CAST(p.net AS VARCHAR) AS source_net, CAST(p.tax AS VARCHAR) AS source_tax,
        CAST(coalesce(b.bundle, 0) AS VARCHAR) AS bundle_net, CAST(p.net - coalesce(b.bundle, 0) AS VARCHAR) AS residue
      FROM (SELECT period, sum(n) AS rows, coalesce(sum(n) FILTER (WHERE is_tax), 0) AS tax_rows,
              coalesce(sum(net) FILTER (WHERE NOT is_tax), 0) AS net, coalesce(sum(net) FILTER (WHERE is_tax), 0) AS tax
            FROM src GROUP BY period) p
      LEFT JOIN (SELECT period, CAST(sum(cents_half_even(net)) AS DECIMAL(38,0)) * 0.01 AS bundle FROM g GROUP BY period) b USING (period)
      ORDER BY p.period`);
    const [{ n, no_region }] = (await q(
      `SELECT sum(n)::INTEGER AS n, coalesce(sum(n) FILTER (WHERE usage_region IS NULL AND NOT is_tax), 0)::INTEGER AS no_region FROM src`,
    )) as [{ n: number; no_region: number }];
    const sellers = await q(
      `SELECT coalesce(seller, '') AS name, sum(n)::INTEGER AS rows FROM src GROUP BY ALL ORDER BY name`,
    );
    return {
      summary: {
        columns,
        rows: n,
        groups: groups as unknown as GroupRow[],
        periods: periods as unknown as PeriodTotals[],
        no_region,
        sellers: sellers as { name: string; rows: number }[],
      },
    };
  });
}

/** DuckDB's own message about a file it could not read, as a problem naming the file and line it gives. */
function duckdbProblem(e: Error, fallbackFile: string): BillingProblem {
  const message = e.message.split('\n')[0]!.replace(/^[A-Za-z ]+Error: /, '');
  const file = /file "?([^"\s]+)"?/i.exec(e.message)?.[1] ?? fallbackFile;
  const line = /Line: (\d+)/.exec(e.message)?.[1];
  return { file, line: line ? Number(line) : undefined, message };
}
