import { z } from 'zod';
import { moneySetting, percentSetting } from '../../../contract/columns.ts';
import { periodRange, reportingPeriodMonths } from '../../../contract/dates.ts';
import { compareToPercentOf, parseDecimal } from '../../../contract/decimal.ts';
import { rowKey } from '../../../contract/finding.ts';
import { abs, type Cents, formatMoney, parseMoney } from '../../../contract/money.ts';
import { BASES, type Basis, type ReportedRevenue } from '../../../contract/tables.ts';
import { type AuditContext, type FindingRule, makeFinding } from '../context.ts';

const settings = z.object({
  gap_tolerance_pct: percentSetting.default(1),
  gap_tolerance_abs: moneySetting.default('1000.00'),
});
type GapSettings = z.infer<typeof settings>;

export interface ReconciliationRow {
  row: ReportedRevenue;
  from: string;
  to: string;
  computed: Cents;
  /** reported − computed */
  difference: Cents;
  withinTolerance: boolean;
  /** Other bases whose figure matches the reported amount within tolerance. */
  matchingBases: Basis[];
}

function computed(ctx: AuditContext, basis: Basis, from: string, to: string, region: string): Cents {
  let total = 0n;
  for (const p of periodRange(from, to)) total += ctx.figure(basis, p, region);
  return total;
}

/** Within max(pct % of the reported amount, abs). */
function within(reported: Cents, difference: Cents, s: GapSettings): boolean {
  const d = abs(difference);
  if (d <= parseMoney(String(s.gap_tolerance_abs))) return true;
  return compareToPercentOf(d, abs(reported), parseDecimal(s.gap_tolerance_pct)) <= 0;
}

export function reconcile(ctx: AuditContext, s: GapSettings): ReconciliationRow[] {
  return ctx.world.facts.tables.reported_revenue.map((row) => {
    const { from, to } = reportingPeriodMonths(row.period)!;
    const value = computed(ctx, row.basis, from, to, row.region_id);
    const difference = row.amount - value;
    const matchingBases = BASES.filter(
      (b) => b !== row.basis && within(row.amount, row.amount - computed(ctx, b, from, to, row.region_id), s),
    );
    return {
      row,
      from,
      to,
      computed: value,
      difference,
      withinTolerance: within(row.amount, difference, s),
      matchingBases,
    };
  });
}

/** findings.md §6: a reported figure that differs from Daylight's for the same basis, period and region. */
export const reportedRevenueGap: FindingRule<typeof settings> = {
  code: 'reported-revenue-gap',
  settings,
  detect(ctx, s) {
    return reconcile(ctx, s)
      .filter((r) => !r.withinTolerance)
      .map((r) =>
        makeFinding({
          code: 'reported-revenue-gap',
          severity: 'medium',
          basis: r.row.basis,
          region_id: r.row.region_id,
          period_from: r.from,
          period_to: r.to,
          revenue: abs(r.difference),
          summary: `Reported ${r.row.basis} revenue of ${r.row.region_id} for ${r.row.period} is ${formatMoney(r.row.amount)}; the books give ${formatMoney(r.computed)} (difference ${formatMoney(r.difference)}). ${r.matchingBases.length ? `It matches the ${r.matchingBases.join(', ')} basis instead.` : 'No other basis matches it.'}`,
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
};
