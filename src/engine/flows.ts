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
 * `add` takes each total as crediting passes it, with its leaf regions as codes (so the totals are walked once for
 * revenue and flows); `leafName` turns a code back into the region.
 */
export function bookedToSubstance(
  world: World,
  leafName: (code: number) => string,
): {
  add: (i: number, leafCodes: Int32Array) => void;
  flows: () => RevenueFlow[];
} {
  // Keyed by leaf code and HQ code: a string key per total cost seconds at L. Insertion order is kept.
  const sums = new Map<number, Cents>();
  const hqCodes = new Map<string, number>();
  const hqNames: string[] = [];
  const totals = world.facts.invoiceTotals;
  const billingPostal = BASES.indexOf('billing-postal');
  let lastAccount = -1;
  let hq = 0;
  return {
    add(i, leafCodes) {
      const account = totals.columns.account[i]!;
      if (account !== lastAccount) {
        lastAccount = account;
        const country = world.accounts.get(totals.accountId(i))?.hq_country ?? '??';
        hq = hqCodes.get(country) ?? hqNames.push(country) - 1;
        hqCodes.set(country, hq);
      }
      const key = leafCodes[billingPostal]! * 65536 + hq;
      sums.set(key, (sums.get(key) ?? 0n) + totals.net(i));
    },
    flows: () =>
      [...sums]
        .filter(([, v]) => v > 0n)
        .map(([key, amount]) => ({
          source: `booked ${leafName(Math.floor(key / 65536))}`,
          target: `HQ ${hqNames[key % 65536]}`,
          amount,
        })),
  };
}
