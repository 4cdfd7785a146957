import { existsSync } from 'node:fs';
import { listValue } from '@duckdb/node-api';
import { z } from 'zod';
import { columnMeta, fastCellsParser } from '../contract/columns.ts';
import type { Period } from '../contract/dates.ts';
import { InvoiceTotals } from '../contract/invoice-totals.ts';
import { formatMoney } from '../contract/money.ts';
import { SignIns } from '../contract/sign-ins.ts';
import {
  type AnyTable,
  type BundleTables,
  type Invoice,
  TABLES,
  type TableName,
  tableDef,
} from '../contract/tables.ts';
import { type SnapshotInfo, snapshotInfoSchema } from '../contract/workspace.ts';
import { sha256FilesOffThread } from '../util/hash.ts';
import { type Db, literal, type Params, quote } from './db.ts';
import {
  type DigestPart,
  fileDigest,
  isFileDigest,
  isSortedDigest,
  rowsDigests,
  sortedRowsDigests,
} from './digest.ts';
import type { Ledger } from './ledger.ts';
import { keptInFiles, type RowFiles } from './row-files.ts';
import type { RemoteScreen } from './screen.ts';
import { SnapshotWriter } from './snapshot-writer.ts';
import type { TelemetryRepository } from './telemetry.ts';

/** Net revenue of one account, period and cloud region, summed in the store: the grain crediting decides at. */
export interface InvoiceTotalRow {
  account_id: string;
  period: Period;
  usage_region: string;
  /** The legal entity that invoiced it, when the bundle says. */
  seller: string | null;
  net: bigint;
  rows: number;
}

function columnsOf(def: AnyTable): [string, z.ZodType][] {
  return Object.entries(def.schema.shape) as [string, z.ZodType][];
}

/** Rows of a table read back in one statement (see readTable): one JSON text, well below a string's limit. */
const ROWS_PER_RANGE = 16_384;

/** Each column as the text the contract's schemas read (dates as YYYY-MM-DD), so money comes back as exact cents. */
function textOf(column: string, schema: z.ZodType): string {
  return columnMeta(schema).sql === 'DATE'
    ? `strftime(${quote(column)}, '%Y-%m-%d')`
    : `CAST(${quote(column)} AS VARCHAR)`;
}

function textColumns(def: AnyTable): string {
  return columnsOf(def)
    .map(([c, schema]) => `${textOf(c, schema)} AS ${quote(c)}`)
    .join(', ');
}

function cellsOf(row: Record<string, unknown>): Record<string, string> {
  const cells: Record<string, string> = {};
  for (const [k, v] of Object.entries(row)) cells[k] = v === null ? '' : String(v);
  return cells;
}

let scratchTables = 0;

/**
 * A column's distinct values numbered in their order, as a scratch table (`table`: the column and `code`) and as
 * the list of names the codes index: the codes and the names come from the same table.
 */
async function codedValues(
  db: Db,
  table: string,
  column: string,
  source: { value: string; from: string; params?: Params },
): Promise<string[]> {
  await db.run(
    `CREATE TEMP TABLE ${table} AS SELECT v AS ${column}, (row_number() OVER (ORDER BY v) - 1)::INTEGER AS code
     FROM (SELECT DISTINCT ${source.value} AS v FROM ${source.from})`,
    source.params,
  );
  return ((await db.columns(`SELECT ${column} FROM ${table} ORDER BY code`))[0] ?? []) as string[];
}

/**
 * Invoice sums per account, period, usage region and seller, in the reporting currency: each currency's sum
 * converted with its period's rate and rounded once, half to even, to cents (params `$id`, `$reporting`).
 * Amounts are summed as whole cents (BIGINT, exact for DECIMAL(18,2)): summing the DECIMALs themselves makes
 * DuckDB add 128-bit integers, twice as slow on millions of groups.
 */
