import { describe, expect, it } from 'vitest';
import { BundleBuilder } from '../../../../test/support/builder.ts';

describe('retained-after-rejection', () => {
  it('flags prohibited periods after a rejected transfer while the requesting team keeps the account', () => {
    const b = new BundleBuilder()
      .account({ account_id: 'A', declared_industry: 'Crypto exchange', created_at: '2021-01-01' })
      .request({ account_id: 'A', decided_at: '2021-05-31' })
      .owner('A', { valid_from: '2021-10-01', team_id: 'T-BJ', owner_staff_id: 'S-BJ' });
    // 2021-05 ends on the decision day, so it is not after it; T-CD owns until 2021-09.
    expect(b.findings('retained-after-rejection', '2021-12-31')).toMatchObject([
      { account_id: 'A', jurisdiction: 'CN', period_from: '2021-06', period_to: '2021-09', severity: 'high' },
    ]);
  });

  it('ignores accepted and pending requests, and accounts that left the team', () => {
    const b = new BundleBuilder()
      .account({ account_id: 'A', declared_industry: 'Crypto exchange' })
      .request({ account_id: 'A', decided_at: '2021-05-20', decision: 'accepted' })
      .request({ account_id: 'A', decided_at: null, decision: 'pending' })
      .account({ account_id: 'B', declared_industry: 'Crypto exchange' })
      .owner('B', { valid_from: '2021-05-01', team_id: 'T-BJ', owner_staff_id: 'S-BJ' })
      .request({ account_id: 'B', decided_at: '2021-05-20' });
    expect(b.findings('retained-after-rejection')).toEqual([]);
  });
});
