import type { z } from 'zod';
import { FINDING_CODES, type Finding, SEVERITIES } from '../contract/finding.ts';
import type { Cents } from '../contract/money.ts';
import { activitySettings, activitySightings } from './activities/evidence.ts';
import type { Recogniser } from './activities/recognise.ts';
import { Crediting, type RevenueCell } from './crediting.ts';
import type { Facts } from './facts.ts';
import { AccountRevenue, type AuditContext } from './findings/context.ts';
import { FINDING_RULES } from './findings/registry.ts';
import {
  type ReconciliationRow,
  reconcile,
  reportedRevenueGap,
} from './findings/reported-revenue-gap/rule.ts';
import { Nexus, nexusSettings } from './nexus.ts';
import type { Rulebook } from './rulebook/rulebook.ts';
import { type SegmentCell, segmentRevenue } from './segments.ts';
import { parseSettings, type Settings, settingsFor } from './settings.ts';
import { Verdicts } from './verdicts.ts';
import { World } from './world.ts';

export interface AuditResult {
  findings: Finding[];
  revenue: RevenueCell[];
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
  onStep?: (step: string) => void;
}

/** The engine: facts and rules in, findings out. */
export function audit(facts: Facts, rules: AuditRules, options: AuditOptions = {}): AuditResult {
  const step = options.onStep ?? (() => {});
  const { rulebook, recogniser } = rules;
  const settings = options.settings ?? parseSettings();

  step('indexing facts');
  const world = new World(facts);
  const crediting = new Crediting(world);
  step('crediting revenue');
  const revenue = crediting.revenue();
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
    figure: (basis, period, region) => figures.get(`${basis}\u0000${period}\u0000${region}`) ?? 0n,
    earlier: [],
  };
  for (const rule of FINDING_RULES) {
    step(`finding ${rule.code}`);
    const used = settingsFor(rule, settings, rulebook.version);
    for (const f of rule.detect(context, rule.settings.parse(settings))) {
      f.settings = used;
      context.earlier.push(f);
    }
  }

  step('segments');
  const segments = segmentRevenue(world, verdicts);
  step('reconciliation');
  const reconciliation = reconcile(
    context,
    reportedRevenueGap.settings.parse(settings) as z.infer<typeof reportedRevenueGap.settings>,
  );
  step('sorting findings');
  const findings = sortFindings(context.earlier);
  return {
    findings,
    revenue,
    segments,
    reconciliation,
    settings,
    rulebook,
    context,
  };
}

export function sortFindings(findings: Finding[]): Finding[] {
  const code = (f: Finding) => FINDING_CODES.indexOf(f.code);
  const severity = (f: Finding) => -SEVERITIES.indexOf(f.severity);
  return [...findings].sort(
    (a, b) =>
      code(a) - code(b) ||
      severity(a) - severity(b) ||
      (a.account_id ?? a.staff_id ?? '').localeCompare(b.account_id ?? b.staff_id ?? '') ||
      a.period_from.localeCompare(b.period_from) ||
      a.id.localeCompare(b.id),
  );
}
