import { type IsoDate, type Period, periodEnd, periodOf, timestampDate } from '../contract/dates.ts';
import { type InvoiceTotal, InvoiceTotals } from '../contract/invoice-totals.ts';
import type { Cents } from '../contract/money.ts';
import { SignIns } from '../contract/sign-ins.ts';
import type { BundleTables } from '../contract/tables.ts';
import type { NetworkSignal } from './network/classify.ts';

export type { InvoiceTotal };
export { InvoiceTotals };

/** Everything the engine reads: the bundle's tables (invoices summed to their crediting grain) and its settings. */
export interface Facts {
  homeCountry: string;
  currency: string;
  asOf: IsoDate;
  tables: Omit<BundleTables, 'invoices'>;
  invoiceTotals: InvoiceTotals;
  /** Sign-ins per account, day and country (the rows themselves stay in the store). */
  signIns: SignIns;
  /** Node, miner and exchange-client signals from the bundle's telemetry. */
  networkSignals: NetworkSignal[];
}

/**
 * Invoice rows summed to the crediting grain (account, period, usage region, seller) in the reporting currency:
 * each currency's sum converted with its period's rate and rounded once, half to even (as the store does).
 */
export function sumInvoices(
  invoices: BundleTables['invoices'],
  rates: BundleTables['fx_rates'] = [],
  reportingCurrency = 'USD',
): InvoiceTotal[] {
  const rateOf = new Map(rates.map((r) => [`${r.period}\u0000${r.currency}`, r.rate_to_reporting]));
  const byCurrency = new Map<string, { total: InvoiceTotal; currency: string | null; cents: Cents }>();
  for (const inv of invoices) {
    const key = `${inv.account_id}\u0000${inv.period}\u0000${inv.usage_region}\u0000${inv.seller_entity_id ?? ''}\u0000${inv.currency ?? ''}`;
    const g = byCurrency.get(key);
    if (g) {
      g.cents += inv.net_amount;
      g.total.rows++;
    } else
      byCurrency.set(key, {
        total: {
          account_id: inv.account_id,
          period: inv.period,
          usage_region: inv.usage_region,
          seller: inv.seller_entity_id,
          net: 0n,
          rows: 1,
        },
        currency: inv.currency,
        cents: inv.net_amount,
      });
  }
  const totals = new Map<string, InvoiceTotal>();
  for (const { total, currency, cents } of byCurrency.values()) {
    const rate =
      currency && currency !== reportingCurrency ? rateOf.get(`${total.period}\u0000${currency}`) : undefined;
    const net = rate ? convertCents(cents, rate) : cents;
    const key = `${total.account_id}\u0000${total.period}\u0000${total.usage_region}\u0000${total.seller ?? ''}`;
    const t = totals.get(key);
    if (t) {
      t.net += net;
      t.rows += total.rows;
    } else totals.set(key, { ...total, net });
  }
  return [...totals.values()];
}

/** Cents times a rate (decimal text, ≤ 10 places), rounded half to even to cents. */
export function convertCents(cents: Cents, rate: string): Cents {
  const [whole, fraction = ''] = rate.split('.');
  const scaled = BigInt(whole!) * 10_000_000_000n + BigInt(fraction.padEnd(10, '0'));
  const product = cents * scaled;
  const unit = 10_000_000_000n;
  const negative = product < 0n;
  const a = negative ? -product : product;
  let q = a / unit;
  const r = a % unit;
  if (r * 2n > unit || (r * 2n === unit && q % 2n === 1n)) q += 1n;
  return negative ? -q : q;
}

/**
 * The export date when `daylight.json` gives none: the latest date found in the bundle,
 * counting an invoice period as its last day.
 */
export function latestDate(
  tables: Omit<BundleTables, 'invoices'>,
  invoicePeriods: Iterable<Period>,
  latestSignIn: IsoDate | null,
): IsoDate {
  let latest = '0000-01-01';
  const see = (d: string | null | undefined) => {
    if (d && d > latest) latest = d;
  };
  for (const p of invoicePeriods) see(periodEnd(p));
  for (const a of tables.accounts) {
    see(a.created_at);
    see(a.closed_at);
  }
  for (const t of [
    tables.billing_addresses,
    tables.ownership,
    tables.staff,
    tables.payment_methods,
    tables.deals,
  ])
    for (const r of t) see(r.valid_from);
  for (const r of tables.transfer_requests) {
    see(r.requested_at);
    see(r.decided_at);
  }
  for (const r of tables.activities) see(timestampDate(r.occurred_at));
  see(latestSignIn);
  return latest;
}

type MetaLike = { home_country: string; currency: string; as_of?: string | undefined };

/** The export date (findings.md: `as_of`, or the latest date found in the bundle): the one definition of it. */
export function exportDate(
  meta: MetaLike,
  tables: Omit<BundleTables, 'invoices'>,
  invoicePeriods: Iterable<Period>,
  latestSignIn: IsoDate | null,
) {
  return meta.as_of ?? latestDate(tables, invoicePeriods, latestSignIn);
}

export function buildFacts(
  tables: Omit<BundleTables, 'invoices'>,
  meta: MetaLike,
  totals: InvoiceTotals | readonly InvoiceTotal[],
  networkSignals: NetworkSignal[] = [],
  /** Sign-ins counted in the store; else counted here from `tables.logins`. */
  counted?: SignIns,
): Facts {
  const invoiceTotals = totals instanceof InvoiceTotals ? totals : InvoiceTotals.fromRows(totals);
  const signIns = counted ?? SignIns.fromRows(tables.logins);
  return {
    homeCountry: meta.home_country,
    currency: meta.currency,
    asOf: exportDate(meta, tables, invoiceTotals.periods, signIns.latest),
    tables,
    invoiceTotals,
    signIns,
    networkSignals,
  };
}

/** Facts of a bundle held wholly in memory (invoices summed here rather than in the store). */
export function factsFromTables(tables: BundleTables, meta: MetaLike): Facts {
  const { invoices, ...rest } = tables;
  return buildFacts(rest, meta, sumInvoices(invoices, tables.fx_rates, meta.currency));
}

export const monthOfTimestamp = (ts: string): Period => periodOf(timestampDate(ts));
