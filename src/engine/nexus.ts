import { z } from 'zod';
import { percentSetting } from '../contract/columns.ts';
import { addDays, type Period, periodEnd } from '../contract/dates.ts';
import { compareToPercentOf, formatDecimal, parseDecimal } from '../contract/decimal.ts';
import { type Evidence, rowKey } from '../contract/finding.ts';
import { type Cents, formatMoney } from '../contract/money.ts';
import { getOrCreate } from '../util/maps.ts';
import type { World } from './world.ts';

export const nexusSettings = z.object({
  login_window_days: z.number().int().positive().default(90),
  login_min_count: z.number().int().positive().default(5),
  login_min_share_pct: z.coerce.number().min(0).max(100).default(50),
  usage_share_pct: percentSetting.default(50),
});
export type NexusSettings = z.infer<typeof nexusSettings>;

export type NexusTestName = 'hq' | 'registered' | 'logins' | 'payment' | 'billing' | 'usage';
export interface NexusTest {
  test: NexusTestName;
  kind: 'substance' | 'form';
  evidence: Evidence;
}

/** An account's net invoiced amount in one period, in all and per country of the cloud regions it ran in. */
interface PeriodUsage {
  total: Cents;
  byCountry: Map<string, { net: Cents; regions: Set<string> }>;
}

/** Nexus tests of findings.md section 4, evaluated at the end of a period. */
export class Nexus {
  /** The usage of the last account asked, per period (worked out from its totals when first asked). */
  private usage = { account: '', periods: new Map<Period, PeriodUsage>() };

  constructor(
    private readonly world: World,
    readonly settings: NexusSettings,
  ) {}

  private usageOf(accountId: string, period: Period): PeriodUsage | undefined {
    if (this.usage.account !== accountId) {
      const periods = new Map<Period, PeriodUsage>();
      for (const t of this.world.facts.invoiceTotals.ofAccount(accountId)) {
        const u = getOrCreate(periods, t.period, () => ({ total: 0n, byCountry: new Map() }));
        u.total += t.net;
        const country = this.world.countryOfCloudRegion(t.usage_region);
        if (!country) continue;
        const c = getOrCreate(u.byCountry, country, () => ({ net: 0n, regions: new Set<string>() }));
        c.net += t.net;
        c.regions.add(t.usage_region);
      }
      this.usage = { account: accountId, periods };
    }
    return this.usage.periods.get(period);
  }

  /**
   * The usage test (findings.md §4): in the period, at least `usage_share_pct` % of the account's net invoiced
   * amount is in cloud regions located in J. Evidence states the share whether or not the test holds.
   */
  usageIn(accountId: string, period: Period, jurisdiction: string): { holds: boolean; evidence: Evidence } {
    const u = this.usageOf(accountId, period);
    const inJ = u?.byCountry.get(jurisdiction);
    const net = inJ?.net ?? 0n;
    const total = u?.total ?? 0n;
    const holds =
      total > 0n &&
      net > 0n &&
      compareToPercentOf(net, total, parseDecimal(this.settings.usage_share_pct)) >= 0;
    const regions = inJ ? ` (${[...inJ.regions].sort().join(', ')})` : '';
    return {
      holds,
      evidence: {
        table: 'derived:usage',
        key: rowKey({ account_id: accountId, period }),
        fact: `${formatMoney(net)} of ${formatMoney(total)} net invoiced in ${period} ran in cloud regions in ${jurisdiction}${regions}: the usage test (≥ ${formatDecimal(parseDecimal(this.settings.usage_share_pct))}%) ${holds ? 'holds' : 'does not hold'}`,
      },
    };
  }

  /** Tests that hold for jurisdiction J at the end of the period. */
  tests(accountId: string, period: Period, jurisdiction: string): NexusTest[] {
    const account = this.world.accounts.get(accountId);
    if (!account) return [];
    const end = periodEnd(period);
    const key = rowKey({ account_id: accountId });
    const out: NexusTest[] = [];
    if (account.hq_country === jurisdiction)
      out.push({
        test: 'hq',
        kind: 'substance',
        evidence: { table: 'accounts', key, fact: `hq_country ${jurisdiction}` },
      });
    if (account.registered_country === jurisdiction)
      out.push({
        test: 'registered',
        kind: 'substance',
        evidence: { table: 'accounts', key, fact: `registered_country ${jurisdiction}` },
      });
    const logins = this.loginShare(accountId, end, jurisdiction);
    if (logins) out.push(logins);
    const payment = this.world.paymentAt(accountId, end);
    if (payment?.issuer_country === jurisdiction)
      out.push({
        test: 'payment',
        kind: 'substance',
        evidence: {
          table: 'payment_methods',
          key: rowKey({ account_id: accountId, valid_from: payment.valid_from }),
          fact: `${payment.kind} issued in ${jurisdiction}, in force on ${end}`,
        },
      });
    const usage = this.usageIn(accountId, period, jurisdiction);
    if (usage.holds) out.push({ test: 'usage', kind: 'substance', evidence: usage.evidence });
    const billing = this.world.billingAt(accountId, end);
    if (billing?.country === jurisdiction)
      out.push({
        test: 'billing',
        kind: 'form',
        evidence: {
          table: 'billing_addresses',
          key: rowKey({ account_id: accountId, valid_from: billing.valid_from }),
          fact: `billing address in ${jurisdiction} on ${end}`,
        },
      });
    return out;
  }

  private loginShare(accountId: string, end: string, jurisdiction: string): NexusTest | null {
    const start = addDays(end, -(this.settings.login_window_days - 1));
    const { total, from: inJ } = this.world.facts.signIns.countBetween(accountId, start, end, jurisdiction);
    if (total < this.settings.login_min_count) return null;
    if (inJ * 100 < this.settings.login_min_share_pct * total) return null;
    return {
      test: 'logins',
      kind: 'substance',
      evidence: {
        table: 'logins',
        key: rowKey({ account_id: accountId }),
        fact: `${inJ} of ${total} sign-ins with a known country from ${start} to ${end} were from ${jurisdiction}`,
      },
    };
  }
}
