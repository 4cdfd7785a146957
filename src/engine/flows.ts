import type { Cents } from '../contract/money.ts';
import { BASES } from '../contract/names.ts';
import type { World } from './world.ts';

/** Revenue from a region where it was booked to the country the accounts are run from. */
export interface RevenueFlow {
  /** `booked <region>`: the billing-postal region. */
  source: string;
  /** `HQ <country>`: the accounts' hq_country. */
  target: string;
  amount: Cents;
}

/**
 * Revenue from the region credited by billing postal code to the account's HQ country: the report's Sankey.
 * `add` takes each total as crediting passes it (so the totals are walked once for revenue and flows).
 */
export function bookedToSubstance(world: World): {
  add: (i: number, leaves: readonly string[]) => void;
  flows: () => RevenueFlow[];
} {
  const sums = new Map<string, Cents>();
  const totals = world.facts.invoiceTotals;
  const billingPostal = BASES.indexOf('billing-postal');
  let lastAccount = -1;
  let hq = '??';
  return {
    add(i, leaves) {
      const account = totals.columns.account[i]!;
      if (account !== lastAccount) {
        lastAccount = account;
        hq = world.accounts.get(totals.accountId(i))?.hq_country ?? '??';
      }
      const key = `${leaves[billingPostal]}\u0000${hq}`;
      sums.set(key, (sums.get(key) ?? 0n) + totals.net(i));
    },
    flows: () =>
      [...sums]
        .filter(([, v]) => v > 0n)
        .map(([k, amount]) => {
          const [source, target] = k.split('\u0000') as [string, string];
          return { source: `booked ${source}`, target: `HQ ${target}`, amount };
        }),
  };
}
