import { periodEnd } from '../contract/dates.ts';
import { bundleMetaSchema } from '../contract/meta.ts';
import type { BundleTables } from '../contract/tables.ts';
import { buildFacts } from '../engine/facts.ts';
import { Nexus, nexusSettings } from '../engine/nexus.ts';
import { Rulebook } from '../engine/rulebook/rulebook.ts';
import { World } from '../engine/world.ts';
import type { Store } from '../store/store.ts';

export interface NexusRun {
  jurisdiction: string;
  from: string;
  to: string;
  tests: string;
}

/**
 * One account's nexus over its periods, with the same engine as the audit run on just that account's facts:
 * runs of consecutive periods with the same tests holding, per jurisdiction.
 */
export async function accountNexus(
  store: Store,
  snapshotId: string,
  accountId: string,
  settings: Record<string, unknown>,
): Promise<NexusRun[]> {
  const own = <T extends keyof BundleTables>(t: T) => store.rowsWhere(snapshotId, t, 'account_id', accountId);
  const snapshot = (await store.snapshots()).find((s) => s.snapshot_id === snapshotId)!;
  const meta = bundleMetaSchema.parse(JSON.parse(snapshot.meta));
  const accounts = await own('accounts');
  if (accounts.length === 0) return [];
  const empty = {
    entities: [],
    teams: [],
    staff: [],
    territories: [],
    ownership: [],
    transfer_requests: [],
    agents: [],
    deals: [],
    activities: [],
    cloud_regions: [],
    reported_revenue: [],
    ip_allocations: [],
    public_nodes: [],
  };
  const periods = (
    await store.db.runAndReadAll('SELECT max(period) AS p FROM invoices WHERE snapshot_id = $s', {
      s: snapshotId,
    })
  ).getRowObjectsJson()[0]?.p;
  const facts = buildFacts(
    {
      ...empty,
      regions: await store.readTable(snapshotId, 'regions'),
      accounts,
      billing_addresses: await own('billing_addresses'),
      payment_methods: await own('payment_methods'),
      logins: await own('logins'),
    },
    { ...meta, as_of: meta.as_of ?? (periods ? periodEnd(String(periods)) : undefined) },
    [],
  );
  const world = new World(facts);
  const nexus = new Nexus(world, nexusSettings.parse(settings));
  const account = accounts[0]!;
  const jurisdictions = [
    ...new Set([...Rulebook.load().jurisdictions(), account.hq_country, account.registered_country]),
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
