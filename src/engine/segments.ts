import { type Period, periodEnd } from '../contract/dates.ts';
import type { Cents } from '../contract/money.ts';
import type { BillingAddress } from '../contract/tables.ts';
import { collate } from '../util/collate.ts';
import { CentSlots } from './cent-slots.ts';
import type { Verdicts } from './verdicts.ts';
import type { World } from './world.ts';

export const SEGMENTS = ['domestic', 'inbound-multinational', 'outbound', 'foreign'] as const;
export type Segment = (typeof SEGMENTS)[number];

export interface SegmentCell {
  period: Period;
  segment: Segment;
  amount: Cents;
  prohibited: Cents;
}

/** findings.md §2: the "three carriages" (and the rest), from HQ and the billing country at the end of the period. */
function segmentOf(hqHome: boolean, billedHome: boolean): Segment {
  if (hqHome) return billedHome ? 'domestic' : 'outbound';
  return billedHome ? 'inbound-multinational' : 'foreign';
}

/** Revenue per period and segment, and the part from accounts in a prohibited-activity period. */
export function segmentRevenue(world: World, verdicts: Verdicts): SegmentCell[] {
  // One cell per period code and segment, found by index: a string key per account-period cost seconds at XL.
  const cells: (SegmentCell | undefined)[] = [];
  const totals = world.facts.invoiceTotals;
  const { account, period, net, periods } = totals.columns;
  const ends = periods.map(periodEnd);
  const home = world.facts.homeCountry;
  // Totals come sorted by account and period: each account's addresses are walked forward, and the segment and
  // verdict are worked out once per account-period.
  let billingAt: (date: string) => BillingAddress | undefined = () => undefined;
  let hqHome = false;
  let prohibitedIn: Map<Period, unknown[]> | undefined;
  // Amounts in one slot per cell and the prohibited part in the next (see CentSlots).
  const sums = new CentSlots(periods.length * SEGMENTS.length * 2, totals.sumsFitInt64());
  let at = 0;
  let prohibited = false;
  for (let i = 0; i < totals.length; i++) {
    const newAccount = i === 0 || account[i] !== account[i - 1];
    if (newAccount) {
      const accountId = totals.accountId(i);
      billingAt = world.billing.get(accountId)?.cursor() ?? (() => undefined);
      hqHome = world.accounts.get(accountId)?.hq_country === home;
      prohibitedIn = verdicts.byAccount.get(accountId);
    }
    if (newAccount || period[i] !== period[i - 1]) {
      const code = period[i]!;
      const segment = segmentOf(hqHome, billingAt(ends[code]!)?.country === home);
      at = code * SEGMENTS.length + SEGMENTS.indexOf(segment);
      cells[at] ??= { period: periods[code]!, segment, amount: 0n, prohibited: 0n };
      prohibited = (prohibitedIn?.get(periods[code]!)?.length ?? 0) > 0;
    }
    sums.addFrom(at * 2, net, i);
    if (prohibited) sums.addFrom(at * 2 + 1, net, i);
  }
  cells.forEach((cell, at) => {
    cell!.amount = sums.get(at * 2);
    cell!.prohibited = sums.get(at * 2 + 1);
  });
  return cells
    .filter((c) => c !== undefined)
    .sort((a, b) => collate(a.period, b.period) || SEGMENTS.indexOf(a.segment) - SEGMENTS.indexOf(b.segment));
}
