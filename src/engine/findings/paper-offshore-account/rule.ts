import { z } from 'zod';
import { periodEnd } from '../../../contract/dates.ts';
import { rowKey } from '../../../contract/finding.ts';
import { type ProhibitedPeriod, runsOf, verdictEvidence } from '../../verdicts.ts';
import { defineRule, raise, uniqueEvidence } from '../context.ts';

/**
 * findings.md §6: in a prohibited-activity period under J the billing address is outside J while a substance
 * test holds for J. Consecutive periods of the same account and J make one finding.
 */
export const paperOffshoreAccount = defineRule({
  code: 'paper-offshore-account',
  settings: z.object({}),
  uses: ['activities', 'nexus'],
  detect(ctx) {
    const groups = new Map<string, ProhibitedPeriod[]>();
    for (const p of ctx.verdicts.all()) {
      const billing = ctx.world.billingAt(p.accountId, periodEnd(p.period));
      if (!billing || billing.country === p.jurisdiction) continue;
      if (!p.nexus.some((n) => n.kind === 'substance')) continue;
      const key = `${p.accountId}\u0000${p.jurisdiction}`;
      groups.set(key, [...(groups.get(key) ?? []), p]);
    }
    return [...groups.values()].flatMap((list) =>
      runsOf(list).map((run) => {
        const first = run[0]!;
        const last = run[run.length - 1]!;
        const activities = [...new Set(run.map((p) => p.activity))].sort();
        const periods = [...new Set(run.map((p) => p.period))];
        const billing = ctx.world.billingAt(first.accountId, periodEnd(first.period))!;
        return raise({
          code: 'paper-offshore-account',
          severity: 'high',
          account_id: first.accountId,
          jurisdiction: first.jurisdiction,
          activity: activities.length === 1 ? activities[0] : null,
          period_from: first.period,
          period_to: last.period,
          revenue: ctx.revenue.of(first.accountId, periods),
          summary: `Account ${first.accountId} is billed outside ${first.jurisdiction} (${billing.country}) while it substantively operates there and performs prohibited ${activities.join(', ')}, ${first.period}…${last.period}.`,
          evidence: uniqueEvidence([
            {
              table: 'billing_addresses',
              key: rowKey({ account_id: first.accountId, valid_from: billing.valid_from }),
              fact: `billing address in ${billing.country} on ${periodEnd(first.period)}`,
            },
            ...first.nexus.filter((n) => n.kind === 'substance').map((n) => n.evidence),
            ...run.map(verdictEvidence),
          ]),
          anchor: '',
        });
      }),
    );
  },
});
