import { type Period, periodEnd } from '../contract/dates.ts';
import { type Evidence, rowKey } from '../contract/finding.ts';
import type { InvoiceTotal } from '../contract/invoice-totals.ts';
import type { Cents } from '../contract/money.ts';
import { BASES, type Basis, type BillingAddress, type Ownership } from '../contract/tables.ts';
import { collate } from '../util/collate.ts';
import { getOrCreate } from '../util/maps.ts';
import { CentSlots } from './cent-slots.ts';
import { UNMAPPED } from './regions.ts';
import type { World } from './world.ts';

/** Where one basis credits an invoice row, and the chain of facts that sent it there. */
export interface Credit {
  basis: Basis;
  region: string;
  lineage: Evidence[];
}

/** The facts billing-postal crediting rests on: the address in force at the end of the period and its territory. */
function billingPostalFacts(world: World, accountId: string, period: Period) {
  const end = periodEnd(period);
  const address = world.billingAt(accountId, end);
  const territory = address && world.territoryFor(address.country, address.postal_code, end);
  return { end, address, territory, region: territory?.region_id ?? UNMAPPED };
}

export function creditBillingPostal(world: World, accountId: string, period: Period): Credit {
  const { end, address, territory, region } = billingPostalFacts(world, accountId, period);
  const lineage: Evidence[] = [];
  if (!address) {
    lineage.push({
      table: 'billing_addresses',
      key: rowKey({ account_id: accountId }),
      fact: `no billing address in force on ${end}`,
    });
    return { basis: 'billing-postal', region, lineage };
  }
  lineage.push({
    table: 'billing_addresses',
    key: rowKey({ account_id: accountId, valid_from: address.valid_from }),
    fact: `billing address in force on ${end}: ${address.country} ${address.postal_code ?? '(no postal code)'}`,
  });
  if (!territory) {
    lineage.push({
      table: 'territories',
      key: rowKey({ country: address.country }),
      fact: `no territory valid on ${end} matches`,
    });
    return { basis: 'billing-postal', region, lineage };
  }
  lineage.push({
    table: 'territories',
    key: rowKey({
      country: territory.country,
      postal_prefix: territory.postal_prefix,
      valid_from: territory.valid_from,
    }),
    fact: `longest matching prefix "${territory.postal_prefix ?? ''}" → region ${territory.region_id}`,
  });
  return { basis: 'billing-postal', region, lineage };
}

function ownerTeamRegion(world: World, accountId: string, period: Period): string {
  const owner = world.ownerAt(accountId, periodEnd(period));
  return (owner && world.teams.get(owner.team_id)?.sales_region) ?? UNMAPPED;
}

export function creditOwnerTeam(world: World, accountId: string, period: Period): Credit {
  const end = periodEnd(period);
  const owner = world.ownerAt(accountId, end);
  const team = owner && world.teams.get(owner.team_id);
  if (!owner || !team)
    return {
      basis: 'owner-team',
      region: UNMAPPED,
      lineage: [
        { table: 'ownership', key: rowKey({ account_id: accountId }), fact: `no owning team on ${end}` },
      ],
    };
  return {
    basis: 'owner-team',
    region: team.sales_region,
    lineage: [
      {
        table: 'ownership',
        key: rowKey({ account_id: accountId, valid_from: owner.valid_from }),
        fact: `owned by team ${team.team_id} on ${end}`,
      },
      {
        table: 'teams',
        key: rowKey({ team_id: team.team_id }),
        fact: `team sales_region ${team.sales_region}`,
      },
    ],
  };
}

export function creditSubstance(world: World, accountId: string): Credit {
  const hq = world.accounts.get(accountId)?.hq_country;
  const region = world.regions.forCountry(hq);
  return {
    basis: 'substance',
    region,
    lineage: [
      { table: 'accounts', key: rowKey({ account_id: accountId }), fact: `hq_country ${hq}` },
      {
        table: 'regions',
        key: rowKey({ country: hq }),
        fact: region === UNMAPPED ? 'no region carries this country' : `region ${region}`,
      },
    ],
  };
}

export function creditUsageRegion(world: World, usageRegion: string): Credit {
  const country = world.countryOfCloudRegion(usageRegion);
  const region = world.regions.forCountry(country);
  return {
    basis: 'usage-region',
    region,
    lineage: [
      {
        table: 'cloud_regions',
        key: rowKey({ cloud_region: usageRegion }),
        fact: country ? `in ${country}` : 'unknown cloud region',
      },
      {
        table: 'regions',
        key: rowKey({ country }),
        fact: region === UNMAPPED ? 'no region carries this country' : `region ${region}`,
      },
    ],
  };
}

export function creditRow(world: World, accountId: string, period: Period, usageRegion: string): Credit[] {
  return [
    creditBillingPostal(world, accountId, period),
    creditOwnerTeam(world, accountId, period),
    creditSubstance(world, accountId),
    creditUsageRegion(world, usageRegion),
  ];
}

