// The names the contract enumerates, in a module without dependencies so the browser UI can use them too.

export const SEVERITIES = ['low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const BASES = ['billing-postal', 'owner-team', 'substance', 'usage-region'] as const;
export type Basis = (typeof BASES)[number];

/** A finding's case in the workspace. */
export const CASE_STATUSES = ['open', 'investigating', 'closed', 'snoozed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const CASE_RESOLUTIONS = ['confirmed', 'dismissed'] as const;

/** Crypto activities the rulebook and the recogniser know (findings.md §3). */
export const ACTIVITIES = [
  'crypto.exchange',
  'crypto.mining',
  'crypto.node',
  'crypto.token-issuance',
  'crypto.stablecoin-issuance',
] as const;
export type Activity = (typeof ACTIVITIES)[number];

/** Workspace roles, each allowed what the one before it is. */
/**
 * Roles in rising order, each allowed what those below it are. `decider` (a CRM integration's account) may only
 * ask the decision gate; every person's role can ask it too.
 */
export const ROLES = ['decider', 'viewer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const roleAtLeast = (role: Role, needed: Role) => ROLES.indexOf(role) >= ROLES.indexOf(needed);
