import { type Finding, SEVERITIES } from '../contract/finding.ts';
import type { Cents } from '../contract/money.ts';
import { collate } from '../util/collate.ts';
import { activitySettings, activitySightings } from './activities/evidence.ts';
import { NameIndicators } from './activities/names.ts';
import type { Recogniser } from './activities/recognise.ts';
import { Crediting, type RevenueCell } from './crediting.ts';
import type { Facts } from './facts.ts';
import { AccountRevenue, type AuditContext, type Raised } from './findings/context.ts';
import { FINDING_CODES, runOrder } from './findings/registry.ts';
import { reportedRevenueGap, toleranceOf } from './findings/reported-revenue-gap/rule.ts';
import { bookedToSubstance, type RevenueFlow } from './flows.ts';
import { Nexus, nexusSettings } from './nexus.ts';
import { type ReconciliationRow, reconcile } from './reconciliation.ts';
import type { Rulebook } from './rulebook/rulebook.ts';
import { type SegmentCell, segmentRevenue } from './segments.ts';
import { parseSettings, type Settings, settingsFor } from './settings.ts';
import { Verdicts } from './verdicts.ts';
import { World } from './world.ts';

export interface AuditResult {
  findings: Finding[];
  revenue: RevenueCell[];
  /** Revenue from booked region to HQ country (the report's Sankey). */
  flows: RevenueFlow[];
  /** Net revenue of the distinct account-periods the findings cover (findings.md §6: never a sum over findings). */
  distinctAtStake: Cents;
  segments: SegmentCell[];
  reconciliation: ReconciliationRow[];
  settings: Settings;
  rulebook: Rulebook;
  context: AuditContext;
}

/** The rules an audit judges by, read at the edge and handed in. */
export interface AuditRules {
  rulebook: Rulebook;
  recogniser: Recogniser;
}

export interface AuditOptions {
  settings?: Settings;
  /**
   * Findings only: no revenue by region, flows, segments or reconciliation (a decision audits one account twice
   * and reads its findings alone). The findings are the same; a finding that compares reported figures has none
   * to compare without them.
   */
  findingsOnly?: boolean;
  onStep?: (step: string) => void;
}

/** The engine: facts and rules in, findings out. */
export function audit(facts: Facts, rules: AuditRules, options: AuditOptions = {}): AuditResult {
  const step = options.onStep ?? (() => {});
  const { rulebook, recogniser } = rules;
  const settings = options.settings ?? parseSettings();

  if (options.findingsOnly && facts.tables.reported_revenue.length > 0)
    throw new Error(
      'an audit of findings only compares no reported revenue: leave reported_revenue out of its facts',
    );
  step('indexing facts');
  const world = new World(facts);
  const crediting = new Crediting(world);
  step('crediting revenue');
  const flows = bookedToSubstance(world, crediting);
  const revenue = options.findingsOnly ? [] : crediting.revenue(flows.add);
  const figures = new Map<string, Cents>(
    revenue.map((c) => [`${c.basis}\u0000${c.period}\u0000${c.region}`, c.amount]),
  );

  step('recognising activities and nexus');
  const nexus = new Nexus(world, nexusSettings.parse(settings));
  const sightings = activitySightings(world, recogniser, activitySettings.parse(settings));
  const verdicts = new Verdicts(world, rulebook, nexus, sightings);

  const context: AuditContext = {
    world,
    rulebook,
    recogniser,
    nexus,
    crediting,
    sightings,
    verdicts,
    revenue: new AccountRevenue(world),
    names: new NameIndicators(world, rulebook),
    figure: (basis, period, region) => figures.get(`${basis}\u0000${period}\u0000${region}`) ?? 0n,
    raised: () => [],
  };
  const raised = new Map<string, Raised[]>();
  for (const rule of runOrder()) {
    step(`finding ${rule.code}`);
    const used = settingsFor(rule, settings, rulebook.version);
    const needs: readonly string[] = ('needs' in rule ? rule.needs : undefined) ?? [];
    const own: AuditContext = {
      ...context,
      raised: (code) => {
        if (!needs.includes(code))
          throw new Error(`${rule.code} reads ${code} without declaring it in needs`);
        return raised.get(code)!;
      },
    };
    const out = (rule.detect as (ctx: AuditContext, s: unknown) => Raised[])(
      own,
      rule.settings.parse(settings),
    );
    for (const r of out) r.finding.settings = used;
    raised.set(rule.code, out);
  }

  step('segments');
  const segments = options.findingsOnly ? [] : segmentRevenue(world, verdicts);
  step('reconciliation');
  const reconciliation = options.findingsOnly
    ? []
    : reconcile(
        context.figure,
        world.facts.tables.reported_revenue,
        toleranceOf(reportedRevenueGap.settings.parse(settings)),
      );
  step('sorting findings');
  const findings = sortFindings([...raised.values()].flat().map((r) => r.finding));
  return {
    findings,
    revenue,
    flows: flows.flows(),
    distinctAtStake: context.revenue.distinct([...raised.values()].flat().flatMap((r) => r.stake)),
    segments,
    reconciliation,
    settings,
    rulebook,
    context,
  };
}

export function sortFindings(findings: Finding[]): Finding[] {
  const code = (f: Finding) => (FINDING_CODES as readonly string[]).indexOf(f.code);
  const severity = (f: Finding) => -SEVERITIES.indexOf(f.severity);
  return [...findings].sort(
    (a, b) =>
      code(a) - code(b) ||
      severity(a) - severity(b) ||
      collate(a.account_id ?? a.staff_id ?? '', b.account_id ?? b.staff_id ?? '') ||
      collate(a.period_from, b.period_from) ||
      collate(a.id, b.id),
  );
}
