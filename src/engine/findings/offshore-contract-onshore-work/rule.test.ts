import { describe, expect, it } from 'vitest';
import { BundleBuilder, months } from '../../../../test/support/builder.ts';

describe('offshore-contract-onshore-work', () => {
  it('raises one finding per person working in J on a foreign contract and owning prohibited accounts there', () => {
    const b = new BundleBuilder()
      .account({ account_id: 'A', declared_industry: 'Crypto exchange', created_at: '2021-01-01' })
      .owner('A', { valid_from: '2021-06-05', team_id: 'T-FSI', owner_staff_id: 'S-FSI-CN' })
      .account(
        { account_id: 'B', declared_industry: '挖矿', created_at: '2021-01-01' },
        {},
        { team_id: 'T-FSI', owner_staff_id: 'S-FSI-CN' },
      )
      .invoices('A', months('2021-01', '2021-12'), '1.00')
      .invoices('B', months('2021-01', '2021-12'), '2.00');
    const [f, ...rest] = b.findings('offshore-contract-onshore-work', '2021-12-31');
    expect(rest).toEqual([]);
    // A from 2021-06 (7 periods × 1.00), B (mining) from 2021-09 (4 × 2.00).
    expect(f).toMatchObject({
      staff_id: 'S-FSI-CN',
      account_id: null,
      jurisdiction: 'CN',
      period_from: '2021-06',
      period_to: '2021-12',
      revenue_at_stake: '15.00',
    });
    expect(f!.evidence.filter((e) => e.table === 'ownership').map((e) => e.key)).toHaveLength(2);
  });

  it('ignores staff working where their employer is, or abroad from J', () => {
    const b = new BundleBuilder()
      .account(
        { account_id: 'A', declared_industry: 'Crypto exchange' },
        {},
        { team_id: 'T-FSI', owner_staff_id: 'S-FSI-SG' },
      )
      .account(
        { account_id: 'B', declared_industry: 'Crypto exchange' },
        {},
        { team_id: 'T-CD', owner_staff_id: 'S-CD' },
      );
    expect(b.findings('offshore-contract-onshore-work')).toEqual([]);
  });

  it('counts only the time the person worked in J', () => {
    const b = new BundleBuilder()
      .staff({
        staff_id: 'S-FSI-SG',
        name: 'x',
        team_id: 'T-FSI',
        employing_entity_id: 'E-SG',
        work_country: 'CN',
        work_city: 'Beijing',
        valid_from: '2021-10-01',
      })
      .account(
        { account_id: 'A', declared_industry: 'Crypto exchange', created_at: '2021-01-01' },
        {},
        { team_id: 'T-FSI', owner_staff_id: 'S-FSI-SG' },
      );
    expect(b.findings('offshore-contract-onshore-work', '2021-12-31')).toMatchObject([
      { period_from: '2021-10', period_to: '2021-12' },
    ]);
  });
});
