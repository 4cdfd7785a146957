import { z } from 'zod';
import { country, date, id, percent, postal, text } from './columns.ts';
import { formatDecimal } from './decimal.ts';
import { evidenceSchema } from './finding.ts';

const proposed = <K extends string, S extends z.ZodRawShape>(kind: K, shape: S) =>
  z.strictObject({
    kind: z.literal(kind),
    account_id: id,
    /** The staff member who would make the change. */
    by: id,
    /** The day it would take effect. */
    at: date,
    ...shape,
  });

/** A change asked about before it takes effect (POST /api/decisions, `daylight decide`). */
export const proposalSchema = z.discriminatedUnion('kind', [
  proposed('address-change', {
    address: z.strictObject({
      country,
      city: text.optional(),
      postal_code: postal.optional(),
      line1: text.optional(),
    }),
  }),
  proposed('transfer', { to_team_id: id, to_owner_staff_id: id }),
  proposed('discount', {
    deal: z.strictObject({
      deal_id: id,
      discount_pct: z.union([z.number().transform(String), z.string()]).pipe(percent),
      agent_id: id.optional(),
      valid_to: date.optional(),
    }),
  }),
]);
export type Proposal = z.output<typeof proposalSchema>;
export type ProposalInput = z.input<typeof proposalSchema>;
export const PROPOSAL_KINDS = ['address-change', 'transfer', 'discount'] as const;

export const DECISIONS = ['allow', 'review', 'deny'] as const;
export type DecisionKind = (typeof DECISIONS)[number];

/** Why: a finding the change would raise (or raise to a higher severity), with the evidence it would carry. */
export const reasonSchema = z.object({
  code: z.string(),
  severity: z.enum(['medium', 'high']),
  text: z.string(),
  evidence: z.array(evidenceSchema),
  /** The rule and the settings it judged with. */
  rule: z.string(),
});
export type Reason = z.infer<typeof reasonSchema>;

export const decisionSchema = z.object({
  id: z.string(),
  decision: z.enum(DECISIONS),
  reasons: z.array(reasonSchema),
  /** The snapshot whose facts it judged against, and when. */
  snapshot_id: z.string(),
  decided_at: z.string(),
});
export type Decision = z.infer<typeof decisionSchema>;

/** A proposal as JSON (its discount as decimal text): what is digested and recorded. */
export function proposalAsJson(p: Proposal): Record<string, unknown> {
  return p.kind === 'discount'
    ? { ...p, deal: { ...p.deal, discount_pct: formatDecimal(p.deal.discount_pct) } }
    : { ...p };
}
