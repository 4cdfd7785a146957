import { describe, expect, it } from 'vitest';
import { BundleBuilder, months } from '../../../test/support/builder.ts';
import { parseMoney } from '../../contract/money.ts';
import { pct, reportModel } from './model.ts';

describe('the report model', () => {
  it('rounds shares to one decimal instead of cutting them', () => {
    expect(pct(2576n, 100_000n)).toBe('2.6');
    expect(pct(2549n, 100_000n)).toBe('2.5');
    expect(pct(1n, 3n)).toBe('33.3');
    expect(pct(2n, 3n)).toBe('66.7');
    expect(pct(0n, 0n)).toBe('0.0');
  });

  it('counts each account-period at stake once, however many findings cover it', () => {
    // An exchange billed offshore: its periods sit under prohibited-activity and paper-offshore-account at once.
    const b = new BundleBuilder()
      .account(
        { account_id: 'X', declared_industry: 'Crypto exchange', created_at: '2022-01-01' },
        { country: 'HK', postal_code: null },
      )
      .invoices('X', months('2022-01', '2022-12'), '10.00')
      .account({ account_id: 'Y', declared_industry: 'Cloud gaming', created_at: '2022-01-01' })
      .invoices('Y', months('2022-01', '2022-12'), '5.00');
    const result = b.audit('2022-12-31');
    const codes = result.findings.map((f) => f.code).sort();
    expect(codes).toEqual(['paper-offshore-account', 'prohibited-activity']);
    const summed = result.findings.reduce((s, f) => s + parseMoney(f.revenue_at_stake), 0n);
    expect(summed).toBe(24000n);
    const model = reportModel(result, 'test');
    expect(model.headline.atStake).toBe('120.00');
    expect(model.headline.prohibitedShare).toBe('66.7');
  });
});
