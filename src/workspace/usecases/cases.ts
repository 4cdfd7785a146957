import { z } from 'zod';
import { date } from '../../contract/columns.ts';
import type { Finding } from '../../contract/finding.ts';
import { CASE_RESOLUTIONS, CASE_STATUSES, type CaseStatus } from '../../contract/names.ts';
import { type CaseProposal, type CaseState, caseProposalSchema } from '../../contract/workspace.ts';
import type { CasesRepository } from '../../store/cases.ts';
import type { Ledger } from '../../store/ledger.ts';
import type { Outbox } from '../../store/webhooks.ts';
import { actor } from '../../usecases/actor.ts';
import { outboxEvent } from '../../usecases/webhooks.ts';

export type { CaseState, CaseStatus };

/** What case use cases need of the store: the cases, the ledger, and one transaction around both. */
export interface CaseStores {
  cases: CasesRepository;
  ledger: Ledger;
  /** Where the webhook event of each change goes, in the change's transaction. */
  outbox: Outbox;
  transaction<T>(work: () => Promise<T>): Promise<T>;
}

/** A change an analyst asks for; every change says why. Unknown fields are refused, not dropped. */
export const caseChangeSchema = z
  .strictObject({
    status: z.enum(CASE_STATUSES).optional(),
    resolution: z.enum(CASE_RESOLUTIONS).optional(),
    snoozed_until: date.optional(),
    assignee: z.string().min(1).optional(),
    why: z.string().trim().min(3, 'say why (at least 3 characters)'),
  })
  .superRefine((c, ctx) => {
    if (c.status === 'closed' && !c.resolution)
      ctx.addIssue({
        code: 'custom',
        path: ['resolution'],
        message: 'closing needs a resolution: confirmed or dismissed',
      });
    if (c.status !== 'closed' && c.resolution)
      ctx.addIssue({ code: 'custom', path: ['resolution'], message: 'only a closed case has a resolution' });
    if (c.status === 'snoozed' && !c.snoozed_until)
      ctx.addIssue({ code: 'custom', path: ['snoozed_until'], message: 'snoozing needs a date' });
  });
export type CaseChange = z.infer<typeof caseChangeSchema>;

/** A second person's word on a proposed dismissal. */
export const caseDecisionSchema = z.strictObject({
  why: z.string().trim().min(3, 'say why (at least 3 characters)'),
});

/** A case change the rules refuse (409 in the API): the reason says which rule. */
export class CaseRuleError extends Error {
  override name = 'CaseRuleError';
}

const ALLOWED: Record<CaseStatus, CaseStatus[]> = {
  open: ['investigating', 'closed', 'snoozed'],
  investigating: ['closed', 'snoozed', 'open'],
  snoozed: ['open', 'investigating', 'closed'],
  closed: ['open'],
};

/** The case of a finding nobody has triaged yet. */
export const untriaged = (findingId: string): CaseState => ({
  finding_id: findingId,
  status: 'open',
  resolution: null,
  assignee: null,
  snoozed_until: null,
  updated_at: null,
  updated_by: null,
  proposal: null,
});

export async function caseOf(stores: Pick<CaseStores, 'cases'>, findingId: string): Promise<CaseState> {
  return (await stores.cases.get(findingId)) ?? untriaged(findingId);
}

export const proposalOf = (c: CaseState): CaseProposal | null =>
  c.proposal ? caseProposalSchema.parse(JSON.parse(c.proposal)) : null;

/** Records a case's new state with who, when and why, in one transaction. */
async function record(
  stores: CaseStores,
  before: CaseState,
  after: CaseState,
  who: string,
  why: string,
  event?: string,
) {
  await stores.transaction(async () => {
    await stores.cases.put(after);
    const change = {
      finding_id: after.finding_id,
      ...(event ? { event } : {}),
      before: strip(before),
      after,
      why,
    };
    await stores.ledger.append('case-change', who, change);
    await stores.outbox.enqueue([outboxEvent('case.changed', { ...change, by: who })]);
  });
}

/**
 * Moves a finding's case (open → investigating → closed (confirmed | dismissed), or snoozed until a date),
 * recording who, when and why in the ledger in the same transaction. Closing a `high` finding as dismissed only
 * proposes it: a second person approves or rejects (four eyes). A change that changes nothing is refused.
 */