const convertedTotals = (invoices: string, where: string) => `
  WITH by_currency AS (
    SELECT i.account_id, i.period, i.usage_region, coalesce(i.seller_entity_id, '') AS seller, i.currency,
           SUM(CAST(i.net_amount * 100 AS BIGINT)) AS cents, COUNT(*) AS n
    FROM ${invoices} i
    WHERE i.snapshot_id = $id AND ${where}
    GROUP BY ALL)
  SELECT b.account_id, b.period, b.usage_region, b.seller,
         SUM(CASE WHEN r.rate_to_reporting IS NULL THEN b.cents
                  ELSE cents_half_even(CAST(b.cents AS DECIMAL(38,0)) * 0.01 * r.rate_to_reporting) END)::BIGINT AS cents,
         SUM(b.n)::INTEGER AS n
  FROM by_currency b
  LEFT JOIN fx_rates r ON r.snapshot_id = $id AND r.period = b.period AND r.currency = b.currency
    AND b.currency <> $reporting
  GROUP BY ALL`;

/** Ingested bundles: their tables, files and the sums the engine reads. */
export class SnapshotsRepository {
  /** The newest snapshot's id, kept between writes: this process is the store's only writer (DuckDB's lock). */
  private latest: { id: string | null } | undefined;
  private writers = 0;

  constructor(
    private readonly db: Db,
    private readonly ledger: Ledger,
    private readonly telemetry: TelemetryRepository,
    private readonly rowFiles: RowFiles,
    /** A connection of its own (see SnapshotWriter.screen). */
    private readonly connect: () => Promise<Db>,
  ) {}

  /** SQL for a table's rows (of any snapshot: filter by snapshot_id); `withOrder` adds `ord`, the rows' order. */
  private async from(table: TableName, snapshotIds: string[], withOrder = false): Promise<string> {
    if (keptInFiles(table)) return this.rowFiles.source(this.db, table, snapshotIds, withOrder);
    return withOrder ? `(SELECT *, rowid AS ord FROM ${quote(table)})` : quote(table);
  }

  list(): Promise<SnapshotInfo[]> {
    return this.db.rows(
      snapshotInfoSchema,
      'SELECT snapshot_id, bundle_dir, ingested_at, meta FROM snapshots ORDER BY ingested_at, snapshot_id',
    );
  }

  /** The newest snapshot's id (null before the first ingest), read from the store only after a write. */
  async latestId(): Promise<string | null> {
    if (this.latest) return this.latest.id;
    const id = (await this.list()).at(-1)?.snapshot_id ?? null;
    // An open writer's rows are visible on this connection before they commit: keep nothing while one is open.
    if (this.writers === 0) this.latest = { id };
    return id;
  }

  async get(snapshotId: string): Promise<SnapshotInfo | null> {
    return (await this.list()).find((s) => s.snapshot_id === snapshotId) ?? null;
  }

  has(snapshotId: string): Promise<boolean> {
    return this.db.exists('SELECT 1 FROM snapshots WHERE snapshot_id = $id', { id: snapshotId });
  }

  /**
   * A snapshot written while its bundle is still being validated, named once its files are hashed (see
   * SnapshotWriter): nothing else may use the store until it is finished or aborted.
   */
  begin(actor: string, remote?: RemoteScreen): SnapshotWriter {
    this.writers++;
    this.latest = undefined;
    return new SnapshotWriter(
      this.db,
      this.ledger,
      this.telemetry,
      this.rowFiles,
      this.connect,
      actor,
      (snapshotId) => this.tableDigests(snapshotId),
      () => {
        this.writers--;
        this.latest = undefined;
      },
      remote,
    );
  }

  /** Snapshots being written, or left unfinished by a process that died (removed when the store opens). */
  async staged(): Promise<string[]> {
    const [ids] = await this.db.columns('SELECT snapshot_id FROM staged_snapshots ORDER BY snapshot_id');
    return (ids ?? []) as string[];
  }

  /** How many rows a contract table holds, of every snapshot (to show nothing was left half-written). */
  async storedRows(name: TableName): Promise<number> {
    const [[n]] = (await this.db.columns(
      `SELECT (SELECT count(*) FROM ${quote(name)}) + (SELECT coalesce(sum(row_count), 0) FROM row_files WHERE table_name = $t)`,
      { t: name },
    )) as [[number]];
    return Number(n);
  }

