import { z } from 'zod';
import { type Period, periodEnd } from '../../../contract/dates.ts';
import { type Evidence, rowKey } from '../../../contract/finding.ts';
import { type ProhibitedPeriod, runsOf, substanceUnder } from '../../verdicts.ts';
import { type AuditContext, defineRule, raise, uniqueEvidence } from '../context.ts';
import { howSeen, listedAsProhibited, nexusBy, verdictRuns } from '../wording.ts';

/**
 * findings.md §6: in a prohibited-activity period under J the billing address is outside J while a substance
 * test holds for J (for mining, the usage test). Consecutive periods of the same account and J make one finding.
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
      if (substanceUnder(p.rules, p.nexus).length === 0) continue;
      const key = `${p.accountId}\u0000${p.jurisdiction}`;
      groups.set(key, [...(groups.get(key) ?? []), p]);
    }
    return [...groups.values()].flatMap((list) =>
      runsOf(list).map((run) => {
        const first = run[0]!;
        const last = run[run.length - 1]!;
        const { accountId: account, jurisdiction: j } = first;
        const activities = [...new Set(run.map((p) => p.activity))].sort();
        const periods = [...new Set(run.map((p) => p.period))];
        const billing = ctx.world.billingAt(account, periodEnd(first.period))!;
        const substance = run.flatMap((p) => substanceUnder(p.rules, p.nexus));
        const rules = [...new Map(run.flatMap((p) => p.rules).map((r) => [r.id, r])).values()];
        const span = first.period === last.period ? first.period : `${first.period}…${last.period}`;
        return raise({
          code: 'paper-offshore-account',
          severity: 'high',
          account_id: account,
          jurisdiction: j,
          activity: activities.length === 1 ? activities[0] : null,
          period_from: first.period,
          period_to: last.period,
          revenue: ctx.revenue.of(account, periods),
          summary: `Account ${account} is billed outside ${j} (${billing.country}) in ${span} while it has ${nexusBy(j, substance)} (substance), and has ${activities.join(', ')} ${howSeen(run.flatMap((p) => p.sightings))}, ${listedAsProhibited(j, rules)}. High: prohibited business booked offshore while its substance is in ${j}.`,
          evidence: uniqueEvidence([
            {
              table: 'billing_addresses',
              key: rowKey({ account_id: account, valid_from: billing.valid_from }),
              fact: `billing address in ${billing.country} on ${periodEnd(first.period)}`,
            },
            ...substanceUnder(first.rules, first.nexus).map((n) => n.evidence),
            ctx.nexus.usageIn(account, first.period, j).evidence,
            ...sellerEvidence(ctx, account, periods, j),
            ...verdictRuns(run),
          ]),
          anchor: '',
        });
      }),
    );
  },
});

/**
 * Who invoiced the account in those periods, where the bundle says (invoices.seller_entity_id): a customer with
 * substance in J invoiced by an entity outside J is the strongest sign the account is offshore on paper.
 */
function sellerEvidence(ctx: AuditContext, account: string, periods: Period[], j: string): Evidence[] {
  return ctx.revenue.sellersOf(account, periods).map(({ seller, periods: ps }) => {
    const entity = ctx.world.entities.get(seller);
    const where = entity?.country ?? '?';
    const span = ps.length === 1 ? ps[0] : `${ps[0]}…${ps[ps.length - 1]}`;
    return {
      table: 'invoices',
      key: rowKey({ account_id: account, seller_entity_id: seller }),
      fact: `invoiced by ${seller}${entity ? ` (${entity.name}, ${entity.country})` : ''} in ${span}${where !== j ? `: a seller outside ${j}` : ''}`,
    };
  });
}
