import { z } from 'zod';
import { SEVERITIES } from '../../contract/finding.ts';

/** Which would-be findings deny a change and which send it to review (the rest allow it). */
export const decisionSettings = z.object({
  decision_deny_at: z.enum(SEVERITIES).default('high'),
  decision_review_at: z.enum(SEVERITIES).default('medium'),
});
export type DecisionSettings = z.infer<typeof decisionSettings>;
