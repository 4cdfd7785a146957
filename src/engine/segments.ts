import { type Period, periodEnd } from '../contract/dates.ts';
import type { Cents } from '../contract/money.ts';
import { getOrCreate } from '../util/maps.ts';
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
  const cells = new Map<string, SegmentCell>();
  const memo = new Map<string, Map<Period, Segment>>();
  // Totals come sorted by account and period: the cell and verdict of the last one usually serve the next.
  let last = { account: '', period: '', cell: null as SegmentCell | null, prohibited: false };
  for (const t of world.facts.invoiceTotals) {
    if (last.account !== t.account_id || last.period !== t.period) {
      const periods = getOrCreate(memo, t.account_id, () => new Map<Period, Segment>());
      const segment = getOrCreate(periods, t.period, () => segmentOf(world, t.account_id, t.period));
      const cell = getOrCreate(cells, `${t.period}\u0000${segment}`, () => ({
        period: t.period,
        segment,
        amount: 0n,
        prohibited: 0n,
      }));
      const prohibited = verdicts.at(t.account_id, t.period).length > 0;
      last = { account: t.account_id, period: t.period, cell, prohibited };
    }
    last.cell!.amount += t.net;
    if (last.prohibited) last.cell!.prohibited += t.net;
  }
  return [...cells.values()].sort(
    (a, b) => a.period.localeCompare(b.period) || SEGMENTS.indexOf(a.segment) - SEGMENTS.indexOf(b.segment),
  );
}