export interface RevenueCell {
  basis: Basis;
  period: Period;
  region: string;
  amount: Cents;
  rows: number;
}

/**
 * Leaf region of every basis for every invoice total. The totals come sorted by account and period, so the
 * account-level leaves are worked out once per account-period as the totals pass, and nothing is kept per
 * account-period (millions of them at a provider's size).
 */
export class Crediting {
  private readonly usage = new Map<string, string>();
  private readonly leafCodes = new Map<string, number>();
  private readonly leafNames: string[] = [];
  /** The last account-period asked: the next question is usually the same one. */
  private last = { account: '', period: '', leaves: [] as string[] };

  constructor(private readonly world: World) {}

  /** The leaf region of each basis, in the order of BASES. */
  leaves(t: Pick<InvoiceTotal, 'account_id' | 'period' | 'usage_region'>): string[] {
    const ap = this.accountLeaves(t.account_id, t.period);
    return [ap[0]!, ap[1]!, ap[2]!, this.usageLeaf(t.usage_region)];
  }

  /** The leaf region an account-level basis (billing-postal, owner-team, substance) credits in a period. */
  accountLeaf(basis: Exclude<Basis, 'usage-region'>, account: string, period: Period): string {
    return this.accountLeaves(account, period)[BASES.indexOf(basis)]!;
  }

  /** The leaf region the usage-region basis credits for a cloud region. */
  usageRegionLeaf(usageRegion: string): string {
    return this.usageLeaf(usageRegion);
  }

  /** Billing-postal, owner-team and substance leaves of an account in a period. */
  private accountLeaves(account: string, period: Period): string[] {
    if (this.last.account === account && this.last.period === period) return this.last.leaves;
    const leaves = [
      billingPostalFacts(this.world, account, period).region,
      ownerTeamRegion(this.world, account, period),
      this.world.regions.forCountry(this.world.accounts.get(account)?.hq_country),
    ];
    this.last = { account, period, leaves };
    return leaves;
  }

  private usageLeaf(usageRegion: string): string {
    let leaf = this.usage.get(usageRegion);
    if (leaf === undefined) {
      leaf = creditUsageRegion(this.world, usageRegion).region;
      this.usage.set(usageRegion, leaf);
    }
    return leaf;
  }

  regionsOf(t: Pick<InvoiceTotal, 'account_id' | 'period' | 'usage_region'>): Record<Basis, string> {
    const [bp, ot, sub, usage] = this.leaves(t) as [string, string, string, string];
    return { 'billing-postal': bp, 'owner-team': ot, substance: sub, 'usage-region': usage };
  }

  /**
   * Calls `visit` with each total's index and its leaf region per basis (in the order of BASES), in the totals'
   * order; the array is reused between calls.
   */
  each(visit: (i: number, leaves: readonly string[]) => void): void {
    const leaves = ['', '', '', ''];
    this.eachCoded((i, codes) => {
      for (let b = 0; b < BASES.length; b++) leaves[b] = this.leafNames[codes[b]!]!;
      visit(i, leaves);
    });
  }

  /**
   * Revenue of every basis, period and region, rolled up to every ancestor; `alsoVisit` sees each total on the
   * same pass with its leaf region per basis as a code (`leafName` turns a code back into the region).
   */
  revenue(alsoVisit?: (i: number, leafCodes: Int32Array) => void): RevenueCell[] {
    // Sum at the leaves first, one slot per basis, period and leaf (a string-keyed map per total and basis cost
    // seconds at L), then roll each leaf up its ancestors.
    const totals = this.world.facts.invoiceTotals;
    const { period, net, rows } = totals.columns;
    const periods = totals.columns.periods.length;
    const leaves = this.foreseeLeaves();
    const size = BASES.length * periods * leaves;
    const amounts = new CentSlots(size, totals.sumsFitInt64());
    const counts = new Float64Array(size);
    this.eachCoded((i, codes) => {
      alsoVisit?.(i, codes);
      const at = period[i]! * leaves;
      for (let b = 0; b < BASES.length; b++) {
        const k = b * periods * leaves + at + codes[b]!;
        amounts.addFrom(k, net, i);
        counts[k]! += rows[i]!;
      }
    });
    if (this.leafNames.length !== leaves) throw new Error('crediting met a leaf region it did not foresee');
    const cells = new Map<string, RevenueCell>();
    BASES.forEach((basis, b) => {
      for (let code = 0; code < periods; code++)
        for (let leaf = 0; leaf < leaves; leaf++) {
          const k = (b * periods + code) * leaves + leaf;
          if (counts[k] === 0) continue;
          const sum = amounts.get(k);
          for (const region of this.world.regions.selfAndAncestors(this.leafName(leaf))) {
            const p = totals.columns.periods[code]!;
            const cell = getOrCreate(cells, `${basis}\u0000${p}\u0000${region}`, () => ({
              basis,
              period: p,
              region,
              amount: 0n,
              rows: 0,
            }));
            cell.amount += sum;
            cell.rows += counts[k]!;
          }
        }
    });
    return [...cells.values()].sort(
      (a, b) => collate(a.basis, b.basis) || collate(a.period, b.period) || collate(a.region, b.region),
    );
  }