  /**
   * A digest of each contract table's rows in the snapshot, recomputed: a table kept in files, the files' SHA-256
   * (`sha256:…`, see fileDigest); any other, its rows' sorted SHA-256s (`rows-sha256:…`, see sortedRowsDigests).
   * `recorded`: the digests a ledger entry holds, when checking them; rows an earlier version recorded by the sums of
   * their MD5s (see rowsDigest) are digested that way again, wherever they are kept now.
   */
  async tableDigests(
    snapshotId: string,
    recorded: Record<string, string> = {},
  ): Promise<Record<string, string>> {
    const digests: Record<string, string> = {};
    const summed: TableName[] = [];
    const sorted: TableName[] = [];
    for (const def of TABLES) {
      const was = recorded[def.name];
      const byRowSums = was !== undefined && !isFileDigest(was) && !isSortedDigest(was);
      const files = keptInFiles(def.name)
        ? ((await this.rowFiles.files(this.db, def.name, [snapshotId])).get(snapshotId) ?? [])
        : [];
      const missing = files.find((f) => !existsSync(f));
      if (missing) digests[def.name] = `missing: ${missing}`;
      else if (files.length > 0 && (await this.strayRows(def.name, snapshotId)) > 0)
        digests[def.name] = 'rows in the stored table beside its files';
      else if (byRowSums) summed.push(def.name);
      else if (files.length > 0) digests[def.name] = fileDigest(await sha256FilesOffThread(files));
      else sorted.push(def.name);
    }
    Object.assign(digests, await this.rowDigests(snapshotId, summed));
    const parts = await this.digestParts(snapshotId, sorted);
    const soundly = await sortedRowsDigests(this.db, parts, { s: snapshotId });
    sorted.forEach((table, i) => {
      digests[table] = soundly[i]!;
    });
    return Object.fromEntries(TABLES.map((def) => [def.name, digests[def.name]!]));
  }

  /** Rows of a table kept in files that sit in the stored table under the snapshot: never read, never recorded. */
  private async strayRows(table: TableName, snapshotId: string): Promise<number> {
    const [[n]] = (await this.db.columns(
      `SELECT count(*)::DOUBLE FROM ${quote(table)} WHERE snapshot_id = $s`,
      { s: snapshotId },
    )) as [[number]];
    return n;
  }

  /**
   * Tables' rows of the snapshot digested by DuckDB in one statement, wherever they are kept (see rowsDigest): the
   * same rows give the same digest in any order.
   */
  async rowDigests(
    snapshotId: string,
    tables: TableName[] = TABLES.map((t) => t.name),
  ): Promise<Record<string, string>> {
    const digests = await rowsDigests(this.db, await this.digestParts(snapshotId, tables), { s: snapshotId });
    return Object.fromEntries(tables.map((table, i) => [table, digests[i]!]));
  }

  /** Where each table's rows of the snapshot are, and their columns, for a digest. */
  private async digestParts(snapshotId: string, tables: TableName[]): Promise<DigestPart[]> {
    const parts: DigestPart[] = [];
    for (const table of tables)
      parts.push({
        from: await this.from(table, [snapshotId]),
        columns: Object.keys(tableDef(table).schema.shape),
        where: 'snapshot_id = $s',
      });
    return parts;
  }

  /** `file:sha256` of each file the snapshot was made from. */
  async fileHashes(snapshotId: string): Promise<string[]> {
    const rows = await this.db.rows(
      z.object({ file: z.string(), sha256: z.string() }),
      'SELECT file, sha256 FROM snapshot_files WHERE snapshot_id = $s',
      { s: snapshotId },
    );
    return rows.map((r) => `${r.file}:${r.sha256}`);
  }

