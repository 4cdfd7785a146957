import { z } from 'zod';
import { type Period, periodEnd } from '../../../contract/dates.ts';
import { type Evidence, rowKey } from '../../../contract/finding.ts';
import type { ProhibitedPeriod } from '../../verdicts.ts';
import { defineRule, raise, uniqueEvidence } from '../context.ts';
import { verdictRuns } from '../wording.ts';

/**
 * findings.md §6: a person employed by an entity in one country, working in another country C, owns accounts
 * with prohibited-activity periods under C. Checked at the end of each period: the position and the ownership
 * in force then. One finding per staff member.
 */
export const offshoreContractOnshoreWork = defineRule({
  code: 'offshore-contract-onshore-work',
  settings: z.object({}),
  uses: ['activities', 'nexus'],
  detect(ctx) {
    const { world } = ctx;
    const byStaff = new Map<
      string,
      { p: ProhibitedPeriod; employer: string; city: string | null; evidence: Evidence[] }[]
    >();
    for (const p of ctx.verdicts.all()) {
      const end = periodEnd(p.period);
      const owner = world.ownerAt(p.accountId, end);
      if (!owner) continue;
      const position = world.positionAt(owner.owner_staff_id, end);
      if (!position || position.work_country !== p.jurisdiction) continue;
      const employer = world.entities.get(position.employing_entity_id);
      if (!employer || employer.country === position.work_country) continue;
      const list = byStaff.get(position.staff_id) ?? [];
      list.push({
        p,
        employer: `${employer.entity_id} (${employer.name}, ${employer.country})`,
        city: position.work_city,
        evidence: [
          {
            table: 'staff',
            key: rowKey({ staff_id: position.staff_id, valid_from: position.valid_from }),
            fact: `employed by ${employer.entity_id} (${employer.country}), works in ${position.work_country}${position.work_city ? ` (${position.work_city})` : ''}`,
          },
          {
            table: 'entities',
            key: rowKey({ entity_id: employer.entity_id }),
            fact: `${employer.name}, incorporated in ${employer.country}`,
          },
          {
            table: 'ownership',
            key: rowKey({ account_id: p.accountId, valid_from: owner.valid_from }),
            fact: `account ${p.accountId} owned by ${position.staff_id}`,
          },
        ],
      });
      byStaff.set(position.staff_id, list);
    }
    return [...byStaff].map(([staffId, items]) => {
      const periods = items.map((i) => i.p.period).sort();
      const jurisdictions = [...new Set(items.map((i) => i.p.jurisdiction))].sort();
      const accounts = [...new Set(items.map((i) => i.p.accountId))].sort();
      const accountPeriods = new Map<string, Set<Period>>();
      for (const { p } of items)
        accountPeriods.set(p.accountId, (accountPeriods.get(p.accountId) ?? new Set()).add(p.period));
      let revenue = 0n;
      for (const [account, set] of accountPeriods) revenue += ctx.revenue.of(account, set);
      const employers = [...new Set(items.map((i) => i.employer))].sort();
      const cities = [...new Set(items.flatMap((i) => (i.city ? [i.city] : [])))].sort();
      return raise({
        code: 'offshore-contract-onshore-work',
        severity: 'high',
        staff_id: staffId,
        jurisdiction: jurisdictions.length === 1 ? jurisdictions[0] : null,
        period_from: periods[0]!,
        period_to: periods[periods.length - 1]!,
        revenue,
        stake: [...accountPeriods].map(([accountId, set]) => ({ accountId, periods: [...set].sort() })),
        summary: `${staffId} works in ${jurisdictions.join(', ')}${cities.length ? ` (${cities.join(', ')})` : ''} on an employment contract with ${employers.join(', ')}, and owned ${accounts.length} account(s) with prohibited-activity periods under ${jurisdictions.join(', ')} while working there: ${accounts.join(', ')}. High: the work that carries the risk is done onshore under an offshore contract.`,
        evidence: uniqueEvidence([
          ...items.flatMap((i) => i.evidence),
          ...verdictRuns(items.map((i) => i.p)),
          ...accounts.map(
            (a) => ctx.nexus.usageIn(a, periods[periods.length - 1]!, jurisdictions[0]!).evidence,
          ),
        ]),
        anchor: '',
      });
    });
  },
});
