import { z } from 'zod';
import { periodEnd } from '../../../contract/dates.ts';
import { rowKey } from '../../../contract/finding.ts';
import { monthOfTimestamp } from '../../facts.ts';
import { nexusUnder } from '../../verdicts.ts';
import { defineRule, raise, uniqueEvidence } from '../context.ts';
import { listedAsProhibited, nexusBy, rulebookEvidence } from '../wording.ts';

/**
 * findings.md §6: a CRM activity in which a staff member offers or arranges help toward an activity that is
 * prohibited, in that month, in a jurisdiction the account has nexus with.
 */
export const facilitationNote = defineRule({
  code: 'facilitation-note',
  settings: z.object({}),
  uses: ['nexus'],
  needs: ['prohibited-activity'],
  detect(ctx) {
    const flagged = new Set(ctx.raised('prohibited-activity').map(({ finding }) => finding.account_id));
    const jurisdictions = ctx.rulebook.jurisdictions();
    const out = [];
    for (const crm of ctx.world.facts.tables.activities) {
      const offers = ctx.recogniser.readRow(crm).facilitations;
      if (offers.length === 0) continue;
      const month = monthOfTimestamp(crm.occurred_at);
      const end = periodEnd(month);
      for (const { activity, quote } of offers)
        for (const jurisdiction of jurisdictions) {
          const rules = ctx.rulebook.prohibiting(jurisdiction, activity, end);
          if (rules.length === 0) continue;
          const nexus = nexusUnder(rules, ctx.nexus.tests(crm.account_id, month, jurisdiction));
          if (nexus.length === 0) continue;
          const aggravated = flagged.has(crm.account_id);
          out.push(
            raise({
              code: 'facilitation-note',
              severity: aggravated ? 'high' : 'medium',
              account_id: crm.account_id,
              staff_id: crm.staff_id,
              jurisdiction,
              activity,
              period_from: month,
              period_to: month,
              revenue: ctx.revenue.of(crm.account_id, [month]),
              summary: `${crm.staff_id} offered or arranged help toward ${activity} for account ${crm.account_id} in a CRM ${crm.type}: "${quote}". The account has ${nexusBy(jurisdiction, nexus)} that month, and ${activity} is an activity ${listedAsProhibited(jurisdiction, rules)}. ${aggravated ? 'High: the account also has a prohibited-activity finding.' : 'Medium: the account has no prohibited-activity finding.'}`,
              evidence: uniqueEvidence([
                {
                  table: 'activities',
                  key: rowKey({ activity_id: crm.activity_id }),
                  fact: `${crm.type} on ${crm.occurred_at} by ${crm.staff_id}: "${quote}"`,
                },
                ...rulebookEvidence(rules),
                ...nexus.map((n) => n.evidence),
                ctx.nexus.usageIn(crm.account_id, month, jurisdiction).evidence,
                ...(aggravated
                  ? [
                      {
                        table: 'derived:finding',
                        key: `prohibited-activity account_id=${crm.account_id}`,
                        fact: 'the account also has a prohibited-activity finding',
                      },
                    ]
                  : []),
              ]),
              anchor: rowKey({ activity_id: crm.activity_id }),
            }),
          );
        }
    }
    return out;
  },
});
