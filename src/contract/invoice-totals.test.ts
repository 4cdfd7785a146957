import { describe, expect, it } from 'vitest';
import { type InvoiceTotal, InvoiceTotals } from './invoice-totals.ts';

const total = (
  account_id: string,
  period: string,
  usage_region: string,
  seller: string | null,
  net: bigint,
) => ({
  account_id,
  period,
  usage_region,
  seller,
  net,
  rows: 1,
});

describe('InvoiceTotals', () => {
  const rows: InvoiceTotal[] = [
    total('A2', '2024-02', 'cn-north-1', null, 5n),
    total('A1', '2024-03', 'ap-east-1', 'E1', 7n),
    total('A2', '2024-01', 'ap-east-1', null, 11n),
    total('A1', '2024-03', 'ap-east-1', null, 13n),
    total('A1', '2024-01', 'cn-north-1', null, 17n),
    total('A3', '2024-01', 'ap-east-1', null, 19n),
    total('A1', '2024-03', 'ap-east-1', 'E0', 23n),
  ];

  it('sorts totals given in any order by account, period, usage region and seller', () => {
    const sorted = InvoiceTotals.fromRows(rows);
    expect(sorted.toRows().map((t) => t.net)).toEqual([17n, 13n, 23n, 7n, 11n, 5n, 19n]);
    expect(sorted.ofAccount('A1').map((t) => `${t.period} ${t.usage_region} ${t.seller}`)).toEqual([
      '2024-01 cn-north-1 null',
      '2024-03 ap-east-1 null',
      '2024-03 ap-east-1 E0',
      '2024-03 ap-east-1 E1',
    ]);
    expect(sorted.rangeOf('A3')).toEqual([6, 7]);
    expect(sorted.total()).toBe(95n);
  });

  it('refuses columns that are not sorted by account and period', () => {
    const sorted = InvoiceTotals.fromRows(rows).columns;
    expect(() => new InvoiceTotals({ ...sorted, account: sorted.account.slice().reverse() })).toThrow(
      'sorted by account and period',
    );
  });

  it('says whether every sum of its totals fits a 64-bit integer (count times a bound on the largest magnitude below 2^63)', () => {
    expect(InvoiceTotals.fromRows(rows).sumsFitInt64()).toBe(true);
    const of = (...nets: bigint[]) =>
      InvoiceTotals.fromRows(nets.map((net, i) => total(`A${i}`, '2024-01', 'ap-east-1', null, net)));
    expect(of(2n ** 61n, 2n ** 61n).sumsFitInt64()).toBe(true);
    expect(of(2n ** 62n, 2n ** 62n).sumsFitInt64()).toBe(false);
    expect(of(-(2n ** 62n), 1n).sumsFitInt64()).toBe(false);
  });
});
