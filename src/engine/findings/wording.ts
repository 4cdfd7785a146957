import type { Evidence } from '../../contract/finding.ts';
import { type ActivitySighting, SOURCE_WORDING } from '../activities/evidence.ts';
import type { NexusTest } from '../nexus.ts';
import type { Rule } from '../rulebook/rulebook.ts';
import { type ProhibitedPeriod, runsOf } from '../verdicts.ts';

/** How findings word what their evidence says (findings.md §3a): never more than it shows. */

/** The instrument as a reader finds it: its number, or its English title. */
export const instrumentLabel = (r: Rule) => r.instrumentInfo.number ?? r.instrumentInfo.title_en;

/** "which the rulebook lists as prohibited in CN under 银发〔2021〕237号" */
export function listedAsProhibited(jurisdiction: string, rules: readonly Rule[]): string {
  const labels = [...new Set(rules.map(instrumentLabel))];
  return `which the rulebook lists as prohibited in ${jurisdiction} under ${labels.join(' and ')}`;
}

/** "declared in its industry and indicated by a CRM note" */
export function howSeen(sightings: ActivitySighting[]): string {
  const order: ActivitySighting['source'][] = ['declared', 'telemetry', 'crm', 'broad-industry'];
  const present = new Set(sightings.map((s) => s.source));
  return order
    .filter((s) => present.has(s))
    .map((s) => SOURCE_WORDING[s])
    .join(' and ');
}

/** "nexus with CN by hq, payment" */
export const nexusBy = (jurisdiction: string, tests: NexusTest[]) =>
  `nexus with ${jurisdiction} by ${[...new Set(tests.map((t) => t.test))].join(', ')}`;

export function rulebookEvidence(rules: readonly Rule[]): Evidence[] {
  return rules.map((r) => ({
    table: 'rulebook',
    key: r.id,
    fact: `${instrumentLabel(r)} (${r.instrumentInfo.title}) prohibits ${r.activity} in ${r.jurisdiction} from ${r.from}${r.to ? ` until ${r.to} (exclusive)` : ''}${r.territorial ? ', where it is carried out there' : ''}`,
  }));
}

/**
 * Prohibited-activity periods as evidence: consecutive periods with the same activity, strength, rules and tests are
 * one row (`period=2021-10…2022-06`), not one row each.
 */
export function verdictRuns(periods: ProhibitedPeriod[]): Evidence[] {
  const byKind = new Map<string, ProhibitedPeriod[]>();
  for (const p of periods) {
    const kind = [
      p.accountId,
      p.jurisdiction,
      p.activity,
      p.strength,
      p.rules.map((r) => r.id).join(','),
      p.nexus.map((n) => n.test).join(','),
    ].join('\u0000');
    byKind.set(kind, [...(byKind.get(kind) ?? []), p]);
  }
  return [...byKind.values()]
    .flatMap((list) => runsOf(list))
    .sort((a, b) => a[0]!.period.localeCompare(b[0]!.period))
    .map((run) => {
      const p = run[0]!;
      const to = run[run.length - 1]!.period;
      const span = to === p.period ? p.period : `${p.period}…${to}`;
      return {
        table: 'derived:verdict',
        key: `account_id=${p.accountId}, period=${span}, jurisdiction=${p.jurisdiction}, activity=${p.activity}`,
        fact: `prohibited-activity period(s) (${p.strength}; rules ${p.rules.map((r) => r.id).join(', ')}; nexus ${p.nexus.map((n) => n.test).join(', ')})`,
      };
    });
}
