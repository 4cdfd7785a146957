import { describe, expect, it } from 'vitest';
import { BundleBuilder } from '../../../../test/support/builder.ts';

describe('paper-offshore-account', () => {
  it('flags prohibited periods billed outside J while a substance test holds there', () => {
    const b = new BundleBuilder()
      .account({ account_id: 'A', declared_industry: 'Crypto exchange', created_at: '2021-01-01' })
      .address('A', { valid_from: '2021-04-01', country: 'HK' })
      .address('A', { valid_from: '2021-09-01', country: 'CN', postal_code: '610001' });
    expect(b.findings('paper-offshore-account', '2021-12-31')).toMatchObject([
      { account_id: 'A', jurisdiction: 'CN', period_from: '2021-04', period_to: '2021-08', severity: 'high' },
    ]);
  });

  it('needs substance: form nexus by billing alone cannot put the address outside J', () => {
    const logins = new BundleBuilder()
      .hongKongExchange({ account_id: 'A', created_at: '2021-01-01' }, { country: 'HK' })
      .logins('A', '2021-01-01', 60, 5, ['CN', 'CN', 'HK']);
    const found = logins.findings('paper-offshore-account', '2021-12-31');
    expect(found).toHaveLength(1);
    expect(found[0]!.evidence.some((e) => e.table === 'logins')).toBe(true);
    const none = new BundleBuilder().hongKongExchange({ account_id: 'B' }, { country: 'HK' });
    expect(none.findings('paper-offshore-account')).toEqual([]);
  });
});
