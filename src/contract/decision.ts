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
  /** What was asked, as JSON (a discount as decimal text). */
  proposal: z.record(z.string(), z.unknown()),
  decision: z.enum(DECISIONS),
  reasons: z.array(reasonSchema),
  /** The snapshot whose facts it judged against, and when. */
  snapshot_id: z.string(),
  decided_at: z.string(),
});
export type Decision = z.infer<typeof decisionSchema>;

/** One event of a replay: the change in the history, what the gate would have said, and what it became. */
export const replayedEventSchema = z.object({
  at: z.string(),
  kind: z.enum(PROPOSAL_KINDS),
  account_id: z.string(),
  table: z.string(),
  key: z.string(),
  decision: z.enum(DECISIONS),
  reasons: z.array(reasonSchema),
  /** Findings of the audit of the whole history that this event became. */
  became: z.array(z.string()),
});
export type ReplayedEvent = z.infer<typeof replayedEventSchema>;

export const replaySummarySchema = z.object({
  events: z.number().int(),
  /** Events that later became findings: how many the gate would have denied, sent to review or allowed. */
  flagged: z.object({
    total: z.number().int(),
    deny: z.number().int(),
    review: z.number().int(),
    allow: z.number().int(),
  }),
  /** The other events: how many the gate would have held up (the cost of asking). */
  ordinary: z.object({ total: z.number().int(), held: z.number().int(), heldPct: z.string() }),
});
export type ReplaySummary = z.infer<typeof replaySummarySchema>;

/** A stored replay: its summary and the events worth a look (held up, or later found). */
export const replayRecordSchema = z.object({
  replay_id: z.string(),
  snapshot_id: z.string(),
  replayed_at: z.string(),
  summary: replaySummarySchema,
  notable: z.array(replayedEventSchema),
});
export type ReplayRecord = z.infer<typeof replayRecordSchema>;

/** A proposal as JSON (its discount as decimal text): what is digested and recorded. */
export function proposalAsJson(p: Proposal): Record<string, unknown> {
  return p.kind === 'discount'
    ? { ...p, deal: { ...p.deal, discount_pct: formatDecimal(p.deal.discount_pct) } }
    : { ...p };
}
