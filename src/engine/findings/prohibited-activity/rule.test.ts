import { describe, expect, it } from 'vitest';
import { BundleBuilder, months } from '../../../../test/support/builder.ts';

const pick = (b: BundleBuilder, asOf = '2021-12-31') =>
  b
    .findings('prohibited-activity', asOf)
    .map((f) => [f.account_id, f.activity, f.period_from, f.period_to, f.severity, f.revenue_at_stake]);

describe('prohibited-activity', () => {
  it('raises one high finding per run for a confirmed activity, with the revenue of the run', () => {
    const b = new BundleBuilder()
      .account({ account_id: 'A', declared_industry: 'Crypto exchange', created_at: '2021-01-15' })
      .invoices('A', months('2021-01', '2021-12'), '10.00');
    expect(pick(b)).toEqual([['A', 'crypto.exchange', '2021-01', '2021-12', 'high', '120.00']]);
    const f = b.findings('prohibited-activity', '2021-12-31')[0]!;
    expect(f.evidence.map((e) => e.table)).toEqual(
      expect.arrayContaining(['accounts', 'rulebook', 'derived:verdict']),
    );
    expect(f.settings).toMatchObject({ login_window_days: 90, crm_indicated_months: 12 });
  });

  it('starts mining in the month 1283 was published (in force at the end of 2021-09)', () => {
    const b = new BundleBuilder().account({
      account_id: 'A',
      declared_industry: '矿池运营',
      created_at: '2021-01-01',
    });
    expect(pick(b)).toEqual([['A', 'crypto.mining', '2021-09', '2021-12', 'high', '0.00']]);
  });

  it('treats a CRM mention as indicated for its month and the eleven after (medium)', () => {
    const b = new BundleBuilder()
      .account({ account_id: 'A', declared_industry: 'Fintech', created_at: '2020-01-01' })
      .note('A', '2020-03-31T23:30:00+08:00', 'Customer plans a token sale next quarter');
    expect(pick(b)).toEqual([['A', 'crypto.token-issuance', '2020-03', '2021-02', 'medium', '0.00']]);
  });

  it('splits runs when nexus lapses and stops at the closing month', () => {
    const b = new BundleBuilder()
      .hongKongExchange({
        account_id: 'A',
        created_at: '2021-01-01',
        closed_at: '2021-11-15',
      })
      .address('A', { valid_from: '2021-07-01', country: 'HK' })
      .address('A', { valid_from: '2021-09-30', country: 'CN', postal_code: '100001' });
    expect(pick(b)).toEqual([
      ['A', 'crypto.exchange', '2021-01', '2021-06', 'high', '0.00'],
      ['A', 'crypto.exchange', '2021-09', '2021-11', 'high', '0.00'],
    ]);
  });

  it('does not fire without nexus, for licensed places, for nodes or for decoys', () => {
    const b = new BundleBuilder()
      .hongKongExchange({ account_id: 'HKX' }, { country: 'HK' })
      .account({ account_id: 'NODE', declared_industry: 'Ethereum node hosting' })
      .account({ account_id: 'DM', declared_industry: 'Data mining & analytics' })
      .account({ account_id: 'BC', declared_industry: 'Blockchain' });
    expect(pick(b)).toEqual([]);
  });
});
