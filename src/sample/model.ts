import type { IsoDate, Period } from '../contract/dates.ts';

/** The sample world as the generator plans it, before it is written out as a bundle. */
export interface PlannedAddress {
  from: IsoDate;
  place: string;
  postal: string;
  line1: string;
  changedBy: string | null;
  reason: string;
}

export interface PlannedOwner {
  from: IsoDate;
  team: string;
  staff: string;
  changedBy: string | null;
  reason: string;
}

export interface PlannedDeal {
  id: string;
  pct: number;
  from: IsoDate;
  to: IsoDate | null;
  agent: string | null;
  approvedBy: string;
}

export interface PlannedNote {
  id: string;
  staff: string;
  at: string;
  type: string;
  subject: string;
  body: string;
  /** Set on notes planted as facilitation: the activity they point to. */
  facilitates?: string | undefined;
}

export interface PlannedRequest {
  id: string;
  requestedAt: IsoDate;
  from: string;
  to: string;
  by: string;
  decision: 'accepted' | 'rejected' | 'pending';
  decidedAt: IsoDate | null;
  decidedBy: string | null;
  reason: string;
}

export interface PlannedAccount {
  id: string;
  archetype: string;
  name: string;
  registered: string;
  hq: string;
  hqCity: string;
  industry: string;
  created: IsoDate;
  closed: IsoDate | null;
  addresses: PlannedAddress[];
  owners: PlannedOwner[];
  payments: { from: IsoDate; kind: string; issuer: string }[];
  deals: PlannedDeal[];
  notes: PlannedNote[];
  requests: PlannedRequest[];
  loginPattern: string[] | null;
  services: { name: string; base: number; usageRegion: string }[];
  /** Activities the account performs by its declared industry (confirmed) or CRM mention (indicated, from a month). */
  declared: string[];
  mentions: { activity: string; month: Period }[];
  /** Planted address changes the engine must flag, with the expected severity. */
  selfCredited: { date: IsoDate; high: boolean }[];
  /** Network telemetry planted for the account, by kind, in these months. */
  telemetry: { kind: TelemetryKind; months: Period[] } | null;
}

export type TelemetryKind =
  | 'pool-443'
  | 'stratum'
  | 'node'
  | 'listed-node'
  | 'exchange-client'
  | 'weak-node'
  | 'pool-by-name'
  | 'pool-like-web'
  | 'web';

/** The signal the classifier must report for each planted kind (null: none), and the activity it confirms. */
export const EXPECTED_SIGNAL: Record<
  TelemetryKind,
  { signal: string; network: string | null; strength: string; confirms: string | null } | null
> = {
  'pool-443': { signal: 'miner', network: null, strength: 'strong', confirms: 'crypto.mining' },
  stratum: { signal: 'miner', network: null, strength: 'moderate', confirms: 'crypto.mining' },
  node: { signal: 'node', network: 'ethereum', strength: 'strong', confirms: 'crypto.node' },
  'listed-node': { signal: 'node', network: 'ethereum', strength: 'strong', confirms: 'crypto.node' },
  'exchange-client': { signal: 'exchange-client', network: null, strength: 'strong', confirms: null },
  'weak-node': { signal: 'node', network: 'ethereum', strength: 'weak', confirms: null },
  // A pool on no list, known by its name (stratum-…) and miner-shaped flows on 443.
  'pool-by-name': { signal: 'miner', network: null, strength: 'moderate', confirms: 'crypto.mining' },
  // Ordinary names that look like pools (pool-party, poolside), with web traffic: nothing.
  'pool-like-web': null,
  web: null,
};

export interface StaffMember {
  id: string;
  name: string;
  team: string;
  entity: string;
  workCountry: string;
  workCity: string;
}
