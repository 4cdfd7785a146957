import type { z } from 'zod';
import { type IsoDate, type Period, periodRange } from '../../contract/dates.ts';
import type { Evidence, Finding, Severity } from '../../contract/finding.ts';
import { type Cents, formatMoney } from '../../contract/money.ts';
import type { Basis } from '../../contract/tables.ts';
import { sha256Hex } from '../../util/hash.ts';
import { getOrCreate } from '../../util/maps.ts';
import type { ActivitySighting } from '../activities/evidence.ts';
import type { NameIndicators } from '../activities/names.ts';
import type { Recogniser } from '../activities/recognise.ts';
import type { Crediting } from '../crediting.ts';
import type { Nexus } from '../nexus.ts';
import type { Rulebook } from '../rulebook/rulebook.ts';
import type { Verdicts } from '../verdicts.ts';
import type { World } from '../world.ts';

/** Everything a finding rule reads: derived facts computed once per audit, plus the findings raised before it. */
export interface AuditContext {
  world: World;
  rulebook: Rulebook;
  recogniser: Recogniser;
  nexus: Nexus;
  crediting: Crediting;
  sightings: Map<string, ActivitySighting[]>;
  verdicts: Verdicts;
  revenue: AccountRevenue;
  /** Words barred from business names found in account names. */
  names: NameIndicators;
  /** Revenue of one basis, period and region (rolled up), as written to revenue.csv. */
  figure(basis: Basis, period: Period, region: string): Cents;
  /** What another rule raised; only the codes a rule declares in `needs` may be asked for. */
  raised(code: string): Raised[];
}

/** A finding as a rule raised it, with what other rules may read of it beyond the finding itself. */
export interface Raised {
  finding: Finding;
  /** The date of the event the finding is about, where it is one (an address change, a deal's start). */
  eventDate?: IsoDate;
  /** The account-periods whose revenue is at stake (findings overlap: totals count each account-period once). */
  stake: Stake[];
}

export interface Stake {
  accountId: string;
  periods: Period[];
}

/** A finding rule: its code, its settings (Zod, with defaults) and its detector. */
export interface FindingRule<S extends z.ZodObject = z.ZodObject, C extends string = string> {
  code: C;
  settings: S;
  /** Other settings groups the rule relies on (reported with each finding). */
  uses?: ('nexus' | 'activities')[];
  /** Codes whose findings this rule reads (they run before it). */
  needs?: readonly string[];
  detect(ctx: AuditContext, settings: z.infer<S>): Raised[];
}

/** A rule with its code kept as a literal type, so the registry's list of codes is typed by its rules. */
export const defineRule = <S extends z.ZodObject, C extends string>(rule: FindingRule<S, C>) => rule;

/** An account's revenue per period and its sellers, read from its range of the invoice totals when asked. */
export class AccountRevenue {
  constructor(private readonly world: World) {}

  private byPeriod(accountId: string): Map<Period, Cents> {
    const out = new Map<Period, Cents>();
    for (const t of this.world.facts.invoiceTotals.ofAccount(accountId))
      out.set(t.period, (out.get(t.period) ?? 0n) + t.net);
    return out;
  }

  /** The legal entities that invoiced an account in some periods, each with the periods it did. */
  sellersOf(accountId: string, periods: Iterable<Period>): { seller: string; periods: Period[] }[] {
    const wanted = new Set(periods);
    const sellers = new Map<string, Set<Period>>();
    for (const t of this.world.facts.invoiceTotals.ofAccount(accountId))
      if (t.seller && wanted.has(t.period)) getOrCreate(sellers, t.seller, () => new Set()).add(t.period);
    return [...sellers]
      .map(([seller, ps]) => ({ seller, periods: [...ps].sort() }))
      .sort((a, b) => (a.seller < b.seller ? -1 : 1));
  }

  /** Net revenue of distinct account-periods: each counted once however many findings cover it. */
  distinct(stakes: Iterable<Stake>): Cents {
    const wanted = new Map<string, Set<Period>>();
    for (const { accountId, periods } of stakes) {
      const set = getOrCreate(wanted, accountId, () => new Set<Period>());
      for (const p of periods) set.add(p);
    }
    let total = 0n;
    for (const [accountId, periods] of wanted) total += this.of(accountId, periods);
    return total;
  }

  of(accountId: string, periods: Iterable<Period>): Cents {
    const m = this.byPeriod(accountId);
    let total = 0n;
    for (const p of new Set(periods)) total += m.get(p) ?? 0n;
    return total;
  }
}

export interface FindingDraft {
  code: string;
  severity: Severity;
  account_id?: string | null;
  staff_id?: string | null;
  jurisdiction?: string | null;
  activity?: string | null;
  basis?: Basis | null;
  region_id?: string | null;
  period_from: Period;
  period_to: Period;
  revenue: Cents;
  summary: string;
  evidence: Evidence[];
  /** What makes this finding itself among others of its code (e.g. the row that triggered it). */
  anchor: string;
  /** The date of the event the finding is about, where it is one (an address change, a deal's start). */
  eventDate?: IsoDate;
  /** The account-periods at stake, when they are not the finding's account over its periods. */
  stake?: Stake[];
}

/** Ids are a hash of what identifies the finding, so the same bundle always gives the same ids. */
export function findingId(
  d: Pick<
    FindingDraft,
    | 'code'
    | 'account_id'
    | 'staff_id'
    | 'jurisdiction'
    | 'activity'
    | 'basis'
    | 'region_id'
    | 'period_from'
    | 'anchor'
  >,
): string {
  const identity = [
    d.code,
    d.account_id,
    d.staff_id,
    d.jurisdiction,
    d.activity,
    d.basis,
    d.region_id,
    d.period_from,
    d.anchor,
  ];
  return `${d.code
    .split('-')
    .map((w) => w[0])
    .join('')}-${sha256Hex(JSON.stringify(identity)).slice(0, 16)}`;
}

export function raise(d: FindingDraft): Raised {
  const finding: Finding = {
    id: findingId(d),
    code: d.code,
    severity: d.severity,
    account_id: d.account_id ?? null,
    staff_id: d.staff_id ?? null,
    jurisdiction: d.jurisdiction ?? null,
    activity: d.activity ?? null,
    basis: d.basis ?? null,
    region_id: d.region_id ?? null,
    period_from: d.period_from,
    period_to: d.period_to,
    revenue_at_stake: formatMoney(d.revenue),
    summary: d.summary,
    evidence: d.evidence,
    settings: {},
  };
  const stake =
    d.stake ??
    (d.account_id ? [{ accountId: d.account_id, periods: periodRange(d.period_from, d.period_to) }] : []);
  return d.eventDate ? { finding, eventDate: d.eventDate, stake } : { finding, stake };
}

/** Each distinct piece of evidence once, in first-seen order. */
export function uniqueEvidence(list: Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return list.filter((e) => {
    const k = `${e.table}\u0000${e.key}\u0000${e.fact}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
