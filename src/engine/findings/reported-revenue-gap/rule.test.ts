import { describe, expect, it } from 'vitest';
import { BundleBuilder, months } from '../../../../test/support/builder.ts';
import { parseMoney } from '../../../contract/money.ts';
import type { ReportedRevenue } from '../../../contract/tables.ts';

function books(rows: Omit<ReportedRevenue, 'source'>[]) {
  const b = new BundleBuilder()
    .account(
      { account_id: 'A', created_at: '2021-01-01' },
      { postal_code: '610001' },
      { team_id: 'T-HK', owner_staff_id: 'S-HK' },
    )
    .invoices('A', months('2021-01', '2021-12'), '100000.00');
  for (const r of rows) b.tables.reported_revenue.push({ ...r, source: 'test' });
  return b;
}

describe('reported-revenue-gap', () => {
  it('compares a year, quarter or month with the sum of its months, within max(1 %, 1000.00)', () => {
    // The books give 1,200,000.00 for 2021 and 100,000.00 a month; 1 % is of the reported amount.
    const b = books([
      { basis: 'billing-postal', period: '2021', region_id: 'CN-WEST', amount: parseMoney('1212121.21') },
      { basis: 'billing-postal', period: '2021', region_id: 'CN', amount: parseMoney('1212121.22') },
      { basis: 'billing-postal', period: '2021-Q2', region_id: 'GCR', amount: parseMoney('301000.00') },
      { basis: 'billing-postal', period: '2021-03', region_id: 'WORLD', amount: parseMoney('98999.99') },
      { basis: 'billing-postal', period: '2021-04', region_id: 'WORLD', amount: parseMoney('99000.00') },
    ]);
    const result = b.audit('2021-12-31');
    expect(result.reconciliation.map((r) => [r.row.region_id, r.withinTolerance])).toEqual([
      ['CN-WEST', true],
      ['CN', false],
      ['GCR', true],
      ['WORLD', false],
      ['WORLD', true],
    ]);
    const gaps = result.findings.filter((f) => f.code === 'reported-revenue-gap');
    expect(gaps.map((f) => [f.region_id, f.basis, f.period_from, f.period_to, f.revenue_at_stake])).toEqual([
      ['CN', 'billing-postal', '2021-01', '2021-12', '12121.22'],
      ['WORLD', 'billing-postal', '2021-03', '2021-03', '1000.01'],
    ]);
  });

  it('says which other basis the reported figure matches', () => {
    const b = books([
      { basis: 'billing-postal', period: '2021', region_id: 'HK', amount: parseMoney('1200000.00') },
    ]);
    const [f] = b.findings('reported-revenue-gap', '2021-12-31');
    expect(f!.summary).toContain('owner-team');
    expect(f!.evidence.at(-1)!.fact).toContain('owner-team');
  });
});
