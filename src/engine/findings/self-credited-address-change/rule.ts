import { z } from 'zod';
import { percentSetting } from '../../../contract/columns.ts';
import { addMonths, daysBetween, periodOf } from '../../../contract/dates.ts';
import { formatDecimal, parseDecimal } from '../../../contract/decimal.ts';
import { type Evidence, rowKey } from '../../../contract/finding.ts';
import { defineRule, raise } from '../context.ts';

const settings = z.object({
  discount_aggravating_pct: percentSetting.default(20),
  deal_window_days: z.number().int().nonnegative().default(90),
  stake_periods: z.number().int().positive().default(12),
});

/**
 * findings.md §6: a staff member changes a billing address so that the account's billing-postal region moves
 * into their own team's region. Both addresses are looked up against the territories valid on the change date.
 */
export const selfCreditedAddressChange = defineRule({
  code: 'self-credited-address-change',
  settings,
  detect(ctx, s) {
    const { world } = ctx;
    const aggravating = parseDecimal(s.discount_aggravating_pct);
    const out = [];
    for (const [accountId, timeline] of world.billing) {
      for (const { before, after } of timeline.changes()) {
        if (!after.changed_by) continue;
        const date = after.valid_from;
        const { position, team } = world.teamOfStaff(after.changed_by, date);
        if (!position || !team) continue;
        const from = world.territoryFor(before.country, before.postal_code, date)?.region_id ?? 'UNMAPPED';
        const to = world.territoryFor(after.country, after.postal_code, date)?.region_id ?? 'UNMAPPED';
        if (world.regions.gains(team.sales_region, from) || !world.regions.gains(team.sales_region, to))
          continue;

        const deals = (world.dealsByAccount.get(accountId) ?? []).filter(
          (d) =>
            Math.abs(daysBetween(date, d.valid_from)) <= s.deal_window_days &&
            (d.discount_pct >= aggravating || d.agent_id !== null),
        );
        const month = periodOf(date);
        const periods = Array.from({ length: s.stake_periods }, (_, i) => addMonths(month, i));
        const evidence: Evidence[] = [
          {
            table: 'billing_addresses',
            key: rowKey({ account_id: accountId, valid_from: before.valid_from }),
            fact: `previous address ${before.country} ${before.postal_code ?? ''} → region ${from}`,
          },
          {
            table: 'billing_addresses',
            key: rowKey({ account_id: accountId, valid_from: after.valid_from }),
            fact: `changed by ${after.changed_by} on ${date} to ${after.country} ${after.postal_code ?? ''} → region ${to}${after.reason ? ` (reason: ${after.reason})` : ''}`,
          },
          {
            table: 'staff',
            key: rowKey({ staff_id: position.staff_id, valid_from: position.valid_from }),
            fact: `${position.staff_id} in team ${team.team_id} on ${date}`,
          },
          {
            table: 'teams',
            key: rowKey({ team_id: team.team_id }),
            fact: `sales_region ${team.sales_region} gains ${to}, not ${from}`,
          },
          ...deals.map((d) => ({
            table: 'deals',
            key: rowKey({ deal_id: d.deal_id }),
            fact: `deal from ${d.valid_from}, discount ${formatDecimal(d.discount_pct)}%${d.agent_id ? `, through agent ${d.agent_id}` : ''}, ${daysBetween(date, d.valid_from)} days from the change`,
          })),
        ];
        out.push(
          raise({
            code: 'self-credited-address-change',
            severity: deals.length > 0 ? 'high' : 'medium',
            account_id: accountId,
            staff_id: after.changed_by,
            period_from: month,
            period_to: month,
            revenue: ctx.revenue.of(accountId, periods),
            stake: [{ accountId, periods }],
            summary: `${after.changed_by} moved account ${accountId}'s billing address on ${date}, moving its billing-postal region from ${from} into their own team's region ${team.sales_region} (${to}). ${deals.length > 0 ? `High: ${deals.map((d) => `deal ${d.deal_id} (${formatDecimal(d.discount_pct)}%${d.agent_id ? `, agent ${d.agent_id}` : ''})`).join(', ')} starts within ${s.deal_window_days} days of the change.` : `Medium: no deal of ${formatDecimal(aggravating)}% or more, or through an agent, starts within ${s.deal_window_days} days of the change.`}`,
            evidence,
            anchor: rowKey({ account_id: accountId, valid_from: after.valid_from }),
            eventDate: date,
          }),
        );
      }
    }
    return out;
  },
});
