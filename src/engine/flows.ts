import type { Cents } from '../contract/money.ts';
import { BASES } from '../contract/names.ts';
import type { Crediting } from './crediting.ts';
import type { World } from './world.ts';

/** Revenue from a region where it was booked to the country the accounts are run from. */
export interface RevenueFlow {
  /** `booked <region>`: the billing-postal region. */
  source: string;
  /** `HQ <country>`: the accounts' hq_country. */
  target: string;
  amount: Cents;
}

/** Revenue from the region credited by billing postal code to the account's HQ country: the report's Sankey. */
export function bookedToSubstance(world: World, crediting: Crediting): RevenueFlow[] {
  const flows = new Map<string, Cents>();
  const totals = world.facts.invoiceTotals;
  crediting.each((i, leaves) => {
    const hq = world.accounts.get(totals.accountId(i))?.hq_country ?? '??';
    const key = `${leaves[BASES.indexOf('billing-postal')]}\u0000${hq}`;
    flows.set(key, (flows.get(key) ?? 0n) + totals.net(i));
  });
  return [...flows]
    .filter(([, v]) => v > 0n)
    .map(([k, amount]) => {
      const [source, target] = k.split('\u0000') as [string, string];
      return { source: `booked ${source}`, target: `HQ ${target}`, amount };
    });
}
