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
}

export interface StaffMember {
  id: string;
  name: string;
  team: string;
  entity: string;
  workCountry: string;
  workCity: string;
}
