import { z } from 'zod';
import { date } from '../contract/columns.ts';
import type { Finding } from '../contract/finding.ts';
import { actor, type Store } from '../store/store.ts';

export { CASE_STATUSES, type CaseStatus } from '../contract/names.ts';

import { CASE_RESOLUTIONS, CASE_STATUSES, type CaseStatus } from '../contract/names.ts';

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

export interface CaseState {
  finding_id: string;
  status: CaseStatus;
  resolution: string | null;
  assignee: string | null;
  snoozed_until: string | null;
  updated_at: string | null;
  updated_by: string | null;
}

const ALLOWED: Record<CaseStatus, CaseStatus[]> = {
  open: ['investigating', 'closed', 'snoozed'],
  investigating: ['closed', 'snoozed', 'open'],
  snoozed: ['open', 'investigating', 'closed'],
  closed: ['open'],
};

export async function caseOf(store: Store, findingId: string): Promise<CaseState> {
  const r = await store.db.runAndReadAll('SELECT * FROM cases WHERE finding_id = $f', { f: findingId });
  const row = r.getRowObjectsJson()[0];
  return row
    ? (row as unknown as CaseState)
    : {
        finding_id: findingId,
        status: 'open',
        resolution: null,
        assignee: null,
        snoozed_until: null,
        updated_at: null,
        updated_by: null,
      };
}

/**
 * Moves a finding's case (open → investigating → closed (confirmed | dismissed), or snoozed until a date),
 * recording who, when and why in the ledger in the same transaction.
 */
export async function changeCase(
  store: Store,
  findingId: string,
  input: unknown,
  who = actor(),
): Promise<CaseState> {
  const change = caseChangeSchema.parse(input);
  const before = await caseOf(store, findingId);
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
  await store.db.run('BEGIN TRANSACTION');
  try {
    await store.db.run('INSERT OR REPLACE INTO cases VALUES ($f, $s, $r, $a, $u, $at, $by)', {
      f: findingId,
      s: after.status,
      r: after.resolution,
      a: after.assignee,
      u: after.snoozed_until,
      at: after.updated_at,
      by: who,
    });
    await store.ledger.append('case-change', who, {
      finding_id: findingId,
      before: strip(before),
      after: strip(after),
      why: change.why,
    });
    await store.db.run('COMMIT');
  } catch (e) {
    await store.db.run('ROLLBACK');
    throw e;
  }
  return after;
}

export async function commentCase(
  store: Store,
  findingId: string,
  text: string,
  who = actor(),
): Promise<void> {
  const body = z.string().trim().min(1, 'a comment needs text').parse(text);
  const at = new Date().toISOString();
  await store.db.run('BEGIN TRANSACTION');
  try {
    await store.db.run('INSERT INTO case_comments VALUES ($f, $at, $a, $t)', {
      f: findingId,
      at,
      a: who,
      t: body,
    });
    await store.ledger.append('case-change', who, { finding_id: findingId, comment: body });
    await store.db.run('COMMIT');
  } catch (e) {
    await store.db.run('ROLLBACK');
    throw e;
  }
}

export interface CaseRow extends CaseState {
  /** The finding is not among the newest run's findings any more (its stable id disappeared). */
  disappeared: boolean;
  finding: Finding | null;
}

/** Every finding of the newest run with its case, plus cases whose finding disappeared from that run. */
export async function casesOf(store: Store, findings: Finding[]): Promise<CaseRow[]> {
  const states = new Map(
    ((await store.db.runAndReadAll('SELECT * FROM cases')).getRowObjectsJson() as unknown as CaseState[]).map(
      (c) => [c.finding_id, c],
    ),
  );
  const rows: CaseRow[] = [];
  for (const f of findings)
    rows.push({ ...(states.get(f.id) ?? (await caseOf(store, f.id))), disappeared: false, finding: f });
  const current = new Set(findings.map((f) => f.id));
  for (const [id, c] of states) if (!current.has(id)) rows.push({ ...c, disappeared: true, finding: null });
  return rows;
}

function strip(c: CaseState) {
  return { status: c.status, resolution: c.resolution, assignee: c.assignee, snoozed_until: c.snoozed_until };
}
