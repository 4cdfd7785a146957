import type { IsoDate } from '../../contract/dates.ts';
import { addDays, periodEnd, timestampDate } from '../../contract/dates.ts';
import { InvoiceTotals } from '../../contract/invoice-totals.ts';
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

type OwnRows = Record<(typeof OWN_ROWS)[number], Record<string, unknown>[]> & {
  networkSignals: Facts['networkSignals'];
};

/** Each account's own rows, grouped once per facts (a replay asks about thousands of events). */
const grouped = new WeakMap<Facts, Map<string, OwnRows>>();

function rowsByAccount(facts: Facts): Map<string, OwnRows> {
  let byAccount = grouped.get(facts);
  if (byAccount) return byAccount;
  byAccount = new Map();
  const of = (id: string) => {
    let rows = byAccount!.get(id);
    if (!rows) {
      rows = { networkSignals: [] } as unknown as OwnRows;
      for (const t of OWN_ROWS) rows[t] = [];
      byAccount!.set(id, rows);
    }
    return rows;
  };
  for (const table of OWN_ROWS)
    for (const row of facts.tables[table] as unknown as Record<string, unknown>[])
      of(row.account_id as string)[table].push(row);
  for (const s of facts.networkSignals) of(s.account_id).networkSignals.push(s);
  grouped.set(facts, byAccount);
  return byAccount;
}

/**
 * One account's facts, with everything the organisation knows (teams, staff, entities, regions, territories):
 * what a decision about that account judges. With `before`, only what was known before that day: its rows dated
 * earlier, invoices of months that ended earlier, sign-ins and telemetry of earlier days, and the export date the
 * day before.
 */
export function factsOfAccount(facts: Facts, accountId: string, before?: IsoDate): Facts {
  const own = rowsByAccount(facts).get(accountId);
  const known = (table: (typeof OWN_ROWS)[number], row: Record<string, unknown>) => {
    const day = before ? knownOn(table, row) : null;
    return day === null || day < before!;
  };
  const tables = { ...facts.tables } as Small;
  for (const table of OWN_ROWS)
    (tables as Record<string, unknown>)[table] = (own?.[table] ?? []).filter((r) => known(table, r));
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
    networkSignals: (own?.networkSignals ?? []).filter((s) => !before || s.last_seen.slice(0, 10) < before),
  };
}