export async function changeCase(
  stores: CaseStores,
  findingId: string,
  input: unknown,
  who = actor(),
  finding?: Pick<Finding, 'severity'>,
): Promise<CaseState> {
  const change = caseChangeSchema.parse(input);
  const before = await caseOf(stores, findingId);
  const status = change.status ?? before.status;
  if (change.status && change.status !== before.status && !ALLOWED[before.status].includes(change.status))
    throw new CaseRuleError(`a ${before.status} case cannot become ${change.status}`);
  const now = new Date().toISOString();
  if (
    status === 'closed' &&
    change.resolution === 'dismissed' &&
    finding?.severity === 'high' &&
    before.status !== 'closed'
  ) {
    if (before.proposal) throw new CaseRuleError('a dismissal is already waiting for a second person');
    const proposal: CaseProposal = {
      status: 'closed',
      resolution: 'dismissed',
      by: who,
      why: change.why,
      at: now,
    };
    const after = {
      ...before,
      finding_id: findingId,
      proposal: JSON.stringify(proposal),
      updated_at: now,
      updated_by: who,
    };
    await record(stores, before, after, who, change.why, 'dismissal proposed');
    return after;
  }
  const after: CaseState = {
    finding_id: findingId,
    status,
    resolution: status === 'closed' ? (change.resolution ?? before.resolution) : null,
    assignee: change.assignee ?? before.assignee,
    snoozed_until: status === 'snoozed' ? (change.snoozed_until ?? before.snoozed_until) : null,
    updated_at: now,
    updated_by: who,
    proposal: before.proposal,
  };
  if (sameCase(before, after))
    throw new CaseRuleError(`nothing changes: the case is already ${describe(before)}`);
  await record(stores, before, after, who, change.why);
  return after;
}

/** A second person (not the one who proposed it) approves a proposed dismissal: the case closes as dismissed. */
export async function approveDismissal(stores: CaseStores, findingId: string, input: unknown, who = actor()) {
  const { why } = caseDecisionSchema.parse(input);
  const before = await caseOf(stores, findingId);
  const proposal = proposalOf(before);
  if (!proposal) throw new CaseRuleError('no dismissal is waiting for approval');
  if (proposal.by === who)
    throw new CaseRuleError('a dismissal needs a second person: the one who proposed it cannot approve it');
  const after: CaseState = {
    ...before,
    status: 'closed',
    resolution: 'dismissed',
    snoozed_until: null,
    updated_at: new Date().toISOString(),
    updated_by: who,
    proposal: null,
  };
  await record(stores, before, after, who, why, `dismissal proposed by ${proposal.by} approved`);
  return after;
}

/** Anyone else refuses a proposed dismissal (or its proposer withdraws it): the case stays as it was. */
export async function rejectDismissal(stores: CaseStores, findingId: string, input: unknown, who = actor()) {
  const { why } = caseDecisionSchema.parse(input);
  const before = await caseOf(stores, findingId);
  const proposal = proposalOf(before);
  if (!proposal) throw new CaseRuleError('no dismissal is waiting for approval');
  const after: CaseState = {
    ...before,
    updated_at: new Date().toISOString(),
    updated_by: who,
    proposal: null,
  };
  await record(
    stores,
    before,
    after,
    who,
    why,
    `dismissal proposed by ${proposal.by} ${proposal.by === who ? 'withdrawn' : 'rejected'}`,
  );
  return after;
}

export async function commentCase(
  stores: CaseStores,
  findingId: string,
  text: string,
  who = actor(),
): Promise<void> {
  const body = z.string().trim().min(1, 'a comment needs text').parse(text);
  const comment = { commented_at: new Date().toISOString(), author: who, text: body };
  await stores.transaction(async () => {
    await stores.cases.addComment({ finding_id: findingId, ...comment });
    await stores.ledger.append('case-change', who, { finding_id: findingId, comment });
    await stores.outbox.enqueue([outboxEvent('case.changed', { finding_id: findingId, comment })]);
  });
}

export interface CaseRow extends CaseState {
  /** The finding is not among the newest run's findings any more (its stable id disappeared). */
  disappeared: boolean;
  finding: Finding | null;
}

/** Every finding of the newest run with its case, plus cases whose finding disappeared from that run. */
export async function casesOf(stores: Pick<CaseStores, 'cases'>, findings: Finding[]): Promise<CaseRow[]> {
  const states = new Map((await stores.cases.all()).map((c) => [c.finding_id, c]));
  const rows: CaseRow[] = findings.map((f) => ({
    ...(states.get(f.id) ?? untriaged(f.id)),
    disappeared: false,
    finding: f,
  }));
  const current = new Set(findings.map((f) => f.id));
  for (const [id, c] of states) if (!current.has(id)) rows.push({ ...c, disappeared: true, finding: null });
  return rows;
}

function strip(c: CaseState) {
  return { status: c.status, resolution: c.resolution, assignee: c.assignee, snoozed_until: c.snoozed_until };
}

const sameCase = (a: CaseState, b: CaseState) =>
  a.status === b.status &&
  a.resolution === b.resolution &&
  a.assignee === b.assignee &&
  a.snoozed_until === b.snoozed_until;

const describe = (c: CaseState) =>
  `${c.status}${c.resolution ? ` (${c.resolution})` : ''}${c.assignee ? `, assigned to ${c.assignee}` : ''}${c.snoozed_until ? ` until ${c.snoozed_until}` : ''}`;
