import { type IsoDate, type Period, periodEnd, periodOf, timestampDate } from '../contract/dates.ts';
import type { Cents } from '../contract/money.ts';
import type { BundleTables } from '../contract/tables.ts';
import type { NetworkSignal } from './network/classify.ts';

/** Net revenue of one account, period and cloud region: the grain at which crediting decides. */
export interface InvoiceTotal {
  account_id: string;
  period: Period;
  usage_region: string;
  net: Cents;
  rows: number;
}

/** Everything the engine reads: the bundle's tables (invoices summed to their crediting grain) and its settings. */
export interface Facts {
  homeCountry: string;
  currency: string;
  asOf: IsoDate;
  tables: Omit<BundleTables, 'invoices'>;
  invoiceTotals: InvoiceTotal[];
  /** Node, miner and exchange-client signals from the bundle's telemetry. */
  networkSignals: NetworkSignal[];
}

export function sumInvoices(invoices: BundleTables['invoices']): InvoiceTotal[] {
  const totals = new Map<string, InvoiceTotal>();
  for (const inv of invoices) {
    const key = `${inv.account_id}\u0000${inv.period}\u0000${inv.usage_region}`;
    const t = totals.get(key);
    if (t) {
      t.net += inv.net_amount;
      t.rows++;
    } else
      totals.set(key, {
        account_id: inv.account_id,
        period: inv.period,
        usage_region: inv.usage_region,
        net: inv.net_amount,
        rows: 1,
      });
  }
  return [...totals.values()];
}

/**
 * The export date when `daylight.json` gives none: the latest date found in the bundle,
 * counting an invoice period as its last day.
 */
export function latestDate(
  tables: Omit<BundleTables, 'invoices'>,
  invoicePeriods: Iterable<Period>,
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
  for (const r of tables.logins) see(timestampDate(r.occurred_at));
  return latest;
}

type MetaLike = { home_country: string; currency: string; as_of?: string | undefined };

/** The export date (findings.md: `as_of`, or the latest date found in the bundle): the one definition of it. */
export function exportDate(
  meta: MetaLike,
  tables: Omit<BundleTables, 'invoices'>,
  invoicePeriods: Iterable<Period>,
) {
  return meta.as_of ?? latestDate(tables, invoicePeriods);
}

export function buildFacts(
  tables: Omit<BundleTables, 'invoices'>,
  meta: MetaLike,
  invoiceTotals: InvoiceTotal[],
  networkSignals: NetworkSignal[] = [],
): Facts {
  return {
    homeCountry: meta.home_country,
    currency: meta.currency,
    asOf: exportDate(meta, tables, new Set(invoiceTotals.map((t) => t.period))),
    tables,
    invoiceTotals,
    networkSignals,
  };
}

/** Facts of a bundle held wholly in memory (invoices summed here rather than in the store). */
export function factsFromTables(tables: BundleTables, meta: MetaLike): Facts {
  const { invoices, ...rest } = tables;
  return buildFacts(rest, meta, sumInvoices(invoices));
}

export const monthOfTimestamp = (ts: string): Period => periodOf(timestampDate(ts));
