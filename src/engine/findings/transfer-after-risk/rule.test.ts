import { describe, expect, it } from 'vitest';
import { BundleBuilder } from '../../../../test/support/builder.ts';
import { addDays } from '../../../contract/dates.ts';

const exchange = (created = '2021-01-01') =>
  new BundleBuilder().account({ account_id: 'A', declared_industry: 'Crypto exchange', created_at: created });

describe('transfer-after-risk', () => {
  it('flags a move to a team of an entity in another country after prohibited periods, nexus continuing', () => {
    const b = exchange().owner('A', {
      valid_from: '2021-08-15',
      team_id: 'T-HK',
      owner_staff_id: 'S-HK',
      changed_by: 'S-CD',
    });
    expect(b.findings('transfer-after-risk')).toMatchObject([
      {
        account_id: 'A',
        jurisdiction: 'CN',
        activity: 'crypto.exchange',
        period_from: '2021-08',
        period_to: '2021-08',
        severity: 'high',
        staff_id: 'S-CD',
      },
    ]);
  });

  it('ignores moves between teams of entities in the same country', () => {
    const b = exchange().owner('A', { valid_from: '2021-08-15', team_id: 'T-BJ', owner_staff_id: 'S-BJ' });
    expect(b.findings('transfer-after-risk')).toEqual([]);
  });

  it('looks back 180 days from the change date (a period overlapping the window counts)', () => {
    // Nexus by billing until 2021-06, none from July, by payment again from 2022-01.
    const moved = (date: string) => {
      const b = new BundleBuilder()
        .hongKongExchange({
          account_id: 'A',
          created_at: '2021-01-01',
        })
        .address('A', { valid_from: '2021-07-01', country: 'HK' })
        .owner('A', { valid_from: date, team_id: 'T-HK', owner_staff_id: 'S-HK' });
      b.tables.payment_methods.push({
        account_id: 'A',
        valid_from: '2022-01-01',
        kind: 'card',
        issuer_country: 'CN',
      });
      return b.findings('transfer-after-risk');
    };
    const edge = addDays('2021-06-30', 180);
    expect(moved(edge)).toHaveLength(1);
    expect(moved(addDays(edge, 1))).toEqual([]);
  });

  it('needs nexus with J at the end of the period after the change', () => {
    const b = new BundleBuilder()
      .hongKongExchange({
        account_id: 'A',
        created_at: '2021-01-01',
      })
      .owner('A', { valid_from: '2021-06-10', team_id: 'T-HK', owner_staff_id: 'S-HK' })
      .address('A', { valid_from: '2021-07-01', country: 'HK' });
    expect(b.findings('transfer-after-risk')).toEqual([]);
  });
});
