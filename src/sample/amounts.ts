import { type Period, periodEnd, periodStart } from '../contract/dates.ts';
import type { Cents } from '../contract/money.ts';
import type { PlannedAccount, PlannedDeal } from './model.ts';

/** One invoice line of an account in a period, as the sample bills it. */
export interface InvoiceLine {
  service: PlannedAccount['services'][number];
  deal: PlannedDeal | undefined;
  list: Cents;
  discount: Cents;
  net: Cents;
}

/** The account's invoice lines in its `index`-th period: list grows with age, a deal in force discounts it. */
export function invoiceLines(a: PlannedAccount, period: Period, index: number): InvoiceLine[] {
  const end = periodEnd(period);
  const deal = a.deals.find((d) => d.from <= end && (d.to === null || d.to > periodStart(period)));
  return a.services.map((service) => {
    const list = BigInt(service.base) + (BigInt(service.base) * BigInt(index)) / 60n;
    const discount = deal ? (list * BigInt(Math.round(deal.pct * 10)) + 500n) / 1000n : 0n;
    return { service, deal, list, discount, net: list - discount };
  });
}
