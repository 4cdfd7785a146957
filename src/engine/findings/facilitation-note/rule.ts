import { z } from 'zod';
import { periodEnd } from '../../../contract/dates.ts';
import { rowKey } from '../../../contract/finding.ts';
import { monthOfTimestamp } from '../../facts.ts';
import { defineRule, raise, uniqueEvidence } from '../context.ts';

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
      const text = [crm.subject, crm.body].filter(Boolean).join('\n');
      const offers = ctx.recogniser.facilitations(text);
      if (offers.length === 0) continue;
      const month = monthOfTimestamp(crm.occurred_at);
      const end = periodEnd(month);
      for (const { activity, words } of offers)
        for (const jurisdiction of jurisdictions) {
          const rules = ctx.rulebook.prohibiting(jurisdiction, activity, end);
          if (rules.length === 0) continue;
          const nexus = ctx.nexus.tests(crm.account_id, month, jurisdiction);
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
              summary: `${crm.staff_id} offered or arranged help toward ${activity} ("${words.trim()}") for account ${crm.account_id}, which has nexus with ${jurisdiction}, where ${activity} is prohibited.`,
              evidence: uniqueEvidence([
                {
                  table: 'activities',
                  key: rowKey({ activity_id: crm.activity_id }),
                  fact: `${crm.type} on ${crm.occurred_at} by ${crm.staff_id}: "${words.trim()}"`,
                },
                ...rules.map((r) => ({
                  table: 'rulebook',
                  key: r.id,
                  fact: `prohibits ${activity} in ${jurisdiction} on ${end}`,
                })),
                ...nexus.map((n) => n.evidence),
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
