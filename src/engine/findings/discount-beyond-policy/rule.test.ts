import { describe, expect, it } from 'vitest';
import { BundleBuilder } from '../../../../test/support/builder.ts';

describe('discount-beyond-policy', () => {
  it('flags discounts above 20 % (not 20 % itself), medium when direct', () => {
    const b = new BundleBuilder()
      .account({ account_id: 'A' })
      .deal('A', '20', '2021-03-01')
      .deal('A', '20.01', '2021-04-01');
    expect(b.findings('discount-beyond-policy').map((f) => [f.period_from, f.severity])).toEqual([
      ['2021-04', 'medium'],
    ]);
  });

  it('is high through an agent for an account with a prohibited-activity finding', () => {
    const b = new BundleBuilder()
      .account({ account_id: 'A', declared_industry: 'Crypto exchange' })
      .deal('A', '30', '2021-03-01', { agent_id: 'AG' });
    expect(b.findings('discount-beyond-policy')[0]?.severity).toBe('high');
  });

  it('is high through an agent within 90 days of a self-credited address change, medium beyond', () => {
    const make = (dealStart: string) =>
      new BundleBuilder()
        .account(
          { account_id: 'A', created_at: '2021-01-01' },
          { country: 'SG' },
          { team_id: 'T-FSI', owner_staff_id: 'S-FSI-SG' },
        )
        .address('A', { valid_from: '2021-06-01', country: 'CN', postal_code: '610001', changed_by: 'S-CD' })
        .deal('A', '25', dealStart, { agent_id: 'AG' })
        .findings('discount-beyond-policy')[0]?.severity;
    expect(make('2021-08-30')).toBe('high');
    expect(make('2021-08-31')).toBe('medium');
  });

  it('honours a changed threshold and reports it', () => {
    const b = new BundleBuilder().account({ account_id: 'A' }).deal('A', '25', '2021-03-01');
    expect(b.findings('discount-beyond-policy', '2022-12-31', { discount_max_pct: 30 })).toEqual([]);
    expect(b.findings('discount-beyond-policy')[0]?.settings).toMatchObject({ discount_max_pct: 20 });
  });
});
