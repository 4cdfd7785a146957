import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { z } from 'zod';
import { duckdbMemorySetting, HALF_EVEN_MACRO, literal, quote } from './db.ts';

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
  // As text whatever the file's types (a Parquet export may type ids as numbers; CSV is read as text).
  const text = (c: string) => (columns.includes(c) ? `CAST(${quote(c)} AS VARCHAR)` : 'NULL');
  const first = (cs: string[]) => (cs.length === 1 ? text(cs[0]!) : `coalesce(${cs.map(text).join(', ')})`);
  const region = l.regionIfIdLike
    ? `coalesce(${first(l.region)}, CASE WHEN regexp_matches(${text(l.regionIfIdLike)}, ${literal(REGION_ID)}) THEN ${text(l.regionIfIdLike)} END)`
    : first(l.region);
  return {
    account: first(l.account),
    periodStart: `CAST(${col(l.periodStart)} AS TIMESTAMPTZ)`,
    service: first(l.service),
    region: `nullif(${region}, '')`,
    list: l.reductions
      ? `CASE WHEN lower(${col(l.reductions.column)}) IN (${l.reductions.values.map((v) => literal(v.toLowerCase())).join(', ')}) THEN coalesce(${col(l.list)}, '0') ELSE coalesce(${col(l.list)}, ${col(l.net)}) END`
      : `coalesce(${col(l.list)}, ${col(l.net)})`,
    net: col(l.net),
    seller: `nullif(${first(l.seller)}, '')`,
    currency: text(l.currency),
    isTax: `lower(${col(l.tax.column)}) IN (${l.tax.values.map((v) => literal(v.toLowerCase())).join(', ')})`,
    decimals: [l.list, l.net],
    timestamps: [l.periodStart],
  };
}

export interface BillingSource {
  files: string[];
  format: 'csv' | 'parquet';
}

