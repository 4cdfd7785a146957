import type { PlannedAccount, StaffMember } from './model.ts';
import { Planner } from './planner.ts';
import type { Rng } from './rng.ts';
import { addressMoves } from './schemes/address-moves.ts';
import { background } from './schemes/background.ts';
import { cryptoCustomers } from './schemes/crypto-customers.ts';
import { discounts } from './schemes/discounts.ts';
import { notesInContext } from './schemes/notes-in-context.ts';
import { telemetryWorkloads } from './schemes/telemetry-workloads.ts';
import { transfers } from './schemes/transfers.ts';

export { AS_OF, FIRST_PERIOD, postalIn } from './planner.ts';

export interface Plan {
  staff: StaffMember[];
  accounts: PlannedAccount[];
}

/** The sample world: each scheme plants its pattern (and near-misses) in turn, then ordinary customers fill it up. */
export function planWorld(rng: Rng, size: number): Plan {
  const p = new Planner(rng, size);
  for (const scheme of [
    cryptoCustomers,
    transfers,
    addressMoves,
    discounts,
    telemetryWorkloads,
    notesInContext,
    background,
  ])
    scheme(p);
  // The HK contract holder working in Shenzhen owns a few ordinary accounts.
  for (const a of p.accounts
    .filter((x) => x.archetype === 'background' && x.owners[0]!.team === 'T-HK')
    .slice(0, 3))
    a.owners[0]!.staff = 'HK-900';
  for (const a of p.accounts) a.addresses.sort((x, y) => x.from.localeCompare(y.from));
  return { staff: p.staff, accounts: p.accounts };
}