  /** Reads a table of a snapshot back through its contract schema, optionally only rows whose column equals a value. */
  async readTable<T extends TableName>(
    snapshotId: string,
    name: T,
    where?: { column: string; value: string },
  ): Promise<BundleTables[T]> {
    const def = tableDef(name);
    // DuckDB writes a range of the rows as one JSON text of arrays of their cells' text: a string a range is far
    // cheaper to take out of DuckDB than a value per cell (200,000 accounts, checks included: 1.5 s against 3.1 s).
    // One range a statement, so DuckDB holds one range's text at a time (its list aggregate cannot spill).
    const columns = columnsOf(def);
    const cells = `json_array(${columns.map(([c, schema]) => textOf(c, schema)).join(', ')})`;
    const filter = `snapshot_id = $id${where ? ` AND CAST(${quote(where.column)} AS VARCHAR) = $v` : ''}`;
    const params: Params = where ? { id: snapshotId, v: where.value } : { id: snapshotId };
    const from = await this.from(name, [snapshotId], true);
    const [[first], [last], [count]] = (await this.db.columns(
      `SELECT min(ord)::DOUBLE, max(ord)::DOUBLE, count(*)::DOUBLE FROM ${from} WHERE ${filter}`,
      params,
    )) as [[number | null], [number | null], [number]];
    // Few rows (one account's, say) are one range however far apart they lie in the table.
    const step = count <= ROWS_PER_RANGE ? Number.POSITIVE_INFINITY : ROWS_PER_RANGE;
    // Stored rows met the contract when they were loaded: the columns' own checks and conversions (Zod's fast
    // path, as the bundle reader's) take them; a row they refuse goes through the schema, which says why.
    const fast = fastCellsParser(
      def.schema,
      columns.map((_, i) => i),
    );
    const rows: unknown[] = [];
    for (let at = first ?? 0; first !== null && at <= last!; at += step) {
      const range = step === ROWS_PER_RANGE ? ` AND ord >= ${at} AND ord < ${at + step}` : '';
      const [[text]] = (await this.db.columns(
        `SELECT CAST(to_json(list(${cells} ORDER BY ord)) AS VARCHAR) FROM ${from}
         WHERE ${filter}${range}`,
        params,
      )) as [[string | null]];
      for (const cellsOfRow of JSON.parse(text ?? '[]') as (string | null)[][]) {
        const values = cellsOfRow.map((v) => v ?? '');
        rows.push(
          fast(values) ?? def.schema.parse(Object.fromEntries(columns.map(([n], i) => [n, values[i]]))),
        );
      }
    }
    return rows as BundleTables[T];
  }

  /**
   * Every table but the invoices and the sign-ins, which stay in the store (summed by invoiceTotals, counted by
   * signIns): `logins` comes back empty, as from a bundle just read.
   */
  async smallTables(snapshotId: string): Promise<Omit<BundleTables, 'invoices'>> {
    const tables = { logins: [] } as Record<string, unknown>;
    for (const def of TABLES)
      if (!(def.name in tables) && def.name !== 'invoices')
        tables[def.name] = await this.readTable(snapshotId, def.name);
    return tables as Omit<BundleTables, 'invoices'>;
  }

  /**
   * The rows of a table whose columns equal the given values (text comparison), as stored text: the rows a
   * finding's evidence cites.
   */
  citedRows(
    snapshotId: string,
    name: TableName,
    pairs: [string, string][],
    limit = 20,
  ): Promise<Record<string, unknown>[]> {
    const def = tableDef(name);
    const columns = Object.keys(def.schema.shape);
    const known = pairs.filter(([c]) => columns.includes(c));
    if (known.length === 0) return Promise.resolve([]);
    const params: Record<string, string> = { s: snapshotId };
    known.forEach(([, v], i) => {
      params[`v${i}`] = v;
    });
    const where = known.map(([c], i) => `CAST(${quote(c)} AS VARCHAR) = $v${i}`).join(' AND ');
    return this.from(name, [snapshotId]).then((from) =>
      this.db.objects(
        `SELECT ${textColumns(def)} FROM ${from} WHERE snapshot_id = $s AND ${where} LIMIT ${limit}`,
        params,
      ),
    );
  }

  async latestInvoicePeriod(snapshotId: string): Promise<Period | null> {
    const row = await this.db.first(
      z.object({ p: z.string().nullable() }),
      `SELECT max(period) AS p FROM ${await this.from('invoices', [snapshotId])} WHERE snapshot_id = $s`,
      { s: snapshotId },
    );
    return row?.p ?? null;
  }

