import { type Period, periodEnd } from '../contract/dates.ts';
import type { Cents } from '../contract/money.ts';
import { collate } from '../util/collate.ts';
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
export function segmentOf(world: World, accountId: string, period: Period): Segment {
  const home = world.facts.homeCountry;
  const hqHome = world.accounts.get(accountId)?.hq_country === home;
  const billedHome = world.billingAt(accountId, periodEnd(period))?.country === home;
  if (hqHome) return billedHome ? 'domestic' : 'outbound';
  return billedHome ? 'inbound-multinational' : 'foreign';
}

/** Revenue per period and segment, and the part from accounts in a prohibited-activity period. */
export function segmentRevenue(world: World, verdicts: Verdicts): SegmentCell[] {
  // One cell per period code and segment, found by index: a string key per account-period cost seconds at XL.
  const cells: (SegmentCell | undefined)[] = [];
  const totals = world.facts.invoiceTotals;
  const { account, period, net } = totals.columns;
  // Totals come sorted by account and period: the segment and verdict are worked out once per account-period.
  let cell: SegmentCell | null = null;
  let prohibited = false;
  for (let i = 0; i < totals.length; i++) {
    if (i === 0 || account[i] !== account[i - 1] || period[i] !== period[i - 1]) {
      const [accountId, p] = [totals.accountId(i), totals.periodOf(i)];
      const segment = segmentOf(world, accountId, p);
      const at = period[i]! * SEGMENTS.length + SEGMENTS.indexOf(segment);
      cell = cells[at] ??= { period: p, segment, amount: 0n, prohibited: 0n };
      prohibited = verdicts.at(accountId, p).length > 0;
    }
    cell!.amount += net[i]!;
    if (prohibited) cell!.prohibited += net[i]!;
  }
  return cells
    .filter((c) => c !== undefined)
    .sort((a, b) => collate(a.period, b.period) || SEGMENTS.indexOf(a.segment) - SEGMENTS.indexOf(b.segment));
}
