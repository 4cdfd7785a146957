import { periodRange, reportingPeriodMonths } from '../contract/dates.ts';
import { compareToPercentOf, type Micro } from '../contract/decimal.ts';
import { abs, type Cents } from '../contract/money.ts';
import { BASES, type Basis, type ReportedRevenue } from '../contract/tables.ts';

/** Revenue of one basis, period and region (rolled up), as written to revenue.csv. */
export type Figure = (basis: Basis, period: string, region: string) => Cents;

/** How far a reported figure may be from the books: max(pct % of the reported amount, abs). */
export interface Tolerance {
  pct: Micro;
  abs: Cents;
}

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

function computed(figure: Figure, basis: Basis, from: string, to: string, region: string): Cents {
  let total = 0n;
  for (const p of periodRange(from, to)) total += figure(basis, p, region);
  return total;
}

/** Within max(pct % of the reported amount, abs). */
function within(reported: Cents, difference: Cents, t: Tolerance): boolean {
  const d = abs(difference);
  if (d <= t.abs) return true;
  return compareToPercentOf(d, abs(reported), t.pct) <= 0;
}

/** Each reported figure against the books: the same basis, the other bases, and whether it is within tolerance. */
export function reconcile(figure: Figure, reported: ReportedRevenue[], t: Tolerance): ReconciliationRow[] {
  return reported.map((row) => {
    const { from, to } = reportingPeriodMonths(row.period)!;
    const value = computed(figure, row.basis, from, to, row.region_id);
    const difference = row.amount - value;
    const matchingBases = BASES.filter(
      (b) =>
        b !== row.basis && within(row.amount, row.amount - computed(figure, b, from, to, row.region_id), t),
    );
    return {
      row,
      from,
      to,
      computed: value,
      difference,
      withinTolerance: within(row.amount, difference, t),
      matchingBases,
    };
  });
}