  /** One account's revenue per month, in the reporting currency. */
  async revenueByMonth(
    snapshotId: string,
    accountId: string,
    reportingCurrency: string,
  ): Promise<{ period: string; amount: string }[]> {
    const rows = await this.accountInvoiceTotals(snapshotId, accountId, reportingCurrency);
    const byMonth = new Map<string, bigint>();
    for (const r of rows) byMonth.set(r.period, (byMonth.get(r.period) ?? 0n) + r.net);
    return [...byMonth].map(([period, cents]) => ({ period, amount: formatMoney(cents) }));
  }

  /** One account's invoice sums per period, usage region and seller (for its nexus, usage test included). */
  async accountInvoiceTotals(
    snapshotId: string,
    accountId: string,
    reportingCurrency: string,
  ): Promise<InvoiceTotalRow[]> {
    const rows = await this.db.rows(
      z.object({
        period: z.string(),
        usage_region: z.string(),
        seller: z.string(),
        cents: z.string(),
        n: z.number(),
      }),
      `SELECT period, usage_region, seller, CAST(cents AS VARCHAR) AS cents, n
       FROM (${convertedTotals(await this.from('invoices', [snapshotId]), 'i.account_id = $a')})
       ORDER BY period, usage_region, seller`,
      { id: snapshotId, a: accountId, reporting: reportingCurrency },
    );
    return rows.map((r) => ({
      account_id: accountId,
      period: r.period,
      usage_region: r.usage_region,
      seller: r.seller || null,
      net: BigInt(r.cents),
      rows: r.n,
    }));
  }

  /** The usage regions invoiced in a period (to find the ones a usage-region figure takes). */
  async usageRegionsIn(snapshotId: string, period: Period): Promise<string[]> {
    const rows = await this.db.rows(
      z.object({ u: z.string() }),
      `SELECT DISTINCT usage_region AS u FROM ${await this.from('invoices', [snapshotId])}
       WHERE snapshot_id = $s AND period = $p ORDER BY u`,
      { s: snapshotId, p: period },
    );
    return rows.map((r) => r.u);
  }

  /**
   * One page of the invoice rows of a period, restricted to some accounts and usage regions (null: all), sorted in
   * the store; with the count and the total of all the rows that match, so no caller holds them all.
   */
  async invoicePage(
    snapshotId: string,
    q: {
      period: Period;
      accounts: string[] | null;
      usageRegions: string[] | null;
      sort: 'invoice_id' | 'account_id' | 'net_amount';
      order: 'asc' | 'desc';
      limit: number;
      offset: number;
    },
    reportingCurrency: string,
  ): Promise<{ total: number; amount: bigint; rows: Invoice[] }> {
    const filter = [
      'i.period = $p',
      ...(q.accounts ? ['i.account_id IN (SELECT unnest($a::VARCHAR[]))'] : []),
      ...(q.usageRegions ? ['i.usage_region IN (SELECT unnest($u::VARCHAR[]))'] : []),
    ].join(' AND ');
    const where = `snapshot_id = $id AND ${filter.replaceAll('i.', '')}`;
    const params: Params = { id: snapshotId, p: q.period };
    if (q.accounts) params.a = listValue(q.accounts);
    if (q.usageRegions) params.u = listValue(q.usageRegions);
    // The figure as revenue.csv has it: converted and rounded per group, as the audit sums it.
    const invoicesFrom = await this.from('invoices', [snapshotId]);
    const sum = await this.db.first(
      z.object({ n: z.number(), cents: z.string() }),
      `SELECT coalesce(sum(n), 0)::DOUBLE AS n, CAST(coalesce(sum(cents), 0) AS VARCHAR) AS cents
       FROM (${convertedTotals(invoicesFrom, filter)})`,
      { ...params, reporting: reportingCurrency },
    );
    const order = q.order === 'asc' ? 'ASC' : 'DESC';
    const invoices = tableDef('invoices');
    const rows = await this.db.objects(
      `SELECT * EXCLUDE (snapshot_id) FROM ${invoicesFrom} WHERE ${where}
       ORDER BY ${quote(q.sort)} ${order}, invoice_id ${order} LIMIT ${Math.trunc(q.limit)} OFFSET ${Math.trunc(q.offset)}`,
      params,
    );
    return {
      total: sum!.n,
      amount: BigInt(sum!.cents),
      rows: rows.map((row) => invoices.schema.parse(cellsOf(row)) as Invoice),
    };
  }

