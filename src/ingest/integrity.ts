import { formatMoney } from '../contract/money.ts';
import { type BundleTables, TABLES, type TableName } from '../contract/tables.ts';
import { getOrCreate } from '../util/maps.ts';
import type { Locations } from './bundle.ts';
import type { Problems } from './problems.ts';

type Row = Record<string, unknown>;
interface ForeignKey {
  table: TableName;
  column: string;
  target: TableName;
  targetColumn: string;
}

const FOREIGN_KEYS: ForeignKey[] = [
  ['regions', 'parent_id', 'regions', 'region_id'],
  ['territories', 'region_id', 'regions', 'region_id'],
  ['teams', 'entity_id', 'entities', 'entity_id'],
  ['teams', 'sales_region', 'regions', 'region_id'],
  ['staff', 'team_id', 'teams', 'team_id'],
  ['staff', 'employing_entity_id', 'entities', 'entity_id'],
  ['billing_addresses', 'account_id', 'accounts', 'account_id'],
  ['billing_addresses', 'changed_by', 'staff', 'staff_id'],
  ['ownership', 'account_id', 'accounts', 'account_id'],
  ['ownership', 'team_id', 'teams', 'team_id'],
  ['ownership', 'owner_staff_id', 'staff', 'staff_id'],
  ['ownership', 'changed_by', 'staff', 'staff_id'],
  ['transfer_requests', 'account_id', 'accounts', 'account_id'],
  ['transfer_requests', 'from_team_id', 'teams', 'team_id'],
  ['transfer_requests', 'to_team_id', 'teams', 'team_id'],
  ['transfer_requests', 'requested_by', 'staff', 'staff_id'],
  ['transfer_requests', 'decided_by', 'staff', 'staff_id'],
  ['deals', 'account_id', 'accounts', 'account_id'],
  ['deals', 'agent_id', 'agents', 'agent_id'],
  ['deals', 'approved_by', 'staff', 'staff_id'],
  ['activities', 'account_id', 'accounts', 'account_id'],
  ['activities', 'staff_id', 'staff', 'staff_id'],
  ['logins', 'account_id', 'accounts', 'account_id'],
  ['payment_methods', 'account_id', 'accounts', 'account_id'],
  ['invoices', 'account_id', 'accounts', 'account_id'],
  ['invoices', 'deal_id', 'deals', 'deal_id'],
  ['invoices', 'agent_id', 'agents', 'agent_id'],
  ['reported_revenue', 'region_id', 'regions', 'region_id'],
].map(([table, column, target, targetColumn]) => ({ table, column, target, targetColumn }) as ForeignKey);

/** Checks across rows and tables: unique keys, foreign keys, the region tree and invoice arithmetic. */
export function checkIntegrity(tables: BundleTables, locations: Locations, problems: Problems): void {
  const rows = (t: TableName) => tables[t] as unknown as Row[];
  const at = (t: TableName, i: number, column: string | undefined, message: string) =>
    problems.add({ file: locations[t].file, line: locations[t].lines[i], column, message });

  for (const def of TABLES) {
    if (def.key.length === 0) continue;
    const seen = new Map<string, number>();
    rows(def.name).forEach((row, i) => {
      const key = def.key.map((k) => String(row[k] ?? '')).join('\u0000');
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

  const values = new Map<string, Set<unknown>>();
  const valuesOf = (t: TableName, c: string) => {
    return getOrCreate(values, `${t}.${c}`, () => new Set(rows(t).map((r) => r[c])));
  };
  for (const fk of FOREIGN_KEYS) {
    const targets = valuesOf(fk.target, fk.targetColumn);
    rows(fk.table).forEach((row, i) => {
      const v = row[fk.column];
      if (v !== null && v !== undefined && !targets.has(v))
        at(fk.table, i, fk.column, `unknown ${fk.targetColumn} ${JSON.stringify(v)} (not in ${fk.target})`);
    });
  }

  tables.invoices.forEach((inv, i) => {
    if (inv.net_amount !== inv.list_amount - inv.discount_amount)
      at(
        'invoices',
        i,
        'net_amount',
        `net_amount ${formatMoney(inv.net_amount)} ≠ list_amount ${formatMoney(inv.list_amount)} − discount_amount ${formatMoney(inv.discount_amount)}`,
      );
  });

  checkRegionTree(tables, (i, c, m) => at('regions', i, c, m));

  const billed = new Set(tables.billing_addresses.map((b) => b.account_id));
  tables.accounts.forEach((a, i) => {
    if (!billed.has(a.account_id)) at('accounts', i, 'account_id', 'the account has no billing address');
    if (a.closed_at && a.closed_at < a.created_at)
      at('accounts', i, 'closed_at', 'closed before it was created');
  });
  tables.transfer_requests.forEach((t, i) => {
    if (t.decision !== 'pending' && !t.decided_at)
      at('transfer_requests', i, 'decided_at', `a ${t.decision} request needs decided_at`);
  });
  for (const t of ['territories', 'deals'] as const)
    (tables[t] as { valid_from: string; valid_to: string | null }[]).forEach((r, i) => {
      if (r.valid_to !== null && r.valid_to <= r.valid_from)
        at(t, i, 'valid_to', 'valid_to is not after valid_from');
    });
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
