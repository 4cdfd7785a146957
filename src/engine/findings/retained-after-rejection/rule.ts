import { z } from 'zod';
import { periodEnd } from '../../../contract/dates.ts';
import { rowKey } from '../../../contract/finding.ts';

import { defineRule, raise, uniqueEvidence } from '../context.ts';
import { howSeen, listedAsProhibited, verdictRuns } from '../wording.ts';

/**
 * findings.md §6: a transfer request was rejected, the account stayed with the requesting team, and it has
 * prohibited-activity periods ending after the decision while that team still owns it.
 */
export const retainedAfterRejection = defineRule({
  code: 'retained-after-rejection',
  settings: z.object({}),
  uses: ['activities', 'nexus'],
  detect(ctx) {
    const { world } = ctx;
    const out = [];
    for (const request of world.facts.tables.transfer_requests) {
      if (request.decision !== 'rejected' || !request.decided_at) continue;
      const decided = request.decided_at;
      const stayed = world.ownerAt(request.account_id, decided);
      if (stayed?.team_id !== request.from_team_id) continue;
      const after = [...(ctx.verdicts.byAccount.get(request.account_id) ?? new Map()).values()]
        .flat()
        .filter(
          (p) =>
            periodEnd(p.period) > decided &&
            world.ownerAt(p.accountId, periodEnd(p.period))?.team_id === request.from_team_id,
        )
        .sort((a, b) => a.period.localeCompare(b.period));
      if (after.length === 0) continue;
      const periods = [...new Set(after.map((p) => p.period))];
      const jurisdictions = [...new Set(after.map((p) => p.jurisdiction))].sort();
      const activities = [...new Set(after.map((p) => p.activity))].sort();
      out.push(
        raise({
          code: 'retained-after-rejection',
          severity: 'high',
          account_id: request.account_id,
          staff_id: request.requested_by,
          jurisdiction: jurisdictions.length === 1 ? jurisdictions[0] : null,
          activity: activities.length === 1 ? activities[0] : null,
          period_from: periods[0]!,
          period_to: periods[periods.length - 1]!,
          revenue: ctx.revenue.of(request.account_id, periods),
          stake: [{ accountId: request.account_id, periods }],
          summary: `Transfer ${request.request_id} of account ${request.account_id} from ${request.from_team_id} to ${request.to_team_id} was rejected on ${decided}; the account stayed with ${request.from_team_id} and in ${periods.length} period(s) after it has ${activities.join(', ')} ${howSeen(after.flatMap((p) => p.sightings))}, ${listedAsProhibited(jurisdictions.join(', '), [...new Map(after.flatMap((p) => p.rules).map((r) => [r.id, r])).values()])}. High: the team that asked to hand the account on kept it and its prohibited business.`,
          evidence: uniqueEvidence([
            {
              table: 'transfer_requests',
              key: rowKey({ request_id: request.request_id }),
              fact: `rejected on ${decided}${request.decided_by ? ` by ${request.decided_by}` : ''}${request.reason ? ` (reason: ${request.reason})` : ''}`,
            },
            {
              table: 'ownership',
              key: rowKey({ account_id: request.account_id, valid_from: stayed.valid_from }),
              fact: `still owned by team ${request.from_team_id} on ${decided}`,
            },
            ...verdictRuns(after),
            ctx.nexus.usageIn(request.account_id, periods[0]!, jurisdictions[0]!).evidence,
          ]),
          anchor: rowKey({ request_id: request.request_id }),
        }),
      );
    }
    return out;
  },
});
