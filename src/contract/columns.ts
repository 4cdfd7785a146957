import { z } from 'zod';
import { isIsoDate, isPeriod, isTimestamp } from './dates.ts';
import { isDecimal, parseDecimal } from './decimal.ts';
import { parseCidr } from './ip.ts';
import { centsOf, isMoney } from './money.ts';

/**
 * Column types of the bundle contract. Every reader hands cells over as strings ('' for no value), so each
 * type is a Zod schema from string to the engine's value, built from one predicate (`test`) and one
 * conversion (`parse`) that are also kept as the schema's metadata for the fast path of large tables.
 */
export interface ColumnMeta {
  sql: string;
  format?: 'money' | 'decimal';
  test?: (cell: string) => boolean;
  parse?: (cell: string) => unknown;
  optional?: boolean;
  /** The test said as data, for a store that checks millions of cells at once; absent: only `test` can tell. */
  rule?: CellRule;
}

/**
 * What a (non-empty) cell must be, said so a store can check it in bulk. A cell that meets the rule meets the
 * column's `test` (the rule may be stricter, never looser): a store that finds every cell meeting its rule may
 * skip the row-by-row check; any other cell sends the file to it, for the exact message.
 */
export interface CellRule {
  /** Regular expressions (RE2 and JavaScript alike) the whole cell must match, all of them. */
  patterns?: readonly string[];
  /** Its first ten characters are a calendar date. */
  calendarDate?: boolean;
  /** As a decimal, within these bounds (inclusive). */
  between?: readonly [string, string];
  values?: readonly string[];
  nonEmpty?: boolean;
}

function column(sql: string, test: (cell: string) => boolean, message: string, rule?: CellRule) {
  return z
    .string()
    .refine(test, message)
    .meta({ sql, test, rule } satisfies ColumnMeta);
}

function converted<T>(
  sql: string,
  test: (cell: string) => boolean,
  message: string,
  parse: (cell: string) => T,
  format: ColumnMeta['format'],
  rule: CellRule,
) {
  return z
    .string()
    .refine(test, message)
    .transform(parse)
    .meta({ sql, test, parse, format, rule } satisfies ColumnMeta);
}

const DATE_RULE = { patterns: ['^[0-9]{4}-[0-9]{2}-[0-9]{2}$'], calendarDate: true } as const;
// Hours below 24 and minutes below 60 in the pattern; the date part checked as a calendar date.
const TIMESTAMP_RULE = {
  patterns: [
    '^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:?[0-9]{2})$',
  ],
  calendarDate: true,
} as const;

const always = () => true;
export const id = column('VARCHAR', (s) => s.length > 0, 'must not be empty', { nonEmpty: true });
export const text = column('VARCHAR', always, 'not text', {});
export const date = column('DATE', isIsoDate, 'not a date (YYYY-MM-DD)', DATE_RULE);
export const timestamp = column(
  'VARCHAR',
  isTimestamp,
  'not an ISO 8601 timestamp with offset or Z',
  TIMESTAMP_RULE,
);
export const period = column('VARCHAR', isPeriod, 'not a period (YYYY-MM)', {
  patterns: ['^[0-9]{4}-(0[1-9]|1[0-2])$'],
});
export const money = converted(
  'DECIMAL(18,2)',
  isMoney,
  'not a money amount (decimal with at most 2 decimals)',
  centsOf,
  'money',
  { patterns: ['^-?[0-9]{1,16}(\\.[0-9]{1,2})?$'] },
);
export const percent = converted(
  'DECIMAL(12,6)',
  (s) => isDecimal(s) && parseDecimal(s) >= 0n && parseDecimal(s) <= 100_000_000n,
  'not a decimal between 0 and 100',
  parseDecimal,
  'decimal',
  { patterns: ['^-?[0-9]{1,12}(\\.[0-9]{1,6})?$'], between: ['0', '100'] },
);
/** An exchange rate: a positive decimal with at most 10 decimals, kept as its exact text. */
export const rate = column(
  'DECIMAL(20,10)',
  (s) => /^\d{1,9}(\.\d{1,10})?$/.test(s) && /[1-9]/.test(s),
  'not a positive rate (at most 10 decimals)',
  { patterns: ['^[0-9]{1,9}(\\.[0-9]{1,10})?$', '[1-9]'] },
);
export const currency = column('VARCHAR', (s) => /^[A-Z]{3}$/.test(s), 'not an ISO 4217 currency code', {
  patterns: ['^[A-Z]{3}$'],
});
export const country = column(
  'VARCHAR',
  (s) => /^[A-Z]{2}$/.test(s),
  'not an ISO 3166-1 alpha-2 country code',
  { patterns: ['^[A-Z]{2}$'] },
);
export const postal = text;
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => {
  const allowed = new Set<string>(values);
  return column('VARCHAR', (s) => allowed.has(s), `must be one of ${values.join(', ')}`, {
    values,
  }) as unknown as z.ZodType<T[number], string>;
};
export const ipOrCidr = column('VARCHAR', (s) => parseCidr(s) !== null, 'not an IP address or CIDR block');
export const port = column('VARCHAR', (s) => /^\d{1,5}$/.test(s) && Number(s) <= 65535, 'not a port number');
export const pattern = (re: RegExp, message: string) => column('VARCHAR', (s) => re.test(s), message);

