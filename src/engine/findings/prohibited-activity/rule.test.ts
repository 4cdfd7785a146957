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

  it('starts mining in the month 1283 was published (in force at the end of 2021-09), where the compute runs in CN', () => {
    const b = new BundleBuilder()
      .account({ account_id: 'A', declared_industry: '矿池运营', created_at: '2021-01-01' })
      .invoices('A', months('2021-01', '2021-12'), '10.00', 'cn-northwest-1');
    expect(pick(b)).toEqual([['A', 'crypto.mining', '2021-09', '2021-12', 'high', '40.00']]);
    const f = b.findings('prohibited-activity', '2021-12-31')[0]!;
    expect(f.summary).toContain('nexus with CN by hq, registered, usage');
    expect(f.evidence).toContainEqual(
      expect.objectContaining({
        table: 'derived:usage',
        fact: expect.stringMatching(
          /^10\.00 of 10\.00 net invoiced in 2021-09 ran in cloud regions in CN \(cn-northwest-1\): the usage test \(≥ 50%\) holds$/,
        ),
      }),
    );
  });

  it('treats mining as territorial: a mainland company mining abroad is not mining in China; a foreign one onshore is', () => {
    const b = new BundleBuilder()
      .account({ account_id: 'ABROAD', declared_industry: 'Bitcoin mining', created_at: '2021-01-01' })
      .invoices('ABROAD', months('2021-01', '2021-12'), '10.00', 'us-east-1')
      .account(
        {
          account_id: 'SGCO',
          declared_industry: 'Bitcoin mining',
          hq_country: 'SG',
          registered_country: 'SG',
        },
        { country: 'SG', postal_code: '018989' },
      )
      .invoices('SGCO', months('2021-01', '2021-12'), '10.00', 'cn-northwest-1')
      .account({ account_id: 'HALF', declared_industry: 'Bitcoin mining', created_at: '2021-01-01' })
      .invoices('HALF', months('2021-01', '2021-12'), '10.00', 'us-east-1')
      .invoices('HALF', months('2021-01', '2021-12'), '10.00', 'cn-north-1');
    expect(pick(b)).toEqual([
      ['HALF', 'crypto.mining', '2021-09', '2021-12', 'high', '80.00'],
      ['SGCO', 'crypto.mining', '2021-09', '2021-12', 'high', '40.00'],
    ]);
    expect(
      b.findings('prohibited-activity', '2021-12-31').find((f) => f.account_id === 'SGCO')!.summary,
    ).toContain('nexus with CN by usage');
    // The usage share is a setting: above half, the account that splits its compute evenly no longer counts.
    expect(
      b.findings('prohibited-activity', '2021-12-31', { usage_share_pct: '50.01' }).map((f) => f.account_id),
    ).toEqual(['SGCO']);
  });

  it('says what the evidence says: a note indicates, a declared industry confirms, and why it is high', () => {
    const b = new BundleBuilder()
      .account({ account_id: 'N', declared_industry: 'Fintech', created_at: '2021-01-01' })
      .note('N', '2021-10-03T10:00:00Z', 'Launch planning', {
        subject: 'Customer plans a token sale next quarter.',
      })
      .account({ account_id: 'D', declared_industry: 'Crypto exchange', created_at: '2021-01-01' });
    const [declared, noted] = b.findings('prohibited-activity', '2021-12-31');
    expect(noted!.summary).toMatch(
      /has crypto\.token-issuance indicated by a CRM note, with nexus with CN by hq, registered/,
    );
    expect(noted!.summary).toContain('which the rulebook lists as prohibited in CN under');
    expect(noted!.summary).toMatch(/Medium: the activity is only indicated, not confirmed\.$/);
    expect(noted!.summary).not.toMatch(/performs|operates/);
    expect(noted!.evidence).toContainEqual(
      expect.objectContaining({ table: 'activities', fact: expect.stringContaining('«token sale»') }),
    );
    expect(declared!.summary).toMatch(/High: the activity is confirmed \(declared in its industry\)\.$/);
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
