import { z } from 'zod';
import { date } from '../../contract/columns.ts';
import type { Finding } from '../../contract/finding.ts';
import { CASE_RESOLUTIONS, CASE_STATUSES, type CaseStatus } from '../../contract/names.ts';
import type { CaseState } from '../../contract/workspace.ts';
import type { CasesRepository } from '../../store/cases.ts';
import type { Ledger } from '../../store/ledger.ts';
import { actor } from '../../usecases/actor.ts';

export type { CaseState, CaseStatus };

/** What case use cases need of the store: the cases, the ledger, and one transaction around both. */
export interface CaseStores {
  cases: CasesRepository;
  ledger: Ledger;
  transaction<T>(work: () => Promise<T>): Promise<T>;
}

/** A change an analyst asks for; every change says why. */
export const caseChangeSchema = z
  .object({
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
});

export async function caseOf(stores: Pick<CaseStores, 'cases'>, findingId: string): Promise<CaseState> {
  return (await stores.cases.get(findingId)) ?? untriaged(findingId);
}

/**
 * Moves a finding's case (open → investigating → closed (confirmed | dismissed), or snoozed until a date),
 * recording who, when and why in the ledger in the same transaction.
 */
export async function changeCase(
  stores: CaseStores,
  findingId: string,
  input: unknown,
  who = actor(),
): Promise<CaseState> {
  const change = caseChangeSchema.parse(input);
  const before = await caseOf(stores, findingId);
  const status = change.status ?? before.status;
  if (change.status && change.status !== before.status && !ALLOWED[before.status].includes(change.status))
    throw new Error(`a ${before.status} case cannot become ${change.status}`);
  const after: CaseState = {
    finding_id: findingId,
    status,
    resolution: status === 'closed' ? (change.resolution ?? before.resolution) : null,
    assignee: change.assignee ?? before.assignee,
    snoozed_until: status === 'snoozed' ? (change.snoozed_until ?? before.snoozed_until) : null,
    updated_at: new Date().toISOString(),
    updated_by: who,
  };
  await stores.transaction(async () => {
    await stores.cases.put(after);
    await stores.ledger.append('case-change', who, {
      finding_id: findingId,
      before: strip(before),
      after: strip(after),
      why: change.why,
    });
  });
  return after;
}

export async function commentCase(
  stores: CaseStores,
  findingId: string,
  text: string,
  who = actor(),
): Promise<void> {
  const body = z.string().trim().min(1, 'a comment needs text').parse(text);
  const at = new Date().toISOString();
  await stores.transaction(async () => {
    await stores.cases.addComment({ finding_id: findingId, commented_at: at, author: who, text: body });
    await stores.ledger.append('case-change', who, { finding_id: findingId, comment: body });
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
