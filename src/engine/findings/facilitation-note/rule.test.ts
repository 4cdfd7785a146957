import { describe, expect, it } from 'vitest';
import { BundleBuilder, months } from '../../../../test/support/builder.ts';

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
      .invoices('A', months('2021-08', '2021-12'))
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

  it('does not accuse a staff member who refused, in any of the three languages, nor read a question as an act', () => {
    const b = new BundleBuilder()
      .account({ account_id: 'ZH', created_at: '2021-01-01' })
      .note('ZH', '2022-01-10T10:00:00+08:00', '客户问能否介绍交易所，我们明确拒绝并上报合规。')
      .account({ account_id: 'EN', created_at: '2021-01-01' })
      .note(
        'EN',
        '2022-01-10T10:00:00Z',
        'Customer asked us to introduce them to an exchange; we declined and escalated to compliance.',
      )
      .account({ account_id: 'JA', created_at: '2021-01-01' })
      .note('JA', '2022-01-10T10:00:00+09:00', '取引所を紹介してほしいと頼まれたが、断りました。')
      .account({ account_id: 'Q', created_at: '2021-01-01' })
      .note(
        'Q',
        '2022-01-10T10:00:00Z',
        'Compliance asked whether the customer runs a crypto exchange; it does not.',
      );
    expect(b.findings('facilitation-note', '2022-12-31')).toEqual([]);
    expect(b.findings('prohibited-activity', '2022-12-31')).toEqual([]);
  });

  it('quotes the whole sentence with the offer marked, and keeps an offer phrased as a question', () => {
    const b = new BundleBuilder()
      .account({ account_id: 'A', created_at: '2021-01-01' })
      .note(
        'A',
        '2022-01-10T10:00:00Z',
        'Asked whether they want an introduction to an exchange we work with?',
        {
          subject: 'Call\nfollow-up',
        },
      );
    const [f] = b.findings('facilitation-note', '2022-12-31');
    expect(f!.summary).toContain('"Asked whether they want an «introduction to an exchange» we work with?"');
    expect(f!.summary).not.toContain('\n');
    expect(f!.summary).toMatch(/Medium: the account has no prohibited-activity finding\.$/);
  });
});
