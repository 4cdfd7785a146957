import { z } from 'zod';
import { decisionSchema, replayRecordSchema } from '../../contract/decision.ts';
import { evidenceSchema, findingSchema } from '../../contract/finding.ts';
import { BASES, CASE_RESOLUTIONS, CASE_STATUSES, ROLES } from '../../contract/names.ts';
import { deliveryAttemptSchema, endpointSchema } from '../../contract/webhook.ts';
import { caseCommentSchema, runInfoSchema } from '../../contract/workspace.ts';
import { FINDING_CODES, type FindingCode } from '../../engine/findings/registry.ts';

/**
 * What the API answers, built from the contract's own schemas: checked on the way out, shown in OpenAPI, and the
 * types the UI reads (it imports these as types only).
 */

const money = z.string().regex(/^-?\d+\.\d{2}$/);
const period = z.string().regex(/^\d{4}-\d{2}$/);
const row = z.record(z.string(), z.unknown());
/** A finding as the contract has it, its code one of the engine's registry. */
const finding = findingSchema.extend({ code: z.enum(FINDING_CODES as [FindingCode, ...FindingCode[]]) });

export const okResponse = z.object({ ok: z.literal(true) });
export const principalResponse = z.object({ name: z.string(), role: z.enum(ROLES) });

const caseState = z.object({
  status: z.enum(CASE_STATUSES),
  resolution: z.enum(CASE_RESOLUTIONS).nullable().optional(),
  assignee: z.string().nullable().optional(),
  snoozed_until: z.string().nullable().optional(),
  updated_at: z.string().nullable().optional(),
  updated_by: z.string().nullable().optional(),
  finding_id: z.string().optional(),
  proposal: z.string().nullable().optional(),
});
export const caseResponse = caseState;

const counts = z.record(z.string(), z.number().int());
export const findingListResponse = z.object({
  total: z.number().int(),
  /** Every code the engine can raise, for filters. */
  codes: z.array(z.string()),
  page: z.number().int(),
  page_size: z.number().int(),
  counts: z.object({ code: counts, severity: counts, status: counts }),
  items: z.array(finding.extend({ case: caseState })),
});

export const findingDetailResponse = z.object({
  finding: finding.extend({ evidence: z.array(evidenceSchema.extend({ rows: z.array(row) })) }),
  case: caseState,
  comments: z.array(caseCommentSchema),
});

export const casesResponse = z.array(
  caseState.extend({ finding_id: z.string(), disappeared: z.boolean(), code: z.string().nullable() }),
);

export const accountDetailResponse = z.object({
  account: row,
  billing_addresses: z.array(row),
  ownership: z.array(row),
  transfer_requests: z.array(row),
  payment_methods: z.array(row),
  activities: z.array(row),
  deals: z.array(row),
  nexus: z.array(z.object({ jurisdiction: z.string(), from: period, to: period, tests: z.string() })),
  findings: z.array(finding),
  verdicts: z.array(
    z.object({
      period,
      jurisdiction: z.string(),
      activity: z.string(),
      strength: z.string(),
      nexus: z.string(),
      rules: z.string(),
    }),
  ),
  revenue_by_month: z.array(z.object({ period, amount: z.string() })),
});

export const revenueResponse = z.array(
  z.object({ basis: z.enum(BASES), period, region_id: z.string(), amount: money }),
);

const credit = z.object({ basis: z.enum(BASES), region: z.string(), lineage: z.array(evidenceSchema) });
export const figureRowsResponse = z.object({
  snapshot_id: z.string(),
  basis: z.enum(BASES).optional(),
  period,
  region: z.string().optional(),
  account_id: z.string().optional(),
  amount: money,
  invoice_rows: z.number().int(),
  page: z.number().int(),
  page_size: z.number().int(),
  rows: z.array(
    z.object({
      invoice_id: z.string(),
      account_id: z.string(),
      period,
      service: z.string(),
      usage_region: z.string(),
      net_amount: money,
      currency: z.string(),
      conversion: evidenceSchema.nullable(),
      credits: z.array(credit),
    }),
  ),
});

export const regionsResponse = z.array(
  z.object({ region_id: z.string(), parent_id: z.string().nullable(), depth: z.number().int() }),
);

export const flowsResponse = z.array(z.object({ source: z.string(), target: z.string(), value: money }));

export const reconciliationResponse = z.array(
  z.object({
    basis: z.enum(BASES),
    period: z.string(),
    region_id: z.string(),
    reported: money,
    computed: money,
    difference: money,
    within_tolerance: z.boolean(),
    matching_bases: z.string(),
  }),
);

export const rulesResponse = z.array(
  z.object({
    id: z.string(),
    jurisdiction: z.string(),
    activity: z.string(),
    status: z.string(),
    from: z.string(),
    to: z.string().optional(),
    instrument: z.looseObject({
      id: z.string(),
      title: z.string(),
      title_en: z.string(),
      number: z.string().nullable(),
    }),
  }),
);

export const snapshotsResponse = z.array(
  z.object({ snapshot_id: z.string(), bundle_dir: z.string(), ingested_at: z.string() }),
);
export const runsResponse = z.array(runInfoSchema);

export const ledgerResponse = z.array(
  z.object({
    seq: z.number().int(),
    at: z.string(),
    kind: z.string(),
    actor: z.string(),
    body: z.record(z.string(), z.unknown()),
    prev_hash: z.string(),
    hash: z.string(),
  }),
);

export const verificationResponse = z.object({
  ok: z.boolean(),
  entries: z.number().int(),
  head: z.string(),
  broken: z.object({ seq: z.number().int(), reason: z.string() }).optional(),
});

export const userResponse = principalResponse;
export const usersResponse = z.array(
  principalResponse.extend({ created_at: z.string(), disabled: z.boolean() }),
);
const tokenRow = z.object({
  id: z.string(),
  name: z.string(),
  label: z.string().nullable(),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});
export const tokensResponse = z.array(tokenRow);
export const createdTokenResponse = z.object({ token: z.string(), id: z.string(), expires_at: z.string() });
export const revokedTokenResponse = z.object({ id: z.string(), user: z.string(), revoked_at: z.string() });
export const auditResponse = z.object({
  run_id: z.string(),
  snapshot_id: z.string(),
  findings: z.number().int(),
});

export const decisionsResponse = z.array(decisionSchema.extend({ actor: z.string() }));
export const replayResponse = z.object({ replay: replayRecordSchema.nullable() });
export const endpointsResponse = z.array(endpointSchema);
export const deliveriesResponse = z.array(deliveryAttemptSchema);
