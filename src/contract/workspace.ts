import { z } from 'zod';
import { CASE_RESOLUTIONS, CASE_STATUSES, ROLES } from './names.ts';

/** What the workspace keeps beside the bundles: cases, comments, users and audit runs, as stored and answered. */

export const caseStateSchema = z.object({
  finding_id: z.string(),
  status: z.enum(CASE_STATUSES),
  resolution: z.enum(CASE_RESOLUTIONS).nullable(),
  assignee: z.string().nullable(),
  snoozed_until: z.string().nullable(),
  updated_at: z.string().nullable(),
  updated_by: z.string().nullable(),
  /**
   * A change waiting for a second person (closing a high finding as dismissed): JSON of
   * `{ status, resolution, by, why, at }`, or null.
   */
  proposal: z.string().nullable(),
});
export type CaseState = z.infer<typeof caseStateSchema>;

export const caseProposalSchema = z.object({
  status: z.literal('closed'),
  resolution: z.literal('dismissed'),
  by: z.string(),
  why: z.string(),
  at: z.string(),
});
export type CaseProposal = z.infer<typeof caseProposalSchema>;

export const caseCommentSchema = z.object({
  finding_id: z.string(),
  commented_at: z.string(),
  author: z.string(),
  text: z.string(),
});
export type CaseComment = z.infer<typeof caseCommentSchema>;

export const principalSchema = z.object({ name: z.string(), role: z.enum(ROLES) });
export type Principal = z.infer<typeof principalSchema>;

export const userRowSchema = principalSchema.extend({
  password_hash: z.string(),
  created_at: z.string(),
  disabled: z.boolean(),
});
export type UserRow = z.infer<typeof userRowSchema>;

export const runInfoSchema = z.object({
  run_id: z.string(),
  snapshot_id: z.string(),
  started_at: z.string(),
  rulebook_version: z.string(),
  findings_digest: z.string(),
  finding_count: z.number().int(),
  as_of: z.string(),
});
export type RunInfo = z.infer<typeof runInfoSchema>;

export const snapshotInfoSchema = z.object({
  snapshot_id: z.string(),
  bundle_dir: z.string(),
  ingested_at: z.string(),
  meta: z.string(),
});
export type SnapshotInfo = z.infer<typeof snapshotInfoSchema>;
