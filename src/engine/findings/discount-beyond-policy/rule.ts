import { z } from 'zod';
import { percentSetting } from '../../../contract/columns.ts';
import { daysBetween, periodOf } from '../../../contract/dates.ts';
import { formatDecimal, parseDecimal } from '../../../contract/decimal.ts';
import { type Evidence, rowKey } from '../../../contract/finding.ts';
import { groupBy } from '../../../util/maps.ts';
import { defineRule, raise } from '../context.ts';

const settings = z.object({
  discount_max_pct: percentSetting.default(20),
  address_change_window_days: z.number().int().nonnegative().default(90),
});

/**
 * findings.md §6: a deal's discount exceeds policy. High when it goes through an agent and the account has a
 * prohibited-activity finding (at any time) or a self-credited address change within 90 days of the deal's start.
 */
export const discountBeyondPolicy = defineRule({
  code: 'discount-beyond-policy',
  settings,
  needs: ['prohibited-activity', 'self-credited-address-change'],
  detect(ctx, s) {
    const max = parseDecimal(s.discount_max_pct);
    const prohibited = new Map(ctx.raised('prohibited-activity').map(({ finding: f }) => [f.account_id, f]));
    const selfCredited = groupBy(
      ctx.raised('self-credited-address-change'),
      (r) => r.finding.account_id ?? '',
    );
    return ctx.world.facts.tables.deals
      .filter((d) => d.discount_pct > max)
      .map((deal) => {
        const evidence: Evidence[] = [
          {
            table: 'deals',
            key: rowKey({ deal_id: deal.deal_id }),
            fact: `discount ${formatDecimal(deal.discount_pct)}% > ${formatDecimal(max)}% from ${deal.valid_from}, approved by ${deal.approved_by}${deal.agent_id ? `, through agent ${deal.agent_id}` : ', direct'}`,
          },
        ];
        let aggravated = false;
        const reasons: string[] = [];
        if (deal.agent_id) {
          const pa = prohibited.get(deal.account_id);
          if (pa) {
            aggravated = true;
            reasons.push(`account has a prohibited-activity finding (${pa.jurisdiction}, ${pa.activity})`);
            evidence.push({
              table: 'derived:finding',
              key: pa.id,
              fact: `account has a prohibited-activity finding (${pa.jurisdiction}, ${pa.activity})`,
            });
          }
          for (const { finding: f, eventDate: changeDate } of selfCredited.get(deal.account_id) ?? []) {
            if (!changeDate) continue;
            if (Math.abs(daysBetween(deal.valid_from, changeDate)) > s.address_change_window_days) continue;
            aggravated = true;
            reasons.push(`self-credited address change on ${changeDate}`);
            evidence.push({
              table: 'derived:finding',
              key: f.id,
              fact: `self-credited address change on ${changeDate}`,
            });
          }
        }
        const month = periodOf(deal.valid_from);
        return raise({
          code: 'discount-beyond-policy',
          severity: aggravated ? 'high' : 'medium',
          account_id: deal.account_id,
          staff_id: deal.approved_by,
          period_from: month,
          period_to: month,
          revenue: ctx.revenue.of(deal.account_id, [month]),
          summary: `Deal ${deal.deal_id} gives account ${deal.account_id} a ${formatDecimal(deal.discount_pct)}% discount, beyond the ${formatDecimal(max)}% policy${deal.agent_id ? `, through agent ${deal.agent_id}` : ''}. ${aggravated ? `High: through an agent, and the ${reasons.join(' and the ')}.` : deal.agent_id ? 'Medium: through an agent, but the account has no prohibited-activity finding or self-credited address change near the deal.' : 'Medium: a direct deal.'}`,
          evidence,
          anchor: rowKey({ deal_id: deal.deal_id }),
        });
      });
  },
});
