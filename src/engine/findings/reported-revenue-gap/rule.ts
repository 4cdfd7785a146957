import { z } from 'zod';
import { moneySetting, percentSetting } from '../../../contract/columns.ts';
import { formatDecimal, parseDecimal } from '../../../contract/decimal.ts';
import { rowKey } from '../../../contract/finding.ts';
import { abs, formatMoney, parseMoney } from '../../../contract/money.ts';
import { reconcile, type Tolerance } from '../../reconciliation.ts';
import { defineRule, raise } from '../context.ts';

const settings = z.object({
  gap_tolerance_pct: percentSetting.default(1),
  gap_tolerance_abs: moneySetting.default('1000.00'),
});

/** The tolerance of findings.md §6 from this rule's settings: max(pct % of the reported amount, abs). */
export const toleranceOf = (s: z.infer<typeof settings>): Tolerance => ({
  pct: parseDecimal(s.gap_tolerance_pct),
  abs: parseMoney(String(s.gap_tolerance_abs)),
});

/** findings.md §6: a reported figure that differs from Daylight's for the same basis, period and region. */
export const reportedRevenueGap = defineRule({
  code: 'reported-revenue-gap',
  settings,
  detect(ctx, s) {
    return reconcile(ctx.figure, ctx.world.facts.tables.reported_revenue, toleranceOf(s))
      .filter((r) => !r.withinTolerance)
      .map((r) =>
        raise({
          code: 'reported-revenue-gap',
          severity: 'medium',
          basis: r.row.basis,
          region_id: r.row.region_id,
          period_from: r.from,
          period_to: r.to,
          revenue: abs(r.difference),
          summary: `Reported ${r.row.basis} revenue of ${r.row.region_id} for ${r.row.period} is ${formatMoney(r.row.amount)}; the books give ${formatMoney(r.computed)} (difference ${formatMoney(r.difference)}). ${r.matchingBases.length ? `It matches the ${r.matchingBases.join(', ')} basis instead.` : 'No other basis matches it.'} Medium: a gap beyond max(${formatDecimal(parseDecimal(s.gap_tolerance_pct))}%, ${formatMoney(parseMoney(String(s.gap_tolerance_abs)))}).`,
          evidence: [
            {
              table: 'reported_revenue',
              key: rowKey({ basis: r.row.basis, period: r.row.period, region_id: r.row.region_id }),
              fact: `reported ${formatMoney(r.row.amount)}${r.row.source ? ` (${r.row.source})` : ''}`,
            },
            {
              table: 'derived:revenue',
              key: rowKey({ basis: r.row.basis, period: `${r.from}…${r.to}`, region_id: r.row.region_id }),
              fact: `computed ${formatMoney(r.computed)} from invoices (net_amount)`,
            },
            {
              table: 'derived:reconciliation',
              key: rowKey({ basis: r.row.basis, period: r.row.period, region_id: r.row.region_id }),
              fact: r.matchingBases.length
                ? `the reported figure matches basis ${r.matchingBases.join(', ')} within tolerance`
                : 'no other basis matches the reported figure within tolerance',
            },
          ],
          anchor: rowKey({ period: r.row.period }),
        }),
      );
  },
});
