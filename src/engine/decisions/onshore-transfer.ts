import { addDays, periodEnd } from '../../contract/dates.ts';
import type { Proposal, Reason } from '../../contract/decision.ts';
import { rowKey } from '../../contract/finding.ts';
import type { AuditResult } from '../audit.ts';
import { uniqueEvidence } from '../findings/context.ts';
import { verdictRuns } from '../findings/wording.ts';

/**
 * A transfer that would hand an account with recent prohibited-activity periods under C to someone who works in C
 * on another country's employment contract. The audit cannot see it yet (the periods after the transfer have not
 * happened); the gate judges it on the account's periods in the transfer look-back window, as the
 * `offshore-contract-onshore-work` finding would once they continue.
 */
export function onshoreTransferReason(
  before: AuditResult,
  p: Extract<Proposal, { kind: 'transfer' }>,
  lookbackDays: number,
): Reason | null {
  const { world, verdicts } = before.context;
  const position = world.positionAt(p.to_owner_staff_id, p.at);
  if (!position) return null;
  const employer = world.entities.get(position.employing_entity_id);
  if (!employer || employer.country === position.work_country) return null;
  const since = addDays(p.at, -lookbackDays);
  const recent = [...(verdicts.byAccount.get(p.account_id)?.values() ?? [])]
    .flat()
    .filter((v) => v.jurisdiction === position.work_country && periodEnd(v.period) >= since);
  if (recent.length === 0) return null;
  const last = recent.reduce((l, v) => (v.period > l ? v.period : l), recent[0]!.period);
  return {
    code: 'offshore-contract-onshore-work',
    severity: 'high',
    text: `${position.staff_id} works in ${position.work_country}${position.work_city ? ` (${position.work_city})` : ''} on an employment contract with ${employer.entity_id} (${employer.name}, ${employer.country}); account ${p.account_id} had prohibited-activity periods under ${position.work_country} up to ${last}. High: the transfer would put work that carries the risk onshore under an offshore contract.`,
    evidence: uniqueEvidence([
      {
        table: 'staff',
        key: rowKey({ staff_id: position.staff_id, valid_from: position.valid_from }),
        fact: `employed by ${employer.entity_id} (${employer.country}), works in ${position.work_country} on ${p.at}`,
      },
      {
        table: 'entities',
        key: rowKey({ entity_id: employer.entity_id }),
        fact: `${employer.name}, incorporated in ${employer.country}`,
      },
      ...verdictRuns(recent),
    ]),
    rule: `offshore-contract-onshore-work (projected: the account's prohibited-activity periods in the ${lookbackDays} days up to the transfer continue under the new owner)`,
  };
}
