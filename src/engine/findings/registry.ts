import { discountBeyondPolicy } from './discount-beyond-policy/rule.ts';
import { facilitationNote } from './facilitation-note/rule.ts';
import { offshoreContractOnshoreWork } from './offshore-contract-onshore-work/rule.ts';
import { paperOffshoreAccount } from './paper-offshore-account/rule.ts';
import { prohibitedActivity } from './prohibited-activity/rule.ts';
import { reportedRevenueGap } from './reported-revenue-gap/rule.ts';
import { retainedAfterRejection } from './retained-after-rejection/rule.ts';
import { selfCreditedAddressChange } from './self-credited-address-change/rule.ts';
import { transferAfterRisk } from './transfer-after-risk/rule.ts';

/**
 * Every finding rule, in the order findings are listed (and reports show codes). The order they run in comes from
 * what each declares it needs, not from here.
 */
export const FINDING_RULES = [
  prohibitedActivity,
  selfCreditedAddressChange,
  transferAfterRisk,
  offshoreContractOnshoreWork,
  retainedAfterRejection,
  facilitationNote,
  paperOffshoreAccount,
  reportedRevenueGap,
  discountBeyondPolicy,
] as const;

export type FindingCode = (typeof FINDING_RULES)[number]['code'];
export const FINDING_CODES: readonly FindingCode[] = FINDING_RULES.map((r) => r.code);

type AnyRule = (typeof FINDING_RULES)[number];

/** The rules in an order where each runs after every rule it needs (registry order otherwise); a cycle is an error. */
export function runOrder(rules: readonly AnyRule[] = FINDING_RULES): AnyRule[] {
  const byCode = new Map(rules.map((r) => [r.code as string, r]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const order: AnyRule[] = [];
  const visit = (rule: AnyRule) => {
    if (done.has(rule.code)) return;
    if (visiting.has(rule.code))
      throw new Error(`finding rules need each other in a cycle through ${rule.code}`);
    visiting.add(rule.code);
    for (const code of ('needs' in rule ? rule.needs : undefined) ?? []) {
      const needed = byCode.get(code);
      if (!needed) throw new Error(`${rule.code} needs ${code}, which is not a registered rule`);
      visit(needed);
    }
    visiting.delete(rule.code);
    done.add(rule.code);
    order.push(rule);
  };
  for (const rule of rules) visit(rule);
  return order;
}
