import { z } from 'zod';
import { BASES } from './tables.ts';

export { SEVERITIES, type Severity } from './names.ts';

import { SEVERITIES } from './names.ts';

/** A bundle row (table and key) or a derived fact (table `derived:…`) that makes a finding true. */
export const evidenceSchema = z.object({ table: z.string(), key: z.string(), fact: z.string() });
export type Evidence = z.infer<typeof evidenceSchema>;

/** One line of `findings.ndjson` (findings.md section 7). */
export const findingSchema = z.object({
  id: z.string(),
  /** One of the codes of the engine's registry of finding rules (findings.md §5–6). */
  code: z.string().regex(/^[a-z]+(-[a-z]+)*$/),
  severity: z.enum(SEVERITIES),
  account_id: z.string().nullable(),
  staff_id: z.string().nullable(),
  jurisdiction: z.string().nullable(),
  activity: z.string().nullable(),
  basis: z.enum(BASES).nullable(),
  region_id: z.string().nullable(),
  period_from: z.string().regex(/^\d{4}-\d{2}$/),
  period_to: z.string().regex(/^\d{4}-\d{2}$/),
  revenue_at_stake: z.string().regex(/^-?\d+\.\d{2}$/),
  summary: z.string(),
  evidence: z.array(evidenceSchema),
  settings: z.record(z.string(), z.unknown()),
});
export type Finding = z.infer<typeof findingSchema>;

/** Renders a row key the same way everywhere: `column=value` pairs in key order. */
export function rowKey(parts: Record<string, string | null | undefined>): string {
  return Object.entries(parts)
    .map(([k, v]) => `${k}=${v ?? ''}`)
    .join(', ');
}
