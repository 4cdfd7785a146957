import { z } from 'zod';
import { isIsoDate, isPeriod, isTimestamp } from './dates.ts';
import { isDecimal, parseDecimal } from './decimal.ts';
import { isMoney, parseMoney } from './money.ts';

/**
 * Column types of the bundle contract. Every reader hands cells over as strings ('' for no value),
 * so each type is a Zod schema from string to the engine's value.
 */
export const id = z.string().min(1, 'must not be empty').meta({ sql: 'VARCHAR' });
export const text = z.string().meta({ sql: 'VARCHAR' });
export const date = z.string().refine(isIsoDate, 'not a date (YYYY-MM-DD)').meta({ sql: 'DATE' });
export const timestamp = z
  .string()
  .refine(isTimestamp, 'not an ISO 8601 timestamp with offset or Z')
  .meta({ sql: 'VARCHAR' });
export const period = z.string().refine(isPeriod, 'not a period (YYYY-MM)').meta({ sql: 'VARCHAR' });
export const money = z
  .string()
  .refine(isMoney, 'not a money amount (decimal with at most 2 decimals)')
  .transform(parseMoney)
  .meta({ sql: 'DECIMAL(18,2)', format: 'money' });
export const percent = z
  .string()
  .refine(isDecimal, 'not a decimal')
  .transform(parseDecimal)
  .refine((v) => v >= 0n && v <= 100_000_000n, 'must be between 0 and 100')
  .meta({ sql: 'DECIMAL(12,6)', format: 'decimal' });
export const country = z
  .string()
  .regex(/^[A-Z]{2}$/, 'not an ISO 3166-1 alpha-2 country code')
  .meta({ sql: 'VARCHAR' });
export const postal = z.string().meta({ sql: 'VARCHAR' });
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` }).meta({ sql: 'VARCHAR' });

/** A column that may be empty (and so may be left out of the file): '' becomes null. */
export function optional<T extends z.ZodType>(schema: T) {
  return z
    .preprocess((v) => (v === '' || v === undefined ? null : v), schema.nullable())
    .meta({ ...schema.meta() });
}

export interface ColumnMeta {
  sql: string;
  format?: 'money' | 'decimal';
}

export function columnMeta(schema: z.ZodType): ColumnMeta {
  return (schema.meta() as ColumnMeta | undefined) ?? { sql: 'VARCHAR' };
}

export function isOptionalColumn(schema: z.ZodType): boolean {
  return schema.safeParse('').success;
}
