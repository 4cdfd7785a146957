import type { Period } from '../contract/dates.ts';
import type { Evidence } from '../contract/finding.ts';
import { type Cents, formatMoney } from '../contract/money.ts';
import type { Basis } from '../contract/tables.ts';
import { Crediting, creditRow } from '../engine/crediting.ts';
import { World } from '../engine/world.ts';
import type { SnapshotsRepository } from '../store/snapshots.ts';
import { loadFacts } from './load-facts.ts';

export interface LineageRow {
  invoice_id: string;
  account_id: string;
  period: Period;
  service: string;
  usage_region: string;
  net_amount: string;
  credits: { basis: Basis; region: string; lineage: Evidence[] }[];
}

export interface Explanation {
  snapshot_id: string;
  basis?: Basis;
  period: Period;
  region?: string;
  account_id?: string;
  amount: string;
  invoice_rows: number;
  rows: LineageRow[];
}

async function lineageRows(
  snapshots: SnapshotsRepository,
  snapshotId: string,
  world: World,
  accounts: string[],
  period: Period,
  basis?: Basis,
): Promise<(LineageRow & { net: Cents })[]> {
  const rows = await snapshots.invoiceRows(snapshotId, accounts, period);
  return rows.map((inv) => {
    const credits = creditRow(world, inv.account_id, inv.period, inv.usage_region).filter(
      (c) => !basis || c.basis === basis,
    );
    return {
      invoice_id: inv.invoice_id,
      account_id: inv.account_id,
      period: inv.period,
      service: inv.service,
      usage_region: inv.usage_region,
      net_amount: formatMoney(inv.net_amount),
      net: inv.net_amount,
      credits,
    };
  });
}

function explanation(
  base: Omit<Explanation, 'amount' | 'invoice_rows' | 'rows'>,
  rows: (LineageRow & { net: Cents })[],
): Explanation {
  const amount = rows.reduce((s, r) => s + r.net, 0n);
  return {
    ...base,
    amount: formatMoney(amount),
    invoice_rows: rows.length,
    rows: rows.map(({ net: _, ...r }) => r),
  };
}

/** The invoice rows behind one figure of revenue.csv, each with the chain of facts that credited it. */
export async function explainFigure(
  snapshots: SnapshotsRepository,
  snapshotId: string,
  basis: Basis,
  period: Period,
  region: string,
): Promise<Explanation> {
  const world = new World(await loadFacts(snapshots, snapshotId, []));
  const totals = new Crediting(world).behind(basis, period, region);
  const accounts = [...new Set(totals.map((t) => t.account_id))];
  const rows = await lineageRows(snapshots, snapshotId, world, accounts, period, basis);
  const credited = rows.filter((r) => world.regions.gains(region, r.credits[0]!.region));
  return explanation({ snapshot_id: snapshotId, basis, period, region }, credited);
}

/** Every basis's crediting of one account's invoice rows in one period. */
export async function explainAccount(
  snapshots: SnapshotsRepository,
  snapshotId: string,
  accountId: string,
  period: Period,
): Promise<Explanation> {
  const world = new World(await loadFacts(snapshots, snapshotId, []));
  if (!world.accounts.has(accountId)) throw new Error(`no account ${accountId} in snapshot ${snapshotId}`);
  const rows = await lineageRows(snapshots, snapshotId, world, [accountId], period);
  return explanation({ snapshot_id: snapshotId, period, account_id: accountId }, rows);
}
