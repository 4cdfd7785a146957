import type { IsoDate } from '../../contract/dates.ts';
import { bundleMetaSchema } from '../../contract/meta.ts';
import type { BundleTables } from '../../contract/tables.ts';
import { buildFacts } from '../../engine/facts.ts';
import { Nexus, nexusSettings } from '../../engine/nexus.ts';
import type { Rulebook } from '../../engine/rulebook/rulebook.ts';
import { World } from '../../engine/world.ts';
import type { SnapshotsRepository } from '../../store/snapshots.ts';

export interface NexusRun {
  jurisdiction: string;
  from: string;
  to: string;
  tests: string;
}

const NO_ROWS = {
  entities: [],
  teams: [],
  staff: [],
  territories: [],
  ownership: [],
  fx_rates: [],
  transfer_requests: [],
  agents: [],
  deals: [],
  activities: [],
  reported_revenue: [],
  ip_allocations: [],
  public_nodes: [],
};

/**
 * One account's nexus over its periods, with the same engine as the audit run on just that account's facts and the
 * run's export date: runs of consecutive periods with the same tests holding, per jurisdiction.
 */
export async function accountNexus(
  snapshots: SnapshotsRepository,
  rulebook: Rulebook,
  run: { snapshotId: string; asOf: IsoDate; settings: Record<string, unknown> },
  accountId: string,
): Promise<NexusRun[]> {
  const own = <T extends keyof BundleTables>(t: T) =>
    snapshots.readTable(run.snapshotId, t, { column: 'account_id', value: accountId });
  const snapshot = await snapshots.get(run.snapshotId);
  if (!snapshot) return [];
  const meta = bundleMetaSchema.parse(JSON.parse(snapshot.meta));
  const accounts = await own('accounts');
  if (accounts.length === 0) return [];
  const facts = buildFacts(
    {
      ...NO_ROWS,
      regions: await snapshots.readTable(run.snapshotId, 'regions'),
      cloud_regions: await snapshots.readTable(run.snapshotId, 'cloud_regions'),
      accounts,
      billing_addresses: await own('billing_addresses'),
      payment_methods: await own('payment_methods'),
      logins: await own('logins'),
    },
    { ...meta, as_of: run.asOf },
    await snapshots.accountInvoiceTotals(run.snapshotId, accountId, meta.currency),
  );
  const world = new World(facts);
  const nexus = new Nexus(world, nexusSettings.parse(run.settings));
  const account = accounts[0]!;
  const jurisdictions = [
    ...new Set([...rulebook.jurisdictions(), account.hq_country, account.registered_country]),
  ].sort();
  const runs: NexusRun[] = [];
  for (const j of jurisdictions) {
    let current: NexusRun | null = null;
    for (const period of world.periodsOf(account)) {
      const tests = nexus
        .tests(accountId, period, j)
        .map((t) => t.test)
        .join(' ');
      if (current && current.tests === tests) current.to = period;
      else {
        if (current?.tests) runs.push(current);
        current = { jurisdiction: j, from: period, to: period, tests };
      }
    }
    if (current?.tests) runs.push(current);
  }
  return runs;
}
