import { z } from 'zod';
import type { Evidence } from '../../../contract/finding.ts';
import { type ProhibitedPeriod, runsOf } from '../../verdicts.ts';
import { defineRule, raise, uniqueEvidence } from '../context.ts';
import { howSeen, listedAsProhibited, nexusBy, rulebookEvidence, verdictRuns } from '../wording.ts';

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
        const { accountId: account, jurisdiction: j, activity } = first;
        const confirmed = run.filter((p) => p.strength === 'confirmed');
        const rules = uniqueRules(run);
        const sightings = run.flatMap((p) => p.sightings);
        const tests = run.flatMap((p) => p.nexus);
        const span = first.period === last.period ? first.period : `${first.period}…${last.period}`;
        const why = confirmed.length
          ? `High: the activity is confirmed (${howSeen(confirmed.flatMap((p) => p.sightings.filter((s) => s.strength === 'confirmed')))}).`
          : 'Medium: the activity is only indicated, not confirmed.';
        const evidence: Evidence[] = [
          ...sightings.map((s) => s.evidence),
          ...ctx.names.of(account),
          ...rulebookEvidence(rules),
          ...first.nexus.map((n) => n.evidence),
          ...last.nexus.map((n) => n.evidence),
          ctx.nexus.usageIn(account, first.period, j).evidence,
          ctx.nexus.usageIn(account, last.period, j).evidence,
          ...verdictRuns(run),
        ];
        return raise({
          code: 'prohibited-activity',
          severity: confirmed.length ? 'high' : 'medium',
          account_id: account,
          jurisdiction: j,
          activity,
          period_from: first.period,
          period_to: last.period,
          revenue: ctx.revenue.of(
            account,
            run.map((p) => p.period),
          ),
          summary: `Account ${account} has ${activity} ${howSeen(sightings)}, with ${nexusBy(j, tests)}, in ${span} (${run.length} period(s)), ${listedAsProhibited(j, rules)}. ${why}`,
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
