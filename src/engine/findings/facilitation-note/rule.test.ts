import { describe, expect, it } from 'vitest';
import { BundleBuilder } from '../../../../test/support/builder.ts';

describe('facilitation-note', () => {
  it('flags an offer to introduce a customer with CN nexus to an exchange (medium without a prohibited finding)', () => {
    const b = new BundleBuilder()
      .account({ account_id: 'A', declared_industry: 'Ethereum node hosting' })
      .note('A', '2021-07-02T10:00:00+08:00', '客户在跑以太坊节点，答应帮他们介绍交易所。', {
        staff_id: 'S-BJ',
      });
    expect(b.findings('facilitation-note')).toMatchObject([
      {
        account_id: 'A',
        staff_id: 'S-BJ',
        jurisdiction: 'CN',
        activity: 'crypto.exchange',
        period_from: '2021-07',
        severity: 'medium',
      },
    ]);
    // The note is evidence against the staff member, not that the account runs an exchange.
    expect(b.findings('prohibited-activity')).toEqual([]);
  });

  it('is high when the account also has a prohibited-activity finding', () => {
    const b = new BundleBuilder()
      .account({ account_id: 'A', declared_industry: 'Crypto exchange' })
      .note('A', '2021-07-02T10:00:00Z', '先方の取引所を紹介した');
    expect(b.findings('facilitation-note')[0]?.severity).toBe('high');
  });

  it('needs the pointed activity to be prohibited then, and nexus', () => {
    const b = new BundleBuilder()
      .account({ account_id: 'A' })
      .note('A', '2021-08-31T10:00:00Z', '答应对接矿池资源') // mining not yet prohibited
      .account({ account_id: 'HK', hq_country: 'HK', registered_country: 'HK' }, { country: 'HK' })
      .note('HK', '2022-01-10T10:00:00Z', 'offered to introduce them to an exchange')
      .account({ account_id: 'D' })
      .note('D', '2022-01-10T10:00:00Z', 'Introduced the customer to our stock exchange listing team');
    expect(b.findings('facilitation-note')).toEqual([]);
    b.note('A', '2021-09-30T10:00:00Z', '答应对接矿池资源');
    expect(b.findings('facilitation-note')).toMatchObject([
      { account_id: 'A', activity: 'crypto.mining', period_from: '2021-09' },
    ]);
  });
});
