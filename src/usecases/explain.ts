import type { Period } from '../contract/dates.ts';
import { type Evidence, rowKey } from '../contract/finding.ts';
import { bundleMetaSchema } from '../contract/meta.ts';
import { formatMoney } from '../contract/money.ts';
import type { Basis, BundleTables, Invoice } from '../contract/tables.ts';
import { Crediting, creditRow } from '../engine/crediting.ts';
import { buildFacts } from '../engine/facts.ts';
import { World } from '../engine/world.ts';
import type { SnapshotsRepository } from '../store/snapshots.ts';

export interface LineageRow {
  invoice_id: string;
  account_id: string;
  period: Period;
  service: string;
  usage_region: string;
  net_amount: string;
  /** The currency of the row's amounts (the reporting currency when the row names none). */
  currency: string;
  /** How the row's amount reaches the reporting currency: the period's rate, or null when it is already in it. */
  conversion: Evidence | null;
  credits: { basis: Basis; region: string; lineage: Evidence[] }[];
}

export interface Explanation {
  snapshot_id: string;
  basis?: Basis;
  period: Period;
  region?: string;
  account_id?: string;
  /** The figure: the total of every row behind it. */
  amount: string;
  /** How many invoice rows are behind it. */
  invoice_rows: number;
  page: number;
  page_size: number;
  /** This page of them, each with its lineage. */
  rows: LineageRow[];
}

export interface RowsPage {
  page: number;
  page_size: number;
  sort: 'invoice_id' | 'account_id' | 'net_amount';
  order: 'asc' | 'desc';
}

export const ALL_ROWS: RowsPage = { page: 1, page_size: 1_000_000, sort: 'invoice_id', order: 'asc' };

const NO_ROWS = {
  staff: [],
  transfer_requests: [],
  agents: [],
  deals: [],
  activities: [],
  logins: [],
  payment_methods: [],
  reported_revenue: [],
  ip_allocations: [],
  public_nodes: [],
};

/**
 * What crediting needs of a snapshot and nothing more (accounts, addresses, territories, ownership, teams, regions,
 * cloud regions): small enough to keep per snapshot, so explaining a figure does not load the bundle again.
 */
export async function creditingWorld(
  snapshots: SnapshotsRepository,
  snapshotId: string,
  asOf: string,
): Promise<World> {
  const snapshot = await snapshots.get(snapshotId);
  if (!snapshot) throw new Error(`no snapshot ${snapshotId} in the store`);
  const read = <T extends keyof BundleTables>(t: T) => snapshots.readTable(snapshotId, t);
  const tables = {
    ...NO_ROWS,
    entities: await read('entities'),
    regions: await read('regions'),
    territories: await read('territories'),
    teams: await read('teams'),
    accounts: await read('accounts'),
    billing_addresses: await read('billing_addresses'),
    ownership: await read('ownership'),
    cloud_regions: await read('cloud_regions'),
    fx_rates: await read('fx_rates'),
  };
  return new World(
    buildFacts(tables, { ...bundleMetaSchema.parse(JSON.parse(snapshot.meta)), as_of: asOf }, []),
  );
}

function lineage(world: World, rows: Invoice[], basis?: Basis): LineageRow[] {
  const reporting = world.facts.currency;
  const rates = new Map(
    world.facts.tables.fx_rates.map((r) => [`${r.period} ${r.currency}`, r.rate_to_reporting]),
  );
  return rows.map((inv) => ({
    invoice_id: inv.invoice_id,
    account_id: inv.account_id,
    period: inv.period,
    service: inv.service,
    usage_region: inv.usage_region,
    net_amount: formatMoney(inv.net_amount),
    currency: inv.currency ?? reporting,
    conversion:
      inv.currency && inv.currency !== reporting
        ? {
            table: 'fx_rates',
            key: rowKey({ period: inv.period, currency: inv.currency }),
            fact: `1 ${inv.currency} = ${rates.get(`${inv.period} ${inv.currency}`)} ${reporting} in ${inv.period} (summed per account, usage region and seller, then rounded half to even)`,
          }
        : null,
    credits: creditRow(world, inv.account_id, inv.period, inv.usage_region).filter(
      (c) => !basis || c.basis === basis,
    ),
  }));
}

/**
 * The invoice rows behind one figure of revenue.csv, a page at a time, each with the chain of facts that credited
 * it: the accounts (or, for usage-region, the cloud regions) that the basis sends to the region or below it are
 * picked here; the rows are counted, summed, sorted and paged in the store.
 */
export async function explainFigure(
  snapshots: SnapshotsRepository,
  world: World,
  snapshotId: string,
  q: { basis: Basis; period: Period; region: string },
  page: RowsPage = ALL_ROWS,
): Promise<Explanation> {
  const crediting = new Crediting(world);
  const under = (leaf: string) => world.regions.gains(q.region, leaf);
  let accounts: string[] | null = null;
  let usageRegions: string[] | null = null;
  if (q.basis === 'usage-region')
    usageRegions = (await snapshots.usageRegionsIn(snapshotId, q.period)).filter((u) =>
      under(crediting.usageRegionLeaf(u)),
    );
  else {
    const basis = q.basis;
    accounts = [...world.accounts.keys()].filter((a) => under(crediting.accountLeaf(basis, a, q.period)));
  }
  const found = await snapshots.invoicePage(
    snapshotId,
    {
      period: q.period,
      accounts,
      usageRegions,
      sort: page.sort,
      order: page.order,
      limit: page.page_size,
      offset: (page.page - 1) * page.page_size,
    },
    world.facts.currency,
  );
  return {
    snapshot_id: snapshotId,
    ...q,
    amount: formatMoney(found.amount),
    invoice_rows: found.total,
    page: page.page,
    page_size: page.page_size,
    rows: lineage(world, found.rows, q.basis),
  };
}

/** Every basis's crediting of one account's invoice rows in one period. */
export async function explainAccount(
  snapshots: SnapshotsRepository,
  world: World,
  snapshotId: string,
  accountId: string,
  period: Period,
  page: RowsPage = ALL_ROWS,
): Promise<Explanation> {
  if (!world.accounts.has(accountId)) throw new Error(`no account ${accountId} in snapshot ${snapshotId}`);
  const found = await snapshots.invoicePage(
    snapshotId,
    {
      period,
      accounts: [accountId],
      usageRegions: null,
      sort: page.sort,
      order: page.order,
      limit: page.page_size,
      offset: (page.page - 1) * page.page_size,
    },
    world.facts.currency,
  );
  return {
    snapshot_id: snapshotId,
    period,
    account_id: accountId,
    amount: formatMoney(found.amount),
    invoice_rows: found.total,
    page: page.page,
    page_size: page.page_size,
    rows: lineage(world, found.rows),
  };
}
