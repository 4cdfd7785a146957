import { rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import type { z } from 'zod';
import { type CellRule, columnMeta } from '../contract/columns.ts';
import { FOREIGN_KEYS } from '../contract/foreign-keys.ts';
import type { AnyTable } from '../contract/tables.ts';
import { Db, duckdbMemorySetting, literal, quote } from './db.ts';
import { type FileFormat, typedSelect } from './duckdb-files.ts';
import type { ScreenParts } from './row-files.ts';

/** A large table's CSV file as the bundle reader saw its header, and what its rows must agree with. */
export interface ScreenInput {
  def: AnyTable;
  path: string;
  format: FileFormat;
  /** Every column of the header, in file order (CSV), as the bundle reader read it. */
  header: string[];
  /** `period currency` pairs with a rate, and the reporting currency (invoices). */
  rates: readonly string[];
  reportingCurrency: string;
  /** How far DuckDB has read the file (percent), every half second while it loads and checks it. */
  onProgress?: (percent: number) => void;
}

export interface ScreenResult {
  rows: number;
  /** Every row met every rule: the row-by-row check can be skipped. */
  clean: boolean;
  /** Why not, when not (for progress and tests). */
  reason?: string;
}

/** A part of a file screened elsewhere (see RemoteScreen), into the row file `file`. */
export interface ScreenedPart {
  file: string;
  rows: number;
  broken: number;
  /** Why the part could not be read strictly, when it could not. */
  reason?: string;
  /** The worker did not see the file or the store's folder (not shared with it): nothing was screened. */
  unshared?: string;
}

/**
 * Screens a large table's file elsewhere (the workers of a cluster), a part at a time, each into the row file
 * `parts` names on a path they share with the store; stopped by `signal`.
 */
export type RemoteScreen = (
  input: ScreenInput,
  parts: ScreenParts,
  signal: AbortSignal,
) => Promise<ScreenedPart[]>;

/**
 * A CSV file read strictly with the header's columns (no sniffing): a row with the wrong number of fields, a quote
 * left open or text after a closing quote is an error, as it is to the bundle reader.
 */
export function strictCsv(path: string, header: readonly string[]): string {
  const columns = header.map((c) => `${literal(c)}: 'VARCHAR'`).join(', ');
  return `read_csv(${literal(path)}, columns = {${columns}}, header = true, auto_detect = false, strict_mode = true,
    delim = ',', quote = '"', escape = '"', null_padding = false)`;
}

/** SQL true when a non-empty cell `x` meets the rule. */
function meets(x: string, rule: CellRule): string {
  // A quote inside a value may be RFC 4180's doubled quote or a stray one DuckDB let through: only the bundle
  // reader can tell, so any quote sends the file to it (patterns already exclude quotes).
  // Emptiness is the caller's (`x <> ''` or `x = '' OR …`), so a non-empty rule adds nothing here: one
  // condition less on every cell of millions of rows.
  const parts = rule.patterns?.length ? [] : [`NOT contains(${x}, '"')`];
  for (const p of rule.patterns ?? []) parts.push(`regexp_full_match(${x}, ${literal(p)})`);
  if (rule.calendarDate) parts.push(`TRY_CAST(substr(${x}, 1, 10) AS DATE) IS NOT NULL`);
  if (rule.between)
    parts.push(
      `TRY_CAST(${x} AS DECIMAL(38,10)) BETWEEN ${Number(rule.between[0])} AND ${Number(rule.between[1])}`,
    );
  if (rule.values) parts.push(`${x} IN (${rule.values.map(literal).join(', ')})`);
  return parts.join(' AND ');
}

/**
 * The SQL conditions a row of the file must meet, or null when a column has no rule a store can check: every cell
 * against its column's rule, and for invoices the arithmetic and the rates. Met only when the bundle reader would
 * find nothing in the row itself; foreign and unique keys are left to the stored rows (see storedRowsProblem).
 */
export function screenConditions(input: ScreenInput): string[] | null {
  const present = new Set(input.header);
  const conditions: string[] = [];
  for (const [name, schema] of Object.entries(input.def.schema.shape)) {
    const meta = columnMeta(schema as z.ZodType);
    if (!present.has(name)) {
      if (!meta.optional) return null;
      continue;
    }
    if (!meta.rule) return null;
    const x = `coalesce(${quote(name)}, '')`;
    const ok = meets(x, meta.rule);
    conditions.push(meta.optional ? `(${x} = '' OR (${ok}))` : `(${x} <> '' AND ${ok})`);
  }
  if (input.def.name === 'invoices') {
    conditions.push(
      'CAST(net_amount AS DECIMAL(18,2)) = CAST(list_amount AS DECIMAL(18,2)) - CAST(discount_amount AS DECIMAL(18,2))',
    );
    if (present.has('currency'))
      conditions.push(
        `(coalesce(currency, '') IN ('', ${literal(input.reportingCurrency)}) OR period || ' ' || currency IN (${input.rates.map(literal).join(', ') || 'NULL'}))`,
      );
  }
  return conditions;
}

/** How a screen marks a row that breaks a rule, in the file's snapshot_id column (never read: see RowFiles.source). */
const BROKEN = 'breaks a rule';

/**
 * The rows of the CSV file at `path` (the input's file, or a part of it with its header), typed in the table's
 * columns, each marked in `snapshot_id` when it breaks a rule: what a screen writes to a row file.
 */
export function checkedRowsSelect(input: ScreenInput, conditions: string[], path: string): string {
  const { def } = input;
  const present = new Set(input.header);
  const select = typedSelect(def, new Set(Object.keys(def.schema.shape).filter((c) => present.has(c))));
  return `SELECT CASE WHEN (${conditions.join(' AND ') || 'TRUE'}) IS TRUE THEN '' ELSE ${literal(BROKEN)} END AS snapshot_id,
            ${select}
     FROM ${strictCsv(path, input.header)}`;
}

/** A screened row file's rows, and how many of them break a rule. */
export async function screenedCounts(db: Db, parquetPath: string): Promise<{ rows: number; broken: number }> {
  const [[broken], [rows]] = (await db.columns(
    `SELECT count(*) FILTER (WHERE snapshot_id = ${literal(BROKEN)})::DOUBLE, count(*)::DOUBLE
     FROM read_parquet(${literal(parquetPath)})`,
  )) as [[number], [number]];
  return { rows, broken };
}

/**
 * A DuckDB of its own for screens outside a store (a cluster's worker screening parts of a file), opened at the
 * first: each screen writes its CSV file's checked rows to a Parquet file, on a connection of its own.
 */
export class ScratchScreens {
  private instance: Promise<DuckDBInstance> | null = null;

  /** The rows of `csvPath` (the input's header and rules) checked into `parquetPath`; how many, how many broken. */
  async screen(
    input: ScreenInput,
    conditions: string[],
    csvPath: string,
    parquetPath: string,
  ): Promise<{ rows: number; broken: number }> {
    const db = new Db(await (await this.open()).connect());
    try {
      await db.run(
        `COPY (${checkedRowsSelect(input, conditions, csvPath)}) TO ${literal(parquetPath)} (FORMAT parquet)`,
      );
      return await screenedCounts(db, parquetPath);
    } finally {
      db.close();
    }
  }

  private open(): Promise<DuckDBInstance> {
    this.instance ??= (async () => {
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      // Rows in any order: a quicker parallel write (readers order what they read), as a store's own screen.
      await connection.run(`${duckdbMemorySetting()}; SET preserve_insertion_order = false`);
      connection.closeSync();
      return instance;
    })();
    return this.instance;
  }

  close(): void {
    void this.instance?.then((i) => i.closeSync()).catch(() => {});
  }
}

/**
 * What the screen leaves to the stored rows, as set operations over the snapshot: foreign keys into the tables
 * stored beside them, and unique keys (by 64-bit hashes first; exactly only when two hashes meet). Null when
 * nothing is wrong, else the first table and check that failed (the caller reads the file row by row for the
 * messages). The foreign keys and the unique keys of tables up to KEY_PASS_ROWS rows are one statement; a larger
 * table's key (over `passRows` rows) is grouped a range of its hashes at a time in `scratch`, a folder of its own
 * (see hashGroups).
 */
export async function storedRowsProblem(
  db: Db,
  defs: readonly AnyTable[],
  sources: ReadonlyMap<string, string>,
  snapshotId: string,
  scratch: () => string,
  passRows = KEY_PASS_ROWS,
): Promise<{ table: string; why: string } | null> {
  const params = { s: snapshotId };
  const from = (def: AnyTable) => sources.get(def.name) ?? quote(def.name);
  const checks: { table: string; why: string; sql: string }[] = [];
  const keyed: { def: AnyTable; rows: number }[] = [];
  for (const def of defs) {
    for (const fk of FOREIGN_KEYS.filter((k) => k.table === def.name))
      checks.push({
        table: def.name,
        why: `${fk.column} cites a ${fk.target} row that is not there`,
        sql: `EXISTS (SELECT 1 FROM ${from(def)} WHERE snapshot_id = $s AND ${quote(fk.column)} IS NOT NULL
           AND ${quote(fk.column)} NOT IN (SELECT ${quote(fk.targetColumn)} FROM ${quote(fk.target)} WHERE snapshot_id = $s))`,
      });
    if (!def.key.length) continue;
    const [[rows]] = (await db.columns(
      `SELECT count(*)::DOUBLE FROM ${from(def)} WHERE snapshot_id = $s`,
      params,
    )) as [[number]];
    keyed.push({ def, rows });
  }
  const inOne = keyed.filter((k) => k.rows <= passRows);
  const cells = [
    ...checks.map((c, i) => `${c.sql} AS c${i}`),
    ...inOne.map(({ def }, i) => `${groups(from(def), `hash(${keyOf(def)})`)} AS k${i}`),
  ];
  const [row] = cells.length ? await db.objects(`SELECT ${cells.join(', ')}`, params) : [{}];
  const found = checks.findIndex((_, i) => row![`c${i}`] === true);
  if (found >= 0) return { table: checks[found]!.table, why: checks[found]!.why };
  for (const { def, rows } of keyed) {
    const i = inOne.findIndex((k) => k.def === def);
    const hashed =
      i >= 0
        ? (row![`k${i}`] as Counted)
        : await hashGroups(db, from(def), def, Math.ceil(rows / passRows), params, scratch());
    if (hashed.d === hashed.n) continue;
    const [exact] = await db.objects(`SELECT ${groups(from(def), keyOf(def))} AS k`, params);
    const counted = exact!.k as Counted;
    if (counted.d !== counted.n) return { table: def.name, why: `${def.key.join('+')} repeats` };
  }
  return null;
}

/**
 * Rows a unique key is checked over in one grouping of its hashes (about 40 MB of DuckDB's memory): a larger
 * table's hashes are grouped a range at a time, so that the check's memory does not grow with the rows.
 */
export const KEY_PASS_ROWS = 1 << 20;

/** Rows counted, and their groups: a key is unique when they are equal. */
type Counted = { n: number; d: number };

/**
 * Grouped, then counted: DuckDB groups on every core, where count(DISTINCT …) took half as long again.
 * (Params `$s`, the snapshot.)
 */
const groups = (from: string, by: string) =>
  `(SELECT {'n': coalesce(sum(n), 0)::DOUBLE, 'd': count(*)::DOUBLE}
    FROM (SELECT count(*) AS n FROM ${from} WHERE snapshot_id = $s GROUP BY ${by}))`;

/**
 * A large table's key hashes grouped a range at a time: written once to `dir` by range (hash mod the number of
 * ranges), then each range grouped alone. M with ten times the rows (10.7 M invoice ids): 1.6 s and 190 MB against
 * 1.2 s and 620 MB in one grouping, side by side.
 */
async function hashGroups(
  db: Db,
  from: string,
  def: AnyTable,
  ranges: number,
  params: { s: string },
  dir: string,
): Promise<Counted> {
  try {
    await db.run(
      `COPY (SELECT h, h % ${ranges} AS r FROM (SELECT hash(${keyOf(def)}) AS h FROM ${from} WHERE snapshot_id = $s))
       TO ${literal(dir)} (FORMAT parquet, PARTITION_BY (r))`,
      params,
    );
    const counted = { n: 0, d: 0 };
    for (let r = 0; r < ranges; r++) {
      const [[n], [d]] = (await db.columns(
        `SELECT coalesce(sum(n), 0)::DOUBLE, count(*)::DOUBLE FROM (SELECT count(*) AS n
         FROM read_parquet(${literal(`${dir}/**/*.parquet`)}, hive_partitioning = true) WHERE r = ${r} GROUP BY h)`,
      )) as [[number], [number]];
      counted.n += n;
      counted.d += d;
    }
    return counted;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const keyOf = (def: AnyTable) =>
  def.key.map((k) => `coalesce(CAST(${quote(k)} AS VARCHAR), '')`).join(` || chr(0) || `);