/** A column that may be empty (and so may be left out of the file): '' becomes null. */
export function optional<T extends z.ZodType>(schema: T) {
  return z
    .preprocess((v) => (v === '' || v === undefined ? null : v), schema.nullable())
    .meta({ ...columnMeta(schema), optional: true });
}

export function columnMeta(schema: z.ZodType): ColumnMeta {
  return (schema.meta() as ColumnMeta | undefined) ?? { sql: 'VARCHAR' };
}

export function isOptionalColumn(schema: z.ZodType): boolean {
  return schema.safeParse('').success;
}

/**
 * The fast path of a table's schema: each cell checked and converted by its column's own predicate and
 * conversion. Returns null when any cell fails (the caller then asks Zod for the messages).
 */
export function fastRowParser(
  schema: z.ZodObject,
): (record: Record<string, string>) => Record<string, unknown> | null {
  const names = Object.keys(schema.shape);
  const byCells = fastCellsParser(
    schema,
    names.map((_, i) => i),
  );
  return (record) => byCells(names.map((n) => record[n] ?? ''));
}

/**
 * The same fast path straight from a CSV record's cells: `indexes[i]` is the cell of the schema's i-th column
 * (-1 when the file lacks it).
 */
export function fastCellsParser(
  schema: z.ZodObject,
  indexes: number[],
): (cells: string[]) => Record<string, unknown> | null {
  const columns = Object.entries(schema.shape).map(([name, s], i) => ({
    name,
    at: indexes[i]!,
    ...columnMeta(s as z.ZodType),
  }));
  if (columns.some((c) => !c.test)) return () => null;
  const interned = columns.map(() => interner());
  return (cells) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i]!;
      const cell = c.at === -1 ? '' : (cells[c.at] ?? '');
      if (c.optional && cell === '') row[c.name] = null;
      else if (c.test!(cell)) row[c.name] = c.parse ? c.parse(cell) : interned[i]!(cell);
      else return null;
    }
    return row;
  };
}

/**
 * One string per repeated short value of a column (dates, country codes, staff and team ids): a table of a million
 * rows would otherwise hold a million copies of a few thousand values. A column whose first thousand cells seldom
 * repeat (an id per row) stops being looked up.
 */
function interner(): (cell: string) => string {
  const seen = new Map<string, string>();
  let asked = 0;
  let repeats = 0;
  let on = true;
  return (cell) => {
    if (!on || cell.length > 12) return cell;
    const known = seen.get(cell);
    if (known !== undefined) repeats++;
    else if (seen.size < 65_536) seen.set(cell, cell);
    if (++asked === 1000 && repeats < 100) {
      on = false;
      seen.clear();
    }
    return known ?? cell;
  };
}

/** A percentage setting (number or decimal text), checked as an exact decimal. */
export const percentSetting = z
  .union([z.number(), z.string()])
  .refine((v) => isDecimal(String(v)), 'not a decimal number');

/** A money setting (number or decimal text with at most 2 decimals). */
export const moneySetting = z
  .union([z.number(), z.string()])
  .refine((v) => isMoney(String(v)), 'not a money amount (at most 2 decimals)');
