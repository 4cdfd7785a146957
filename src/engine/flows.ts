import type { Cents } from '../contract/money.ts';
import { BASES } from '../contract/names.ts';
import { CentSlots } from './cent-slots.ts';
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

/**
 * Revenue from the region credited by billing postal code to the account's HQ country: the report's Sankey.
 * `add` takes each total as crediting passes it, with its leaf regions as codes (so the totals are walked once for
 * revenue and flows).
 */
export function bookedToSubstance(
  world: World,
  crediting: Pick<Crediting, 'leafName' | 'leafCount'>,
): {
  add: (i: number, leafCodes: Int32Array) => void;
  flows: () => RevenueFlow[];
} {
  const totals = world.facts.invoiceTotals;
  const hqCodes = new Map<string, number>();
  for (const a of [...world.accounts.values()].map((a) => a.hq_country).concat('??'))
    if (!hqCodes.has(a)) hqCodes.set(a, hqCodes.size);
  const hqNames = [...hqCodes.keys()];
  // One slot per leaf and HQ country, numbered as they are first met (the flows keep that order).
  let slotOf: Int32Array | undefined;
  let sums: CentSlots | undefined;
  const met: number[] = [];
  const billingPostal = BASES.indexOf('billing-postal');
  let lastAccount = -1;
  let hq = 0;
  return {
    add(i, leafCodes) {
      if (!slotOf) {
        slotOf = new Int32Array(crediting.leafCount() * hqNames.length).fill(-1);
        sums = new CentSlots(slotOf.length, totals.sumsFitInt64());
      }
      const account = totals.columns.account[i]!;
      if (account !== lastAccount) {
        lastAccount = account;
        hq = hqCodes.get(world.accounts.get(totals.accountId(i))?.hq_country ?? '??')!;
      }
      const key = leafCodes[billingPostal]! * hqNames.length + hq;
      if (slotOf[key] === -1) slotOf[key] = met.push(key) - 1;
      sums!.addFrom(slotOf[key]!, totals.columns.net, i);
    },
    flows: () =>
      met
        .map((key, slot) => ({
          source: `booked ${crediting.leafName(Math.floor(key / hqNames.length))}`,
          target: `HQ ${hqNames[key % hqNames.length]}`,
          amount: sums!.get(slot),
        }))
        .filter((f) => f.amount > 0n),
  };
}
