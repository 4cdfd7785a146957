import { type IsoDate, type Period, periodOf, periodRange } from '../contract/dates.ts';
import type {
  Account,
  BillingAddress,
  Deal,
  Entity,
  Ownership,
  PaymentMethod,
  StaffPosition,
  Team,
  Territory,
} from '../contract/tables.ts';
import { groupBy } from '../util/maps.ts';
import type { Facts } from './facts.ts';
import awsRegions from './reference/aws-regions.json' with { type: 'json' };
import { RegionTree } from './regions.ts';
import { type Timeline, timelinesBy } from './timeline.ts';

/**
 * The organisation's indexes, built once per table: a decision audits one account at a time against the same
 * staff, teams, regions and territories thousands of times.
 */
const built = new WeakMap<object, unknown>();
function once<T>(rows: object, build: () => T): T {
  if (!built.has(rows)) built.set(rows, build());
  return built.get(rows) as T;
}

/** Indexed, effective-dated view of a bundle's facts: every "what was true on date D" question. */
export class World {
  readonly regions: RegionTree;
  readonly accounts: Map<string, Account>;
  readonly teams: Map<string, Team>;
  readonly entities: Map<string, Entity>;
  readonly billing: Map<string, Timeline<BillingAddress>>;
  readonly ownership: Map<string, Timeline<Ownership>>;
  readonly staff: Map<string, Timeline<StaffPosition>>;
  readonly payments: Map<string, Timeline<PaymentMethod>>;
  readonly dealsByAccount: Map<string, Deal[]>;
  private readonly territoriesByCountry: Map<string, Territory[]>;
  private readonly cloudRegionCountry: Map<string, string>;
  /** Per country, the dates on which a territory row starts or ends, ascending. */
  private readonly territoryChanges = new Map<string, IsoDate[]>();

  constructor(readonly facts: Facts) {
    const t = facts.tables;
    this.regions = once(t.regions, () => new RegionTree(t.regions));
    this.accounts = new Map(t.accounts.map((a) => [a.account_id, a]));
    this.teams = once(t.teams, () => new Map(t.teams.map((x) => [x.team_id, x])));
    this.entities = once(t.entities, () => new Map(t.entities.map((x) => [x.entity_id, x])));
    this.billing = timelinesBy(t.billing_addresses, (r) => r.account_id);
    this.ownership = timelinesBy(t.ownership, (r) => r.account_id);
    this.staff = once(t.staff, () => timelinesBy(t.staff, (r) => r.staff_id));
    this.payments = timelinesBy(t.payment_methods, (r) => r.account_id);
    this.dealsByAccount = groupBy(t.deals, (d) => d.account_id);
    this.territoriesByCountry = once(t.territories, () => groupBy(t.territories, (r) => r.country));
    this.cloudRegionCountry = once(t.cloud_regions, () => {
      const countries = new Map(Object.entries(awsRegions.regions));
      for (const r of t.cloud_regions) countries.set(r.cloud_region, r.country);
      return countries;
    });
  }

  /** An account's periods: from its creation month to the earlier of its closing month and the as-of month. */
  periodsOf(account: Account): Period[] {
    const last = periodOf(this.facts.asOf);
    const closed = account.closed_at ? periodOf(account.closed_at) : last;
    return periodRange(periodOf(account.created_at), closed < last ? closed : last);
  }

  billingAt(accountId: string, date: IsoDate): BillingAddress | undefined {
    return this.billing.get(accountId)?.at(date);
  }

  ownerAt(accountId: string, date: IsoDate): Ownership | undefined {
    return this.ownership.get(accountId)?.at(date);
  }

  positionAt(staffId: string, date: IsoDate): StaffPosition | undefined {
    return this.staff.get(staffId)?.at(date);
  }

  paymentAt(accountId: string, date: IsoDate): PaymentMethod | undefined {
    return this.payments.get(accountId)?.at(date);
  }

  entityCountryOfTeam(teamId: string): string | undefined {
    const team = this.teams.get(teamId);
    return team ? this.entities.get(team.entity_id)?.country : undefined;
  }

  /** The bundle's territory lookup: rows valid on `date` for the country whose prefix starts the postal code; longest wins. */
  territoryFor(country: string, postal: string | null, date: IsoDate): Territory | undefined {
    let best: Territory | undefined;
    for (const row of this.territoriesByCountry.get(country) ?? []) {
      if (row.valid_from > date || (row.valid_to !== null && date >= row.valid_to)) continue;
      const prefix = row.postal_prefix ?? '';
      if (prefix !== '' && !(postal ?? '').startsWith(prefix)) continue;
      const bestLength = best?.postal_prefix?.length ?? -1;
      if (
        !best ||
        prefix.length > bestLength ||
        (prefix.length === bestLength && row.valid_from > best.valid_from)
      )
        best = row;
    }
    return best;
  }

  /**
   * `territoryFor`, and the first later date on which its answer may change (a territory row of the country
   * starting or ending; null: never), so a walk over ascending dates asks again only then.
   */
  territoryUntil(
    country: string,
    postal: string | null,
    date: IsoDate,
  ): { territory: Territory | undefined; until: IsoDate | null } {
    let dates = this.territoryChanges.get(country);
    if (!dates) {
      const rows = this.territoriesByCountry.get(country) ?? [];
      dates = [
        ...new Set(rows.flatMap((r) => (r.valid_to ? [r.valid_from, r.valid_to] : [r.valid_from]))),
      ].sort();
      this.territoryChanges.set(country, dates);
    }
    let lo = 0;
    let hi = dates.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (dates[mid]! <= date) lo = mid + 1;
      else hi = mid;
    }
    return { territory: this.territoryFor(country, postal, date), until: dates[lo] ?? null };
  }

  countryOfCloudRegion(cloudRegion: string): string | undefined {
    return this.cloudRegionCountry.get(cloudRegion);
  }

  /** A staff member's position and team on a date. */
  teamOfStaff(staffId: string, date: IsoDate): { position?: StaffPosition; team?: Team } {
    const position = this.positionAt(staffId, date);
    return { position, team: position ? this.teams.get(position.team_id) : undefined };
  }
}
