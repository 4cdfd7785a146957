import { describe, expect, it } from 'vitest';
import { type BundleTables, TABLES, type TableName } from '../contract/tables.ts';
import type { Locations } from './bundle.ts';
import { checkIntegrity, rowCheck } from './integrity.ts';
import { Problems } from './problems.ts';

const emptyTables = () => Object.fromEntries(TABLES.map((d) => [d.name, []])) as unknown as BundleTables;
const locations = (tables: BundleTables) =>
  Object.fromEntries(
    TABLES.map((d) => [
      d.name,
      { file: `${d.name}.csv`, lines: (tables[d.name] as unknown[]).map((_, i) => i + 2) },
    ]),
  ) as Locations;
const account = (account_id: string) => ({ account_id }) as BundleTables['accounts'][number];
const payment = (account_id: string, valid_from: string) =>
  ({ account_id, valid_from, kind: 'card', issuer_country: 'SG' }) as BundleTables['payment_methods'][number];

describe('rowCheck', () => {
  it('names an unknown foreign key and accepts a known one', () => {
    const tables = emptyTables();
    tables.accounts.push(account('A1'));
    const check = rowCheck(tables, 'payment_methods');
    expect(check(payment('A1', '2022-01-01'))).toEqual([]);
    expect(check(payment('A9', '2022-01-01'))).toEqual([
      { column: 'account_id', message: 'unknown account_id "A9" (not in accounts)' },
    ]);
  });

  it('sees the rows a target table gained before the check was made', () => {
    const tables = emptyTables();
    tables.accounts.push(account('A1'));
    expect(rowCheck(tables, 'deals')({ account_id: 'A2' })).toHaveLength(1);
    tables.accounts.push(account('A2'));
    expect(rowCheck(tables, 'deals')({ account_id: 'A2' })).toEqual([]);
  });
});

describe('checkIntegrity', () => {
  const problemsOf = (tables: BundleTables, table: TableName) => {
    const problems = new Problems();
    checkIntegrity(tables, locations(tables), problems);
    return problems.list.filter((p) => p.file === `${table}.csv`);
  };

  it('finds a repeated one-column key and a repeated two-column key, with the first line', () => {
    const tables = emptyTables();
    tables.accounts.push(account('A1'), account('A2'), account('A1'));
    tables.payment_methods.push(
      payment('A1', '2022-01-01'),
      payment('A1', '2022-02-01'),
      payment('A1', '2022-01-01'),
    );
    expect(problemsOf(tables, 'accounts').filter((p) => p.column === 'account_id')).toContainEqual({
      file: 'accounts.csv',
      line: 4,
      column: 'account_id',
      message: 'duplicate key (first at line 2)',
    });
    expect(problemsOf(tables, 'payment_methods')).toEqual([
      {
        file: 'payment_methods.csv',
        line: 4,
        column: 'account_id+valid_from',
        message: 'duplicate key (first at line 2)',
      },
    ]);
  });
});