  /** The invoice rows of some accounts in one period: the rows behind a figure. */
  async invoiceRows(snapshotId: string, accountIds: string[], period: Period): Promise<Invoice[]> {
    if (accountIds.length === 0) return [];
    const invoices = tableDef('invoices');
    const rows = await this.db.objects(
      `SELECT * EXCLUDE (snapshot_id) FROM ${await this.from('invoices', [snapshotId])}
       WHERE snapshot_id = $id AND period = $period AND account_id IN (${accountIds.map(literal).join(', ')})
       ORDER BY account_id, invoice_id`,
      { id: snapshotId, period },
    );
    return rows.map((row) => invoices.schema.parse(cellsOf(row)) as Invoice);
  }

  /**
   * Invoice sums per account, period, usage region and seller, in that order, in the reporting currency: each
   * currency's sum converted with its period's rate and rounded once, half to even, to cents. Millions of groups
   * come back as columns of small integer codes into sorted lists of names, read a chunk at a time (turning
   * millions of DuckDB strings into JavaScript ones, or rows into objects, costs more than the sums).
   * `onProgress`: how far the summing, then the reading of the sums, has got (percent), for long runs.
   */
  async invoiceTotals(
    snapshotId: string,
    reportingCurrency: string,
    onProgress?: (stage: 'summing invoices' | 'reading the sums', percent: number) => void,
  ): Promise<InvoiceTotals> {
    const db = this.db;
    const totals = `invoice_totals_${scratchTables++}`;
    const ids = { id: snapshotId };
    const invoices = await this.from('invoices', [snapshotId]);
    // Cents as BIGINT: exact for DECIMAL(18,2), and read back as bigint without text in between.
    const foreign = await db.exists(
      `SELECT 1 FROM ${invoices} WHERE snapshot_id = $id AND currency IS NOT NULL AND currency <> $reporting LIMIT 1`,
      { ...ids, reporting: reportingCurrency },
    );
    const scratch: string[] = [];
    try {
      const dictionary = async (column: string, value: string) => {
        const table = `${totals}_${column}`;
        scratch.push(table);
        const from = `${invoices} WHERE snapshot_id = $id`;
        return { table, names: await codedValues(db, table, column, { value, from, params: ids }) };
      };
      const accounts = await dictionary('account_id', 'account_id');
      const periods = await dictionary('period', 'period');
      const usages = await dictionary('usage_region', 'usage_region');
      const sellers = await dictionary('seller', "coalesce(seller_entity_id, '')");
      // The sums coded in one statement on every core, then read sorted as the typed arrays DuckDB fills. (Sorted
      // as the table is written, the XL world's totals did not fit DuckDB's 1 GB: an ordered insert holds them.)
      // In the reporting currency the rows are coded first and grouped by the codes: grouping four small integers
      // is cheaper than grouping the strings and coding the groups (10.8 M rows: 1.9 s against 3.5 s).
      scratch.unshift(totals);
      const sums = foreign
        ? `CREATE TEMP TABLE ${totals} AS
           SELECT a.code AS account, p.code AS period, u.code AS usage, s.code AS seller, t.cents, t.n
           FROM (${convertedTotals(invoices, 'TRUE')}) t
           JOIN ${accounts.table} a USING (account_id)
           JOIN ${periods.table} p USING (period)
           JOIN ${usages.table} u USING (usage_region)
           JOIN ${sellers.table} s USING (seller)`
        : `CREATE TEMP TABLE ${totals} AS
           SELECT a.code AS account, p.code AS period, u.code AS usage, s.code AS seller,
                  SUM(CAST(i.net_amount * 100 AS BIGINT))::BIGINT AS cents, COUNT(*)::INTEGER AS n
           FROM ${invoices} i
           JOIN ${accounts.table} a ON a.account_id = i.account_id
           JOIN ${periods.table} p ON p.period = i.period
           JOIN ${usages.table} u ON u.usage_region = i.usage_region
           JOIN ${sellers.table} s ON s.seller = coalesce(i.seller_entity_id, '')
           WHERE i.snapshot_id = $id
           GROUP BY ALL`;
      await db.withProgress(
        () => db.run(sums, foreign ? { ...ids, reporting: reportingCurrency } : ids),
        onProgress && ((percent) => onProgress('summing invoices', percent)),
      );
      const [{ n }] = (await db.objects(`SELECT count(*)::INTEGER AS n FROM ${totals}`)) as [{ n: number }];
      const columns = {
        account: new Int32Array(n),
        period: new Uint16Array(n),
        usage: new Uint16Array(n),
        seller: new Uint16Array(n),
        net: new BigInt64Array(n),
        rows: new Int32Array(n),
      };
      let at = 0;
      await db.typedChunks(
        `SELECT account, period, usage, seller, cents, n FROM ${totals} ORDER BY account, period, usage, seller`,
        undefined,
        ([account, period, usage, seller, cents, count], rows) => {
          columns.account.set(account as Int32Array, at);
          columns.period.set(period as Int32Array, at);
          columns.usage.set(usage as Int32Array, at);
          columns.seller.set(seller as Int32Array, at);
          columns.net.set(cents as BigInt64Array, at);
          columns.rows.set(count as Int32Array, at);
          const before = at;
          at += rows;
          // About every million totals.
          if (onProgress && Math.floor(at / 1_048_576) > Math.floor(before / 1_048_576))
            onProgress('reading the sums', Math.floor((at / n) * 100));
        },
      );
      return new InvoiceTotals({
        accounts: accounts.names,
        periods: periods.names,
        usageRegions: usages.names,
        sellers: sellers.names.map((s) => s || null),
        ...columns,
      });
    } finally {
      for (const table of scratch) await db.run(`DROP TABLE IF EXISTS ${table}`);
    }
  }

