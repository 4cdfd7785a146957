import { z } from 'zod';
import { percentSetting } from '../contract/columns.ts';
import { addDays, type IsoDate, type Period, periodEnd } from '../contract/dates.ts';
import { compareToPercentOf, formatDecimal, parseDecimal } from '../contract/decimal.ts';
import { type Evidence, rowKey } from '../contract/finding.ts';
import { type Cents, formatMoney } from '../contract/money.ts';
import type { BillingAddress, PaymentMethod } from '../contract/tables.ts';
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
  readonly test: NexusTestName;
  readonly kind: 'substance' | 'form';
  readonly evidence: Evidence;
}

/** What a held test's evidence is made from, besides the account, jurisdiction and day. */
type Detail =
  | { test: 'hq' | 'registered' }
  | { test: 'payment'; row: PaymentMethod }
  | { test: 'billing'; row: BillingAddress }
  | { test: 'logins'; inJ: number; total: number; start: IsoDate }
  | { test: 'usage'; usage: UsageTest };

/**
 * A test that holds, keeping what its evidence is made from: tests are held for every account, period and
 * jurisdiction with a prohibited activity, and only the few a finding cites need their text (made when read).
 */
class HeldTest implements NexusTest {
  constructor(
    readonly kind: 'substance' | 'form',
    private readonly accountId: string,
    private readonly jurisdiction: string,
    private readonly end: IsoDate,
    private readonly detail: Detail,
  ) {}

  get test(): NexusTestName {
    return this.detail.test;
  }

  get evidence(): Evidence {
    const { accountId, jurisdiction, end, detail: d } = this;
    switch (d.test) {
      case 'hq':
      case 'registered':
        return {
          table: 'accounts',
          key: rowKey({ account_id: accountId }),
          fact: `${d.test === 'hq' ? 'hq_country' : 'registered_country'} ${jurisdiction}`,
        };
      case 'payment':
        return {
          table: 'payment_methods',
          key: rowKey({ account_id: accountId, valid_from: d.row.valid_from }),
          fact: `${d.row.kind} issued in ${jurisdiction}, in force on ${end}`,
        };
      case 'billing':
        return {
          table: 'billing_addresses',
          key: rowKey({ account_id: accountId, valid_from: d.row.valid_from }),
          fact: `billing address in ${jurisdiction} on ${end}`,
        };
      case 'logins':
        return {
          table: 'logins',
          key: rowKey({ account_id: accountId }),
          fact: `${d.inJ} of ${d.total} sign-ins with a known country from ${d.start} to ${end} were from ${jurisdiction}`,
        };
      default:
        return d.usage.evidence;
    }
  }
}

/** The usage test's outcome for an account, period and jurisdiction; its evidence made when read. */
class UsageTest {
  constructor(
    readonly holds: boolean,
    private readonly accountId: string,
    private readonly period: Period,
    private readonly jurisdiction: string,
    private readonly net: Cents,
    private readonly total: Cents,
    private readonly regions: ReadonlySet<string> | undefined,
    private readonly sharePct: NexusSettings['usage_share_pct'],
  ) {}

  get evidence(): Evidence {
    const regions = this.regions ? ` (${[...this.regions].sort().join(', ')})` : '';
    return {
      table: 'derived:usage',
      key: rowKey({ account_id: this.accountId, period: this.period }),
      fact: `${formatMoney(this.net)} of ${formatMoney(this.total)} net invoiced in ${this.period} ran in cloud regions in ${this.jurisdiction}${regions}: the usage test (≥ ${formatDecimal(parseDecimal(this.sharePct))}%) ${this.holds ? 'holds' : 'does not hold'}`,
    };
  }
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
  /** The first day of the sign-in window ending on each day asked (a period's end: few of them). */
  private readonly windowStarts = new Map<IsoDate, IsoDate>();

  constructor(
    private readonly world: World,
    readonly settings: NexusSettings,
  ) {}

  private usageOf(accountId: string, period: Period): PeriodUsage | undefined {
    if (this.usage.account !== accountId) {
      // Straight from the totals' columns: an object per total cost a second at L.
      const totals = this.world.facts.invoiceTotals;
      const c = totals.columns;
      const countries = c.usageRegions.map((r) => this.world.countryOfCloudRegion(r));
      const periods = new Map<Period, PeriodUsage>();
      const [start, end] = totals.rangeOf(accountId);
      for (let i = start; i < end; i++) {
        const u = getOrCreate(periods, c.periods[c.period[i]!]!, () => ({ total: 0n, byCountry: new Map() }));
        const net = c.net[i]!;
        u.total += net;
        const country = countries[c.usage[i]!];
        if (!country) continue;
        const inCountry = getOrCreate(u.byCountry, country, () => ({ net: 0n, regions: new Set<string>() }));
        inCountry.net += net;
        inCountry.regions.add(c.usageRegions[c.usage[i]!]!);
      }
      this.usage = { account: accountId, periods };
    }
    return this.usage.periods.get(period);
  }

  /**
   * The usage test (findings.md §4): in the period, at least `usage_share_pct` % of the account's net invoiced
   * amount is in cloud regions located in J. Evidence states the share whether or not the test holds.
   */
  usageIn(accountId: string, period: Period, jurisdiction: string): UsageTest {
    const u = this.usageOf(accountId, period);
    const inJ = u?.byCountry.get(jurisdiction);
    const net = inJ?.net ?? 0n;
    const total = u?.total ?? 0n;
    const share = this.settings.usage_share_pct;
    const holds = total > 0n && net > 0n && compareToPercentOf(net, total, parseDecimal(share)) >= 0;
    return new UsageTest(holds, accountId, period, jurisdiction, net, total, inJ?.regions, share);
  }

  /** Tests that hold for jurisdiction J at the end of the period. */
  tests(accountId: string, period: Period, jurisdiction: string): NexusTest[] {
    const account = this.world.accounts.get(accountId);
    if (!account) return [];
    const end = periodEnd(period);
    const out: NexusTest[] = [];
    const held = (kind: NexusTest['kind'], detail: Detail) =>
      out.push(new HeldTest(kind, accountId, jurisdiction, end, detail));
    if (account.hq_country === jurisdiction) held('substance', { test: 'hq' });
    if (account.registered_country === jurisdiction) held('substance', { test: 'registered' });
    const logins = this.loginShare(accountId, end, jurisdiction);
    if (logins) held('substance', logins);
    const payment = this.world.paymentAt(accountId, end);
    if (payment?.issuer_country === jurisdiction) held('substance', { test: 'payment', row: payment });
    const usage = this.usageIn(accountId, period, jurisdiction);
    if (usage.holds) held('substance', { test: 'usage', usage });
    const billing = this.world.billingAt(accountId, end);
    if (billing?.country === jurisdiction) held('form', { test: 'billing', row: billing });
    return out;
  }

  private loginShare(accountId: string, end: IsoDate, jurisdiction: string): Detail | null {
    let start = this.windowStarts.get(end);
    if (start === undefined) {
      start = addDays(end, -(this.settings.login_window_days - 1));
      this.windowStarts.set(end, start);
    }
    const { total, from: inJ } = this.world.facts.signIns.countBetween(accountId, start, end, jurisdiction);
    if (total < this.settings.login_min_count) return null;
    if (inJ * 100 < this.settings.login_min_share_pct * total) return null;
    return { test: 'logins', inJ, total, start };
  }
}
