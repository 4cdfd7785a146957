import { describe, expect, it } from 'vitest';
import { BundleBuilder, months } from '../../../../test/support/builder.ts';

function world() {
  return new BundleBuilder()
    .account(
      { account_id: 'A', created_at: '2021-01-01' },
      { country: 'SG', postal_code: '018989' },
      { team_id: 'T-FSI', owner_staff_id: 'S-FSI-SG' },
    )
    .invoices('A', months('2021-01', '2022-12'), '10.00');
}

describe('self-credited-address-change', () => {
  it('flags a staff member moving an address into their own team region, with 12 periods at stake', () => {
    const b = world().address('A', {
      valid_from: '2021-06-10',
      country: 'CN',
      postal_code: '610041',
      changed_by: 'S-CD',
    });
    const [f, ...rest] = b.findings('self-credited-address-change');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      account_id: 'A',
      staff_id: 'S-CD',
      severity: 'medium',
      period_from: '2021-06',
      period_to: '2021-06',
      revenue_at_stake: '120.00',
    });
  });

  it('is high with a deal of 20 % or more, or through an agent, within 90 days either side', () => {
    const b = world()
      .address('A', { valid_from: '2021-06-10', country: 'CN', postal_code: '610041', changed_by: 'S-CD' })
      .deal('A', '20', '2021-09-08');
    expect(b.findings('self-credited-address-change')[0]?.severity).toBe('high');
    const late = world()
      .address('A', { valid_from: '2021-06-10', country: 'CN', postal_code: '610041', changed_by: 'S-CD' })
      .deal('A', '19.99', '2021-06-10')
      .deal('A', '5', '2021-09-09', { agent_id: 'AG' });
    expect(late.findings('self-credited-address-change')[0]?.severity).toBe('medium');
  });

  it('ignores changes by the customer, within the team region, or into a region the team does not gain', () => {
    const byCustomer = world().address('A', {
      valid_from: '2021-06-10',
      country: 'CN',
      postal_code: '610041',
    });
    const notOwn = world().address('A', {
      valid_from: '2021-06-10',
      country: 'CN',
      postal_code: '100001',
      changed_by: 'S-CD',
    });
    const within = new BundleBuilder()
      .account({ account_id: 'B' }, { postal_code: '610001' })
      .address('B', { valid_from: '2021-06-10', country: 'CN', postal_code: '610041', changed_by: 'S-CD' });
    for (const b of [byCustomer, notOwn, within])
      expect(b.findings('self-credited-address-change')).toEqual([]);
  });

  it('uses the changer team in force on the change date', () => {
    const b = world()
      .staff({
        staff_id: 'S-BJ',
        name: 'S-BJ',
        team_id: 'T-CD',
        employing_entity_id: 'E-CN',
        work_country: 'CN',
        work_city: null,
        valid_from: '2021-06-10',
      })
      .address('A', { valid_from: '2021-06-10', country: 'CN', postal_code: '610041', changed_by: 'S-BJ' });
    expect(b.findings('self-credited-address-change')).toHaveLength(1);
  });
});