  /**
   * Codes every region a leaf can be before the walk (regions, UNMAPPED, teams' sales regions, territories'
   * regions, usage regions' leaves), so the sums can be laid out in one array; how many there are.
   */
  private foreseeLeaves(): number {
    const { world } = this;
    for (const region of [
      UNMAPPED,
      ...world.regions.ids(),
      ...[...world.teams.values()].map((t) => t.sales_region),
      ...world.facts.tables.territories.map((t) => t.region_id),
      ...world.facts.invoiceTotals.columns.usageRegions.map((u) => this.usageLeaf(u)),
    ])
      this.leafCode(region);
    return this.leafNames.length;
  }

  /** How many leaf codes there are (all of them, once `revenue` has begun). */
  leafCount(): number {
    return this.leafNames.length;
  }

  /** The region a leaf code of `eachCoded` stands for. */
  leafName(code: number): string {
    return this.leafNames[code]!;
  }

  private leafCode(region: string): number {
    let code = this.leafCodes.get(region);
    if (code === undefined) {
      code = this.leafNames.push(region) - 1;
      this.leafCodes.set(region, code);
    }
    return code;
  }

  /**
   * As `each`, with each leaf region as a code (`leafName`); the array is reused between calls. Each account's
   * histories are walked once, forward, as its periods pass in ascending order (the same answers as
   * `accountLeaves`, without a search per account-period: millions of them at a provider's size).
   */
  private eachCoded(visit: (i: number, codes: Int32Array) => void): void {
    const { world } = this;
    const totals = world.facts.invoiceTotals;
    const { account, period, usage } = totals.columns;
    const usageCodes = totals.columns.usageRegions.map((u) => this.leafCode(this.usageLeaf(u)));
    const ends = totals.columns.periods.map(periodEnd);
    const unmapped = this.leafCode(UNMAPPED);
    const codes = new Int32Array(BASES.length);
    const none = () => undefined;
    let billingAt: (date: string) => BillingAddress | undefined = none;
    let ownerAt: (date: string) => Ownership | undefined = none;
    let place: { address: BillingAddress; leaf: number; until: string | null } | undefined;
    // The owner-team leaf is worked out when the owner row changes (rows are an account's own; null: none yet).
    let lastOwner: Ownership | undefined | null = null;
    let lastAccount = -1;
    let lastPeriod = -1;
    for (let i = 0; i < totals.length; i++) {
      if (account[i] !== lastAccount) {
        const id = totals.accountId(i);
        billingAt = world.billing.get(id)?.cursor() ?? none;
        ownerAt = world.ownership.get(id)?.cursor() ?? none;
        place = undefined;
        codes[2] = this.leafCode(world.regions.forCountry(world.accounts.get(id)?.hq_country));
        lastPeriod = -1;
      }
      if (account[i] !== lastAccount || period[i] !== lastPeriod) {
        lastAccount = account[i]!;
        lastPeriod = period[i]!;
        const end = ends[lastPeriod]!;
        const address = billingAt(end);
        if (!address) codes[0] = unmapped;
        else {
          if (place?.address !== address || (place.until !== null && end >= place.until)) {
            const { territory, until } = world.territoryUntil(address.country, address.postal_code, end);
            place = { address, leaf: this.leafCode(territory?.region_id ?? UNMAPPED), until };
          }
          codes[0] = place.leaf;
        }
        const owner = ownerAt(end);
        if (owner !== lastOwner) {
          lastOwner = owner;
          codes[1] = this.leafCode((owner && world.teams.get(owner.team_id)?.sales_region) ?? UNMAPPED);
        }
      }
      codes[3] = usageCodes[usage[i]!]!;
      visit(i, codes);
    }
  }

  /** The invoice totals behind one figure: those whose leaf region is the region or one of its descendants. */
  behind(basis: Basis, period: Period, region: string): InvoiceTotal[] {
    const totals = this.world.facts.invoiceTotals;
    const code = totals.columns.periods.indexOf(period);
    const b = BASES.indexOf(basis);
    const out: InvoiceTotal[] = [];
    if (code === -1) return out;
    this.each((i, leaves) => {
      if (totals.columns.period[i] === code && this.world.regions.gains(region, leaves[b]!))
        out.push(totals.at(i));
    });
    return out;
  }
}
