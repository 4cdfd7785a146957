// The names the contract enumerates, in a module without dependencies so the browser UI can use them too.

export const FINDING_CODES = [
  'prohibited-activity',
  'self-credited-address-change',
  'transfer-after-risk',
  'offshore-contract-onshore-work',
  'retained-after-rejection',
  'facilitation-note',
  'paper-offshore-account',
  'reported-revenue-gap',
  'discount-beyond-policy',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];
export const SEVERITIES = ['low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const BASES = ['billing-postal', 'owner-team', 'substance', 'usage-region'] as const;
export type Basis = (typeof BASES)[number];

/** A finding's case in the workspace. */
export const CASE_STATUSES = ['open', 'investigating', 'closed', 'snoozed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const CASE_RESOLUTIONS = ['confirmed', 'dismissed'] as const;
