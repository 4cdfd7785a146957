import { describe, expect, it } from 'vitest';
import { BundleBuilder } from '../../test/support/builder.ts';
import { Nexus, nexusSettings } from './nexus.ts';
import { World } from './world.ts';

const tests = (b: BundleBuilder, period: string, j: string) =>
  new Nexus(new World(b.facts()), nexusSettings.parse({})).tests('A', period, j).map((t) => t.test);

describe('nexus', () => {
  it('evaluates hq, registered, payment and billing at the end of the period', () => {
    const b = new BundleBuilder().account(
      { account_id: 'A', hq_country: 'CN', registered_country: 'KY' },
      { country: 'HK' },
    );
    b.tables.payment_methods.push({
      account_id: 'A',
      valid_from: '2021-06-30',
      kind: 'card',
      issuer_country: 'CN',
    });
    expect(tests(b, '2021-05', 'CN')).toEqual(['hq']);
    expect(tests(b, '2021-06', 'CN')).toEqual(['hq', 'payment']);
    expect(tests(b, '2021-06', 'HK')).toEqual(['billing']);
    expect(tests(b, '2021-06', 'KY')).toEqual(['registered']);
  });

  it('needs 5 sign-ins with a known country in the 90 days up to the end, half of them from J', () => {
    const b = new BundleBuilder().account(
      { account_id: 'A', hq_country: 'HK', registered_country: 'HK' },
      { country: 'HK' },
    );
    // 2021-04-02 … 2021-06-30 is the 90-day window ending 2021-06-30.
    b.logins('A', '2021-04-02', 5, 22, ['CN', 'HK']); // 04-02, 04-24, 05-16, 06-07, 06-29 → 3 of 5 from CN
    expect(tests(b, '2021-06', 'CN')).toEqual(['logins']);
    expect(tests(b, '2021-07', 'CN')).toEqual([]); // 04-02 has left the window: 4 sign-ins
  });

  it('does not count sign-ins without a country, and 2 of 4 known is exactly half', () => {
    const b = new BundleBuilder().account(
      { account_id: 'A', hq_country: 'HK', registered_country: 'HK' },
      { country: 'HK' },
    );
    b.logins('A', '2021-06-01', 4, 1, ['CN', 'HK']);
    b.tables.logins.push({
      account_id: 'A',
      occurred_at: '2021-06-20T00:00:00Z',
      source_ip: null,
      country: null,
    });
    expect(tests(b, '2021-06', 'CN')).toEqual([]);
    b.logins('A', '2021-06-10', 2, 1, ['JP', 'CN']);
    expect(tests(b, '2021-06', 'CN')).toEqual(['logins']); // 3 of 6
  });
});
