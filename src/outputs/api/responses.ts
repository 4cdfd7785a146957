import { z } from 'zod';
import { evidenceSchema, findingSchema } from '../../contract/finding.ts';
import { BASES, CASE_RESOLUTIONS, CASE_STATUSES } from '../../contract/names.ts';

/** What the API answers, built from the contract's own schemas: checked on the way out and in OpenAPI. */

const money = z.string().regex(/^-?\d+\.\d{2}$/);
const period = z.string().regex(/^\d{4}-\d{2}$/);
const row = z.record(z.string(), z.unknown());

export const principalResponse = z.object({ name: z.string(), role: z.enum(['viewer', 'analyst', 'admin']) });

const caseState = z.object({
  status: z.enum(CASE_STATUSES),
  resolution: z.enum(CASE_RESOLUTIONS).nullable().optional(),
  assignee: z.string().nullable().optional(),
  snoozed_until: z.string().nullable().optional(),
  updated_at: z.string().nullable().optional(),
  updated_by: z.string().nullable().optional(),
  finding_id: z.string().optional(),
});

const counts = z.record(z.string(), z.number().int());
export const findingListResponse = z.object({
  total: z.number().int(),
  page: z.number().int(),
  page_size: z.number().int(),
  counts: z.object({ code: counts, severity: counts, status: counts }),
  items: z.array(findingSchema.extend({ case: caseState })),
});

export const findingDetailResponse = z.object({
  finding: findingSchema.extend({ evidence: z.array(evidenceSchema.extend({ rows: z.array(row) })) }),
  case: caseState,
  comments: z.array(z.object({ commented_at: z.string(), author: z.string(), text: z.string() })),
});

export const revenueResponse = z.array(
  z.object({ basis: z.enum(BASES), period, region_id: z.string(), amount: money }),
);

export const flowsResponse = z.array(z.object({ source: z.string(), target: z.string(), value: money }));

export const verificationResponse = z.object({
  ok: z.boolean(),
  entries: z.number().int(),
  head: z.string(),
  broken: z.object({ seq: z.number().int(), reason: z.string() }).optional(),
});
