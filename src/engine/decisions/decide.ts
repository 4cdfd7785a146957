import type { DecisionKind, Proposal, Reason } from '../../contract/decision.ts';
import { SEVERITIES, type Severity } from '../../contract/finding.ts';
import { type AuditRules, audit } from '../audit.ts';
import type { Facts } from '../facts.ts';
import type { Settings } from '../settings.ts';
import { factsOfAccount } from './facts-of-account.ts';
import { onshoreTransferReason } from './onshore-transfer.ts';

/** The account's facts with the proposed change in them, as the row it would become. */
export function withProposal(facts: Facts, p: Proposal): Facts {
  const t = { ...facts.tables };
  if (p.kind === 'address-change')
    t.billing_addresses = [
      ...t.billing_addresses.filter((r) => !(r.account_id === p.account_id && r.valid_from === p.at)),
      {
        account_id: p.account_id,
        valid_from: p.at,
        country: p.address.country,
        city: p.address.city ?? null,
        postal_code: p.address.postal_code ?? null,
        line1: p.address.line1 ?? null,
        changed_by: p.by,
        reason: 'proposed',
      },
    ];
  else if (p.kind === 'transfer')
    t.ownership = [
      ...t.ownership.filter((r) => !(r.account_id === p.account_id && r.valid_from === p.at)),
      {
        account_id: p.account_id,
        valid_from: p.at,
        team_id: p.to_team_id,
        owner_staff_id: p.to_owner_staff_id,
        changed_by: p.by,
        reason: 'proposed',
      },
    ];
  else
    t.deals = [
      ...t.deals.filter((d) => d.deal_id !== p.deal.deal_id),
      {
        deal_id: p.deal.deal_id,
        account_id: p.account_id,
        agent_id: p.deal.agent_id ?? null,
        discount_pct: p.deal.discount_pct,
        valid_from: p.at,
        valid_to: p.deal.valid_to ?? null,
        approved_by: p.by,
        reason: 'proposed',
      },
    ];
  return { ...facts, tables: t, asOf: facts.asOf > p.at ? facts.asOf : p.at };
}

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/** The proposal names an account the facts do not have. */
export class UnknownAccount extends Error {
  override name = 'UnknownAccount';
}

/**
 * A decision before the fact: the account's facts are audited as they are and with the change in them, and every
 * finding the change would raise (or raise to a higher severity) is a reason, with the evidence and summary that
 * finding would carry. A reason at `deny_at` or above denies, at `review_at` or above sends to review.
 * With `knownBefore`, only what was known before that day counts (a replay of history).
 */
export function decide(
  facts: Facts,
  rules: AuditRules,
  proposal: Proposal,
  settings: Settings,
  knownBefore?: string,
): { decision: DecisionKind; reasons: Reason[] } {
  const own = factsOfAccount(facts, proposal.account_id, knownBefore);
  if (own.tables.accounts.length === 0)
    throw new UnknownAccount(`no account ${proposal.account_id} in the facts`);
  const as = { ...own, asOf: proposal.at > own.asOf ? proposal.at : own.asOf };
  const audited = audit(as, rules, { settings, findingsOnly: true });
  const before = new Map(audited.findings.map((f) => [f.id, f]));
  const after = audit(withProposal(as, proposal), rules, { settings, findingsOnly: true }).findings;
  const reasons: Reason[] = after
    .filter((f) => {
      const was = before.get(f.id);
      return f.severity !== 'low' && (!was || rank(f.severity) > rank(was.severity));
    })
    .map((f) => ({
      code: f.code,
      severity: f.severity as 'medium' | 'high',
      text: f.summary,
      evidence: f.evidence,
      rule: `${f.code} (${Object.entries(f.settings)
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(', ')})`,
    }));
  if (proposal.kind === 'transfer' && !reasons.some((r) => r.code === 'offshore-contract-onshore-work')) {
    const onshore = onshoreTransferReason(audited, proposal, Number(settings.transfer_lookback_days));
    if (onshore) reasons.push(onshore);
  }
  const worst = reasons.reduce((w, r) => Math.max(w, rank(r.severity)), -1);
  const kind: DecisionKind =
    worst >= rank(settings.decision_deny_at)
      ? 'deny'
      : worst >= rank(settings.decision_review_at)
        ? 'review'
        : 'allow';
  return { decision: kind, reasons };
}
