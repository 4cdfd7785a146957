import { z } from 'zod';
import { addDays, addMonths, periodEnd, periodOf, periodStart } from '../../../contract/dates.ts';
import { rowKey } from '../../../contract/finding.ts';
import { nexusUnder, type ProhibitedPeriod } from '../../verdicts.ts';
import { defineRule, raise, uniqueEvidence } from '../context.ts';
import { howSeen, listedAsProhibited, nexusBy, verdictRuns } from '../wording.ts';

const settings = z.object({ transfer_lookback_days: z.number().int().positive().default(180) });

/**
 * findings.md §6: an account with recent prohibited-activity periods under J moves to a team of an entity in
 * another country while it keeps nexus with J. "In the 180 days up to the change" means a period that overlaps
 * the days from the change date minus 180 to the change date.
 */
export const transferAfterRisk = defineRule({
  code: 'transfer-after-risk',
  settings,
  uses: ['activities', 'nexus'],
  detect(ctx, s) {
    const { world } = ctx;
    const out = [];
    for (const [accountId, timeline] of world.ownership) {
      const periods = ctx.verdicts.byAccount.get(accountId);
      if (!periods) continue;
      for (const { before, after } of timeline.changes()) {
        const fromCountry = world.entityCountryOfTeam(before.team_id);
        const toCountry = world.entityCountryOfTeam(after.team_id);
        if (!fromCountry || !toCountry || fromCountry === toCountry) continue;
        const date = after.valid_from;
        const windowStart = addDays(date, -s.transfer_lookback_days);
        const recent: ProhibitedPeriod[] = [...periods.values()]
          .flat()
          .filter((p) => periodStart(p.period) <= date && periodEnd(p.period) >= windowStart);
        const nextPeriod = addMonths(periodOf(date), 1);
        for (const jurisdiction of [...new Set(recent.map((p) => p.jurisdiction))].sort()) {
          const underJ = recent.filter((p) => p.jurisdiction === jurisdiction);
          const rules = [...new Map(underJ.flatMap((p) => p.rules).map((r) => [r.id, r])).values()];
          // Nexus continues for one of the activities: for mining only by the usage test (the compute still runs in J).
          const tests = ctx.nexus.tests(accountId, nextPeriod, jurisdiction);
          const kept = underJ.map((p) => nexusUnder(p.rules, tests)).find((t) => t.length > 0);
          if (!kept) continue;
          const nexus = kept;
          const activities = [...new Set(underJ.map((p) => p.activity))].sort();
          const month = periodOf(date);
          out.push(
            raise({
              code: 'transfer-after-risk',
              severity: 'high',
              account_id: accountId,
              staff_id: after.changed_by,
              jurisdiction,
              activity: activities.length === 1 ? activities[0] : null,
              period_from: month,
              period_to: month,
              revenue: ctx.revenue.of(accountId, [month]),
              summary: `Account ${accountId} moved on ${date} from team ${before.team_id} (${fromCountry} entity) to team ${after.team_id} (${toCountry} entity) after periods with ${activities.join(', ')} ${howSeen(underJ.flatMap((p) => p.sightings))}, ${listedAsProhibited(jurisdiction, rules)}, and still has ${nexusBy(jurisdiction, nexus)} in ${nextPeriod}. High: the account left the jurisdiction's entity, not the jurisdiction.`,
              evidence: uniqueEvidence([
                {
                  table: 'ownership',
                  key: rowKey({ account_id: accountId, valid_from: before.valid_from }),
                  fact: `owned by team ${before.team_id}`,
                },
                {
                  table: 'ownership',
                  key: rowKey({ account_id: accountId, valid_from: after.valid_from }),
                  fact: `moved to team ${after.team_id} on ${date}${after.reason ? ` (reason: ${after.reason})` : ''}`,
                },
                {
                  table: 'teams',
                  key: rowKey({ team_id: before.team_id }),
                  fact: `entity in ${fromCountry}`,
                },
                { table: 'teams', key: rowKey({ team_id: after.team_id }), fact: `entity in ${toCountry}` },
                ...verdictRuns(underJ),
                ctx.nexus.usageIn(accountId, nextPeriod, jurisdiction).evidence,
                ...nexus.map((n) => ({
                  ...n.evidence,
                  fact: `${n.evidence.fact} (${nextPeriod}, after the change)`,
                })),
              ]),
              anchor: rowKey({ account_id: accountId, valid_from: after.valid_from }),
            }),
          );
        }
      }
    }
    return out;
  },
});
