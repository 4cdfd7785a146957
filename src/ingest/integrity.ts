import { FOREIGN_KEYS } from '../contract/foreign-keys.ts';
import { formatMoney } from '../contract/money.ts';
import { type BundleTables, TABLES, type TableName } from '../contract/tables.ts';
import { getOrCreate } from '../util/maps.ts';
import type { Locations } from './bundle.ts';
import type { Problems } from './problems.ts';

type Row = Record<string, unknown>;
export type RowCheck = (row: Row) => { column: string; message: string }[];

/**
 * Checks of one row against the tables loaded before it: foreign keys (skipped when those tables had bad rows,
 * which would only echo the same problem) and the row's own arithmetic.
 */
export function rowCheck(
  tables: BundleTables,
  table: TableName,
  foreignKeys = true,
  reportingCurrency = 'USD',
  values = columnValues(tables),
): RowCheck {
  const fks = FOREIGN_KEYS.filter((fk) => foreignKeys && fk.table === table).map((fk) => ({
    ...fk,
    targets: values(fk.target, fk.targetColumn),
  }));
  const own = OWN_CHECKS[table];
  const rates = new Set((tables.fx_rates ?? []).map((r) => `${r.period} ${r.currency}`));
  return (row) => {
    const found: { column: string; message: string }[] = [];
    // Every amount is summed in the reporting currency: another currency needs its rate for the period.
    if (
      table === 'invoices' &&
      row.currency &&
      row.currency !== reportingCurrency &&
      !rates.has(`${row.period} ${row.currency}`)
    )
      found.push({
        column: 'currency',
        message: `no fx_rates row for ${row.currency} in ${row.period} (amounts are summed in ${reportingCurrency})`,
      });
    for (const fk of fks) {
      const v = row[fk.column];
      if (v !== null && v !== undefined && !fk.targets.has(v))
        found.push({
          column: fk.column,
          message: `unknown ${fk.targetColumn} ${JSON.stringify(v)} (not in ${fk.target})`,
        });
    }
    const message = own?.check(row);
    if (own && message) found.push({ column: own.column, message });
    return found;
  };
}

/**
 * A table's column as a set, collected once however many tables point at it (six at accounts.account_id): for
 * checks of tables that are all read.
 */
function columnValues(tables: BundleTables): (table: TableName, column: string) => Set<unknown> {
  const sets = new Map<string, Set<unknown>>();
  return (table, column) =>
    getOrCreate(
      sets,
      `${table}.${column}`,
      () => new Set((tables[table] as unknown as Row[]).map((r) => r[column])),
    );
}

const validTo = {
  column: 'valid_to',
  check: (r: Row) =>
    r.valid_to !== null && (r.valid_to as string) <= (r.valid_from as string)
      ? 'valid_to is not after valid_from'
      : null,
};
const OWN_CHECKS: Partial<Record<TableName, { column: string; check: (row: Row) => string | null }>> = {
  invoices: {
    column: 'net_amount',
    check: (r) => {
      const [list, discount, net] = [r.list_amount, r.discount_amount, r.net_amount] as bigint[];
      return net === list! - discount!
        ? null
        : `net_amount ${formatMoney(net!)} ≠ list_amount ${formatMoney(list!)} − discount_amount ${formatMoney(discount!)}`;
    },
  },
  accounts: {
    column: 'closed_at',
    check: (r) =>
      r.closed_at && (r.closed_at as string) < (r.created_at as string)
        ? 'closed before it was created'
        : null,
  },
  transfer_requests: {
    column: 'decided_at',
    check: (r) =>
      r.decision !== 'pending' && !r.decided_at ? `a ${r.decision} request needs decided_at` : null,
  },
  territories: validTo,
  deals: validTo,
  ip_allocations: validTo,
};

/**
 * Checks across rows and tables: unique keys, per-row checks, the region tree and billing addresses.
 * Tables in `streamed` were checked row by row while they were read, and for unique keys by their sink.
 */
export function checkIntegrity(
  tables: BundleTables,
  locations: Locations,
  problems: Problems,
  streamed: ReadonlySet<TableName> = new Set(),
  reportingCurrency = 'USD',
): void {
  const rows = (t: TableName) => tables[t] as unknown as Row[];
  const at = (t: TableName, i: number, column: string | undefined, message: string) =>
    problems.add({ file: locations[t].file, line: locations[t].lines[i], column, message });

  const values = columnValues(tables);
  for (const def of TABLES) {
    if (streamed.has(def.name)) continue;
    const seen = new Map<string, number>();
    const check = rowCheck(tables, def.name, true, reportingCurrency, values);
    const keyOf = keyFunction(def.key);
    rows(def.name).forEach((row, i) => {
      for (const p of check(row)) at(def.name, i, p.column, p.message);
      if (!keyOf) return;
      const key = keyOf(row);
      const first = seen.get(key);
      if (first === undefined) seen.set(key, i);
      else
        at(
          def.name,
          i,
          def.key.join('+'),
          `duplicate key (first at line ${locations[def.name].lines[first]})`,
        );
    });
  }

  checkRegionTree(tables, (i, c, m) => at('regions', i, c, m));
  const billed = new Set(tables.billing_addresses.map((b) => b.account_id));
  tables.accounts.forEach((a, i) => {
    if (!billed.has(a.account_id)) at('accounts', i, 'account_id', 'the account has no billing address');
  });
}

function keyFunction(columns: readonly string[]): ((row: Row) => string) | null {
  if (columns.length === 0) return null;
  if (columns.length === 1) {
    const [column] = columns as [string];
    return (row) => String(row[column] ?? '');
  }
  return (row) => columns.map((k) => String(row[k] ?? '')).join('\u0000');
}

function checkRegionTree(
  tables: BundleTables,
  at: (i: number, column: string, message: string) => void,
): void {
  const roots = tables.regions.filter((r) => r.parent_id === null);
  if (roots.length !== 1)
    tables.regions.forEach((r, i) => {
      if (r.parent_id === null || roots.length === 0)
        at(i, 'parent_id', `the region tree needs exactly one root (found ${roots.length})`);
    });
  const parent = new Map(tables.regions.map((r) => [r.region_id, r.parent_id]));
  tables.regions.forEach((r, i) => {
    const seen = new Set<string>([r.region_id]);
    for (let p = r.parent_id; p !== null && p !== undefined; p = parent.get(p) ?? null) {
      if (seen.has(p)) {
        at(i, 'parent_id', `the region tree has a cycle through ${p}`);
        break;
      }
      seen.add(p);
    }
  });
  const byCountry = new Map<string, string>();
  tables.regions.forEach((r, i) => {
    if (!r.country) return;
    const other = byCountry.get(r.country);
    if (other) at(i, 'country', `country ${r.country} is already carried by region ${other}`);
    else byCountry.set(r.country, r.region_id);
  });
}
