import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastRowParser } from './columns.ts';
import { TABLES } from './tables.ts';

const cell = fc.oneof(
  fc.constantFrom(
    '',
    'A1',
    '2021-02-29',
    '2024-02-29',
    '2021-13-01',
    '12.5',
    '12.345',
    '-0.01',
    '100',
    '101',
    'CN',
    'cn',
    'rejected',
  ),
  fc.constantFrom(
    '2021-09-24T10:00:00Z',
    '2021-09-24T10:00:00',
    '2022-Q3',
    '2022-07',
    'note',
    'billing-postal',
  ),
  fc.string({ maxLength: 12 }),
);

describe('the fast row parser', () => {
  it.each(TABLES.map((t) => [t.name, t]))('agrees with the Zod schema of %s', (_name, def) => {
    const fast = fastRowParser(def.schema);
    const columns = Object.keys(def.schema.shape);
    fc.assert(
      fc.property(fc.array(cell, { minLength: columns.length, maxLength: columns.length }), (cells) => {
        const record = Object.fromEntries(columns.map((c, i) => [c, cells[i]!]));
        const zod = def.schema.safeParse(record);
        const row = fast(record);
        if (row === null) expect(zod.success).toBe(false);
        else expect(zod.success ? zod.data : 'zod refused').toEqual(row);
      }),
      { numRuns: 300 },
    );
  });
});
