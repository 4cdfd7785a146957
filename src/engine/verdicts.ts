import { addMonths, type Period, periodEnd } from '../contract/dates.ts';
import type { Activity } from '../contract/names.ts';
import { collate } from '../util/collate.ts';
import { getOrCreate } from '../util/maps.ts';
import { type ActivitySighting, activitiesInPeriod, type Strength } from './activities/evidence.ts';
import type { Nexus, NexusTest } from './nexus.ts';
import type { Rule, Rulebook } from './rulebook/rulebook.ts';
import type { World } from './world.ts';

/** One period in which an account performs a prohibited activity in a jurisdiction it has nexus with. */
export interface ProhibitedPeriod {
  accountId: string;
  period: Period;
  jurisdiction: string;
  activity: Activity;
  strength: Strength;
  rules: readonly Rule[];
  nexus: NexusTest[];
  sightings: ActivitySighting[];
}

/** Verdicts per account and period (findings.md section 5). */
export class Verdicts {
  readonly byAccount = new Map<string, Map<Period, ProhibitedPeriod[]>>();

  constructor(world: World, rulebook: Rulebook, nexus: Nexus, sightings: Map<string, ActivitySighting[]>) {
    const jurisdictions = [
      ...new Set(rulebook.rules.filter((r) => r.status === 'prohibited').map((r) => r.jurisdiction)),
    ];
    for (const [accountId, list] of sightings) {
      const account = world.accounts.get(accountId);
      if (!account) continue;
      for (const period of world.periodsOf(account)) {
        const performed = activitiesInPeriod(list, period);
        if (performed.size === 0) continue;
        const end = periodEnd(period);
        for (const jurisdiction of jurisdictions) {
          let tests: NexusTest[] | undefined;
          for (const [activity, { strength, sightings: s }] of performed) {
            const rules = rulebook.prohibiting(jurisdiction, activity, end);
            if (rules.length === 0) continue;
            tests ??= nexus.tests(accountId, period, jurisdiction);
            if (tests.length === 0) break;
            const held = nexusUnder(rules, tests);
            if (held.length === 0) continue;
            this.add({
              accountId,
              period,
              jurisdiction,
              activity,
              strength,
              rules,
              nexus: held,
              sightings: s,
            });
          }
        }
      }
    }
  }

  private add(p: ProhibitedPeriod): void {
    const periods = getOrCreate(this.byAccount, p.accountId, () => new Map<Period, ProhibitedPeriod[]>());
    getOrCreate(periods, p.period, () => []).push(p);
  }

  at(accountId: string, period: Period): ProhibitedPeriod[] {
    return this.byAccount.get(accountId)?.get(period) ?? [];
  }

  all(): ProhibitedPeriod[] {
    return [...this.byAccount.values()].flatMap((m) => [...m.values()].flat());
  }
}

/**
 * The nexus that counts under these rules (findings.md §5): for a territorial rule (mining), only when the usage test
 * holds, since the compute must run in J; otherwise any test. Empty when there is none.
 */
export function nexusUnder(rules: readonly Rule[], tests: NexusTest[]): NexusTest[] {
  if (!rules.some((r) => r.territorial)) return tests;
  return tests.some((t) => t.test === 'usage') ? tests : [];
}

/** The substance tests that count under these rules: for a territorial rule only the usage test. */
export function substanceUnder(rules: readonly Rule[], tests: NexusTest[]): NexusTest[] {
  const territorial = rules.some((r) => r.territorial);
  return tests.filter((t) => (territorial ? t.test === 'usage' : t.kind === 'substance'));
}

/** Splits periods (any order) into runs of consecutive months. */
export function runsOf<T extends { period: Period }>(items: T[]): T[][] {
  const sorted = [...items].sort((a, b) => collate(a.period, b.period));
  const runs: T[][] = [];
  for (const item of sorted) {
    const run = runs[runs.length - 1];
    const last = run?.[run.length - 1];
    if (run && last && (addMonths(last.period, 1) === item.period || last.period === item.period))
      run.push(item);
    else runs.push([item]);
  }
  return runs;
}