/** How the groups become the bundle's invoices.csv. */
export interface InvoiceOutput {
  /** The file to write (the caller moves it into place). */
  path: string;
  /** The bundle's columns, in order. */
  columns: string[];
  /** Export account id → bundle account id, where they differ. */
  accounts: Record<string, string>;
  /** Seller name → entity id (names without one name no seller). */
  sellers: Record<string, string>;
  /** Invoice ids are this prefix and a hash of the group's key. */
  idPrefix: string;
  /** An invoices.csv whose rows of periods this export does not bring are kept, first. */
  keep?: string;
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
  /** Invoice rows the groups make. */
  groups: number;
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

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

async function withScratch<T>(work: (q: Query) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  const spill = mkdtempSync(join(tmpdir(), 'daylight-import-'));
  try {
    await c.run("SET TimeZone = 'UTC'");
    await c.run(duckdbMemorySetting());
    // Groups beyond memory spill to disk instead of failing.
    await c.run(`SET temp_directory = ${literal(spill)}`);
    await c.run(HALF_EVEN_MACRO);
    await c.run(MONEY_TEXT_MACRO);
    await c.run(EXACT_DECIMAL_MACRO);
    return await work(async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJson());
  } finally {
    c.closeSync();
    instance.closeSync();
    rmSync(spill, { recursive: true, force: true });
  }
}

/** Cents (an integer) as money text, `-1234.05`, exactly as the bundle writes money. */
const MONEY_TEXT_MACRO = `CREATE OR REPLACE TEMP MACRO money_text(c) AS
  CASE WHEN c < 0 THEN '-' ELSE '' END || CAST(abs(c) // 100 AS VARCHAR) || '.' || lpad(CAST(abs(c) % 100 AS VARCHAR), 2, '0')`;

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

/**
 * An amount as an exact DECIMAL(38,18). Text to a 38-digit decimal is slow in DuckDB (about 3 µs a value), to an
 * 18-digit one fast: amounts that fit DECIMAL(18,11) (7 integer digits, 11 decimals: nearly all billing lines) take
 * that way, the others the wide one. More than 18 decimals would be rounded, so they are refused.
 */
const EXACT_DECIMAL_MACRO = `CREATE OR REPLACE TEMP MACRO exact_decimal(x) AS CASE
  WHEN strpos(x, '.') > 0 AND length(x) - strpos(x, '.') > 18 THEN error('more than 18 decimals: ' || x)
  ELSE coalesce(
    CASE WHEN length(x) <= 19 AND (strpos(x, '.') = 0 OR length(x) - strpos(x, '.') <= 11)
      THEN TRY_CAST(x AS DECIMAL(18,11)) END,
    CAST(x AS DECIMAL(38,18))) END`;

/**
 * The files as DuckDB reads them: CSV as text but for the timestamps (amounts are cast by exact_decimal), bad
 * lines kept with their line numbers; with `typedAmounts`, amounts are read as DECIMAL(38,18) by the reader itself,
 * so a bad amount is a rejected cell with its line (the slow way, taken to find such cells).
 */
function readFrom(
  source: BillingSource,
  m: ReturnType<typeof mappingOf>,
  columns: string[],
  { typedAmounts = false, withFile = false } = {},
): string {
  const files = `[${source.files.map(literal).join(', ')}]`;
  if (source.format === 'parquet')
    return `read_parquet(${files}, filename = ${withFile}, union_by_name = true)`;
  const types = [
    ...(typedAmounts
      ? m.decimals.filter((c) => columns.includes(c)).map((c) => `${literal(c)}: 'DECIMAL(38,18)'`)
      : []),
    ...m.timestamps.filter((c) => columns.includes(c)).map((c) => `${literal(c)}: 'TIMESTAMPTZ'`),
  ];
  return `read_csv(${files}, header = true, nullstr = ['NULL', ''], all_varchar = true, types = {${types.join(', ')}},
    store_rejects = true, filename = ${withFile})`;
}

/**
 * Reads the export once into per-group exact sums (memory follows the groups) and per-period totals. Problems (cells that are not what their
 * column needs, lines with the wrong number of fields) come back instead of a summary: the caller writes nothing.
 */
export async function importBillingExport(
  source: BillingSource,
  layout: BillingLayout,
  columns: string[],
  /** Told the summary (to name the sellers), says where the invoices go. */
  output: (summary: BillingSummary) => Promise<InvoiceOutput>,
): Promise<{ summary: BillingSummary; written: number; kept: number } | { problems: BillingProblem[] }> {
  const m = mappingOf(layout, columns);
  return withScratch(async (q) => {
    // One streaming pass: the rows are summed per group as they are read, never held. The group is the invoice
    // row's (tax apart); the file a row came from is asked only when something is missing.
    const rows = (withFile: boolean) => `SELECT
          ${m.account} AS account_id,
          strftime(${m.periodStart}, '%Y-%m') AS period,
          coalesce(${m.service}, 'unknown') AS service,
          ${m.region} AS region,
          ${m.seller} AS seller,
          ${m.currency} AS currency,
          exact_decimal(CAST(${m.list} AS VARCHAR)) AS list,
          exact_decimal(CAST(${m.net} AS VARCHAR)) AS net,
          coalesce(${m.isTax}, false) AS is_tax${withFile ? ', filename AS file' : ''}
        FROM ${readFrom(source, m, columns, { withFile })}`;
    try {
      await q(`CREATE TABLE src AS SELECT account_id, period, service, coalesce(region, 'unknown') AS usage_region,
          seller, currency, is_tax, sum(list) AS list, sum(net) AS net, count(*) AS n, count(net) AS with_net,
          count(*) FILTER (WHERE region IS NULL) AS no_region
        FROM (${rows(false)}) GROUP BY ALL`);
    } catch (e) {
      // An amount that is not one: read again with typed amounts, so the reader names its line and column.
      if (source.format === 'csv' && /Conversion Error/i.test((e as Error).message))
        await q(
          `SELECT ${m.decimals
            .filter((c) => columns.includes(c))
            .map((c) => `max(${quote(c)})`)
            .join(', ')} FROM ${readFrom(source, m, columns, { typedAmounts: true })}`,
        ).catch(() => {});
      const rejected = source.format === 'csv' ? await rejects(q).catch(() => []) : [];
      return { problems: rejected.length ? rejected : [duckdbProblem(e as Error, source.files[0]!)] };
    }
    if (source.format === 'csv') {
      const rejected = await rejects(q);
      if (rejected.length > 0) return { problems: rejected };
    }
    const incomplete = 'account_id IS NULL OR period IS NULL OR net IS NULL OR currency IS NULL';
    if (
      await q(
        `SELECT 1 FROM src WHERE account_id IS NULL OR period IS NULL OR with_net < n OR currency IS NULL LIMIT 1`,
      ).then((r) => r.length > 0)
    ) {
      const missing = await q(`SELECT file, count(*)::INTEGER AS n,
          count(*) FILTER (WHERE account_id IS NULL)::INTEGER AS account, count(*) FILTER (WHERE period IS NULL)::INTEGER AS period,
          count(*) FILTER (WHERE net IS NULL)::INTEGER AS net, count(*) FILTER (WHERE currency IS NULL)::INTEGER AS currency
        FROM (${rows(true)}) WHERE ${incomplete} GROUP BY file ORDER BY file LIMIT 20`);
      return {
        problems: missing.map((r) => ({
          file: String(r.file),
          message: `${r.n} row(s) without ${['account', 'period', 'net', 'currency'].filter((k) => Number(r[k]) > 0).join(', ')}: every row needs an account, a billing period, a cost and a currency`,
        })),
      };
    }
    await q(`CREATE TABLE groups AS SELECT account_id, period, service, usage_region, seller, currency,
        cents_half_even(list) AS list, cents_half_even(net) AS net
      FROM src WHERE NOT is_tax`);
    const [{ groups }] = (await q('SELECT count(*)::INTEGER AS groups FROM groups')) as [{ groups: number }];
    const periods = await q(`SELECT p.period, p.rows::INTEGER AS rows, p.tax_rows::INTEGER AS tax_rows,
        CAST(p.net AS VARCHAR) AS source_net, CAST(p.tax AS VARCHAR) AS source_tax,
        CAST(coalesce(b.bundle, 0) AS VARCHAR) AS bundle_net, CAST(p.net - coalesce(b.bundle, 0) AS VARCHAR) AS residue
      FROM (SELECT period, sum(n) AS rows, coalesce(sum(n) FILTER (WHERE is_tax), 0) AS tax_rows,
              coalesce(sum(net) FILTER (WHERE NOT is_tax), 0) AS net, coalesce(sum(net) FILTER (WHERE is_tax), 0) AS tax
            FROM src GROUP BY period) p
      LEFT JOIN (SELECT period, CAST(sum(net) AS DECIMAL(38,0)) * 0.01 AS bundle FROM groups GROUP BY period) b USING (period)
      ORDER BY p.period`);
    const [{ n, no_region }] = (await q(
      `SELECT sum(n)::INTEGER AS n, coalesce(sum(no_region) FILTER (WHERE NOT is_tax), 0)::INTEGER AS no_region FROM src`,
    )) as [{ n: number; no_region: number }];
    const sellers = await q(
      `SELECT coalesce(seller, '') AS name, sum(n)::INTEGER AS rows FROM src GROUP BY ALL ORDER BY name`,
    );
    const summary: BillingSummary = {
      columns,
      rows: n,
      groups,
      periods: periods as unknown as PeriodTotals[],
      no_region,
      sellers: sellers as { name: string; rows: number }[],
    };
    const out = await output(summary);
    const kept = await writeInvoices(q, out);
    return { summary, written: groups, kept };
  });
}

const names = (table: string, map: Record<string, string>, key: string, value: string) =>
  `CREATE TABLE ${table} (${key} VARCHAR, ${value} VARCHAR);${Object.entries(map)
    .map(([k, v]) => `INSERT INTO ${table} VALUES (${literal(k)}, ${literal(v)});`)
    .join('')}`;

/**
 * The groups as invoice rows, written by DuckDB (the rows never pass through JavaScript), after the kept rows of
 * an earlier import. Returns how many rows were kept.
 */
async function writeInvoices(q: Query, out: InvoiceOutput): Promise<number> {
  await q(names('account_map', out.accounts, 'source', 'account_id'));
  await q(names('seller_map', out.sellers, 'name', 'entity_id'));
  const fresh = `SELECT
      ${literal(`${out.idPrefix}-`)} || substr(sha256(concat_ws(chr(31), a, g.period, g.service, g.usage_region,
        coalesce(s.entity_id, ''), g.currency)), 1, 16) AS invoice_id,
      a AS account_id, g.period, g.service, g.usage_region,
      money_text(g.list) AS list_amount, money_text(g.list - g.net) AS discount_amount, money_text(g.net) AS net_amount,
      NULL AS deal_id, NULL AS agent_id, s.entity_id AS seller_entity_id, g.currency
    FROM (SELECT *, coalesce(m.account_id, groups.account_id) AS a FROM groups
          LEFT JOIN account_map m ON m.source = groups.account_id) g
    LEFT JOIN seller_map s ON s.name = g.seller`;
  let kept = 0;
  let keep = '';
  if (out.keep) {
    const present = (
      await q(`DESCRIBE SELECT * FROM read_csv(${literal(out.keep)}, header = true, all_varchar = true)`)
    ).map((r) => String(r.column_name));
    const cells = out.columns.map((c) => (present.includes(c) ? quote(c) : `NULL AS ${quote(c)}`)).join(', ');
    await q(`CREATE TABLE kept AS SELECT ${cells} FROM read_csv(${literal(out.keep)}, header = true, all_varchar = true)
      WHERE period NOT IN (SELECT DISTINCT period FROM groups)`);
    kept = Number(((await q('SELECT count(*)::INTEGER AS n FROM kept')) as [{ n: number }])[0].n);
    keep = 'SELECT * FROM kept UNION ALL ';
  }
  await q(`COPY (SELECT * FROM (${keep}${fresh})
      ORDER BY account_id, period, service, usage_region, seller_entity_id NULLS FIRST, currency, invoice_id)
    TO ${literal(out.path)} (FORMAT csv, HEADER true)`);
  return kept;
}

/** The cells DuckDB's CSV reader rejected, with their file, line and column. */
async function rejects(q: Query): Promise<BillingProblem[]> {
  const rows = await q(`SELECT s.file_path, e.line::VARCHAR AS line, e.column_name, e.error_message
    FROM reject_errors e JOIN reject_scans s USING (scan_id, file_id) ORDER BY s.file_path, e.line LIMIT 100`);
  return rows.map((r) => {
    const p = problemRow.parse(r);
    return {
      file: p.file_path,
      line: p.line ? Number(p.line) : undefined,
      column: p.column_name ?? undefined,
      message: p.error_message,
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
