import type { FindingRule } from './context.ts';
import { discountBeyondPolicy } from './discount-beyond-policy/rule.ts';
import { facilitationNote } from './facilitation-note/rule.ts';
import { offshoreContractOnshoreWork } from './offshore-contract-onshore-work/rule.ts';
import { paperOffshoreAccount } from './paper-offshore-account/rule.ts';
import { prohibitedActivity } from './prohibited-activity/rule.ts';
import { reportedRevenueGap } from './reported-revenue-gap/rule.ts';
import { retainedAfterRejection } from './retained-after-rejection/rule.ts';
import { selfCreditedAddressChange } from './self-credited-address-change/rule.ts';
import { transferAfterRisk } from './transfer-after-risk/rule.ts';

/** Every finding rule, in the order they run: a rule may read the findings of those before it. */
export const FINDING_RULES: FindingRule[] = [
  prohibitedActivity,
  selfCreditedAddressChange,
  transferAfterRisk,
  offshoreContractOnshoreWork,
  retainedAfterRejection,
  facilitationNote,
  paperOffshoreAccount,
  reportedRevenueGap,
  discountBeyondPolicy,
] as FindingRule[];
