import { z } from 'zod';
import type { Evidence } from '../../../contract/finding.ts';
import { type ProhibitedPeriod, runsOf } from '../../verdicts.ts';
import { defineRule, raise, uniqueEvidence } from '../context.ts';

/** findings.md §5: runs of periods in which an account performs an activity prohibited where it has nexus. */
export const prohibitedActivity = defineRule({
  code: 'prohibited-activity',
  settings: z.object({}),
  uses: ['activities', 'nexus'],
  detect(ctx) {
    const groups = new Map<string, ProhibitedPeriod[]>();
    for (const p of ctx.verdicts.all()) {
      const key = `${p.accountId}\u0000${p.jurisdiction}\u0000${p.activity}`;
      const list = groups.get(key) ?? [];
      list.push(p);
      groups.set(key, list);
    }
    return [...groups.values()].flatMap((periods) =>
      runsOf(periods).map((run) => {
        const first = run[0]!;
        const last = run[run.length - 1]!;
        const confirmed = run.some((p) => p.strength === 'confirmed');
        const rules = uniqueRules(run);
        const evidence: Evidence[] = [
          ...run.flatMap((p) => p.sightings.map((s) => s.evidence)),
          ...rules.map((r) => ({
            table: 'rulebook',
            key: r.id,
            fact: `${r.instrumentInfo.number ?? r.instrumentInfo.title_en} (${r.instrumentInfo.title}) prohibits ${r.activity} in ${r.jurisdiction} from ${r.from}${r.to ? ` until ${r.to}` : ''}`,
          })),
          ...first.nexus.map((n) => n.evidence),
          ...last.nexus.map((n) => n.evidence),
          {
            table: 'derived:verdict',
            key: `account_id=${first.accountId}, jurisdiction=${first.jurisdiction}, activity=${first.activity}`,
            fact: `${run.length} consecutive period(s) ${first.period}…${last.period}; strength ${confirmed ? 'confirmed' : 'indicated'}`,
          },
        ];
        return raise({
          code: 'prohibited-activity',
          severity: confirmed ? 'high' : 'medium',
          account_id: first.accountId,
          jurisdiction: first.jurisdiction,
          activity: first.activity,
          period_from: first.period,
          period_to: last.period,
          revenue: ctx.revenue.of(
            first.accountId,
            run.map((p) => p.period),
          ),
          summary: `Account ${first.accountId} performs ${first.activity} (${confirmed ? 'confirmed' : 'indicated'}) with nexus to ${first.jurisdiction}, where it is prohibited, from ${first.period} to ${last.period}.`,
          evidence: uniqueEvidence(evidence),
          anchor: '',
        });
      }),
    );
  },
});

function uniqueRules(run: ProhibitedPeriod[]) {
  const byId = new Map(run.flatMap((p) => p.rules).map((r) => [r.id, r]));
  return [...byId.values()];
}
