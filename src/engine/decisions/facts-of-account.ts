import type { IsoDate } from '../../contract/dates.ts';
import { addDays, periodEnd, timestampDate } from '../../contract/dates.ts';
import { InvoiceTotals } from '../../contract/invoice-totals.ts';
import { SignIns } from '../../contract/sign-ins.ts';
import type { BundleTables } from '../../contract/tables.ts';
import type { Facts } from '../facts.ts';

type Small = Omit<BundleTables, 'invoices'>;
const OWN_ROWS = [
  'accounts',
  'billing_addresses',
  'ownership',
  'transfer_requests',
  'deals',
  'activities',
  'payment_methods',
  'ip_allocations',
] as const;

/** The day a row became known, where it has one: rows dated on or after a decision's day are not yet known. */
function knownOn(table: (typeof OWN_ROWS)[number], row: Record<string, unknown>): IsoDate | null {
  // The account itself is the subject: known whenever it is asked about (a deal may come on its first day).
  if (table === 'accounts') return null;
  if (table === 'transfer_requests') return row.requested_at as IsoDate;
  if (table === 'activities') return timestampDate(row.occurred_at as string);
  return (row.valid_from as IsoDate | undefined) ?? null;
}

/**
 * One account's facts, with everything the organisation knows (teams, staff, entities, regions, territories):
 * what a decision about that account judges. With `before`, only what was known before that day: its rows dated
 * earlier, invoices of months that ended earlier, sign-ins and telemetry of earlier days, and the export date the
 * day before.
 */
export function factsOfAccount(facts: Facts, accountId: string, before?: IsoDate): Facts {
  const keep = (table: (typeof OWN_ROWS)[number], row: Record<string, unknown>) => {
    if (row.account_id !== accountId) return false;
    const day = before ? knownOn(table, row) : null;
    return day === null || day < before!;
  };
  const tables = { ...facts.tables } as Small;
  for (const table of OWN_ROWS)
    (tables as Record<string, unknown>)[table] = (
      facts.tables[table] as unknown as Record<string, unknown>[]
    ).filter((r) => keep(table, r));
  tables.reported_revenue = [];
  tables.logins = [];
  const totals = facts.invoiceTotals
    .ofAccount(accountId)
    .filter((t) => !before || periodEnd(t.period) < before);
  const signIns = facts.signIns.ofAccount(accountId, before);
  return {
    ...facts,
    asOf: before ? addDays(before, -1) : facts.asOf,
    tables,
    invoiceTotals: InvoiceTotals.fromRows(totals),
    signIns,
    networkSignals: facts.networkSignals.filter(
      (s) => s.account_id === accountId && (!before || s.last_seen.slice(0, 10) < before),
    ),
  };
}