  /**
   * Sign-ins with a known country counted per account, day (as written, in the sign-in's own offset) and country,
   * coded and read as typed arrays a chunk at a time (as the invoice totals); the rows stay in the store.
   */
  async signIns(snapshotId: string): Promise<SignIns> {
    const db = this.db;
    const counts = `sign_in_days_${scratchTables++}`;
    const logins = await this.from('logins', [snapshotId]);
    await db.run(
      `CREATE TEMP TABLE ${counts} AS
       SELECT account_id, (CAST(substr(occurred_at, 1, 10) AS DATE) - DATE '1970-01-01')::INTEGER AS day, country,
              count(*)::INTEGER AS n
       FROM ${logins} WHERE snapshot_id = $s AND country IS NOT NULL GROUP BY ALL`,
      { s: snapshotId },
    );
    const [accountTable, countryTable] = [`${counts}_account_id`, `${counts}_country`];
    try {
      const accounts = await codedValues(db, accountTable, 'account_id', {
        value: 'account_id',
        from: counts,
      });
      const countries = await codedValues(db, countryTable, 'country', { value: 'country', from: counts });
      const [{ n }] = (await db.objects(`SELECT count(*)::INTEGER AS n FROM ${counts}`)) as [{ n: number }];
      const columns = {
        accounts,
        countries,
        account: new Int32Array(n),
        day: new Int32Array(n),
        country: new Uint16Array(n),
        count: new Int32Array(n),
      };
      let at = 0;
      await db.typedChunks(
        `SELECT a.code, s.day, c.code, s.n FROM ${counts} s
         JOIN ${accountTable} a USING (account_id) JOIN ${countryTable} c USING (country)
         ORDER BY a.code, s.day, c.code`,
        undefined,
        ([account, day, country, count], rows) => {
          columns.account.set(account as Int32Array, at);
          columns.day.set(day as Int32Array, at);
          columns.country.set(country as Int32Array, at);
          columns.count.set(count as Int32Array, at);
          at += rows;
        },
      );
      const latest = await db.first(
        z.object({ d: z.string().nullable() }),
        `SELECT max(substr(occurred_at, 1, 10)) AS d FROM ${logins} WHERE snapshot_id = $s`,
        { s: snapshotId },
      );
      return new SignIns(columns, latest?.d ?? null);
    } finally {
      for (const table of [counts, accountTable, countryTable]) await db.run(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
