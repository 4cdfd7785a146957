import { z } from 'zod';
import { BASES, CASE_STATUSES, SEVERITIES } from '../../contract/names.ts';
import { FINDING_CODES, type FindingCode } from '../../engine/findings/registry.ts';

/** What the API accepts, checked before any handler runs (a 400 names the field). */

const period = z.string().regex(/^\d{4}-\d{2}$/, 'not a period (YYYY-MM)');
export const findingsQuery = z.strictObject({
  code: z.enum(FINDING_CODES as [FindingCode, ...FindingCode[]]).optional(),
  severity: z.enum(SEVERITIES).optional(),
  status: z.enum(CASE_STATUSES).optional(),
  account: z.string().optional(),
  staff: z.string().optional(),
  jurisdiction: z.string().optional(),
  period: period.optional(),
  text: z.string().optional(),
  sort: z.enum(['severity', 'period_from', 'revenue_at_stake', 'code', 'account_id']).default('severity'),
  order: z.enum(['asc', 'desc']).default('desc'),
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(500).default(50),
});
export const idParams = z.strictObject({ id: z.string().min(1) });
export const loginBody = z.strictObject({ name: z.string().min(1), password: z.string().min(1) });
export const revenueQuery = z.strictObject({
  basis: z.enum(BASES).optional(),
  period: period.optional(),
  region: z.string().optional(),
});
export const figureQuery = z.strictObject({
  basis: z.enum(BASES),
  period,
  region: z.string().min(1),
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(500).default(100),
  sort: z.enum(['invoice_id', 'account_id', 'net_amount']).default('net_amount'),
  order: z.enum(['asc', 'desc']).default('desc'),
});
export const rulesQuery = z.strictObject({
  at: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'not a date (YYYY-MM-DD)')
    .optional(),
  jurisdiction: z.string().optional(),
});
export const commentBody = z.strictObject({ text: z.string().trim().min(1, 'a comment needs text') });
export const bundleBody = z.strictObject({
  bundle_dir: z.string().min(1).max(4096, 'a path of at most 4096 characters'),
});
export const nameParams = z.strictObject({ name: z.string().min(1).max(40) });
export const whyBody = z.strictObject({ why: z.string().trim().min(3, 'say why (at least 3 characters)') });
