import { z } from 'zod';
import {
  country,
  currency,
  date,
  id,
  ipOrCidr,
  money,
  oneOf,
  optional,
  pattern,
  percent,
  period,
  port,
  postal,
  rate,
  text,
  timestamp,
} from './columns.ts';

export { BASES, type Basis } from './names.ts';

import { BASES } from './names.ts';

/** One table of the bundle: its columns (a Zod object), whether it must be present and its unique key. */
export interface TableDef<S extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  required: boolean;
  schema: z.ZodObject<S>;
  key: readonly (keyof S & string)[];
}

function table<S extends z.ZodRawShape>(
  name: string,
  required: boolean,
  shape: S,
  key: readonly (keyof S & string)[],
): TableDef<S> {
  return { name, required, schema: z.object(shape), key };
}

export const entities = table('entities', true, { entity_id: id, name: text, country }, ['entity_id']);

export const regions = table(
  'regions',
  true,
  { region_id: id, parent_id: optional(id), name: text, country: optional(country) },
  ['region_id'],
);

export const territories = table(
  'territories',
  true,
  {
    country,
    postal_prefix: optional(postal),
    region_id: id,
    valid_from: date,
    valid_to: optional(date),
  },
  ['country', 'postal_prefix', 'valid_from'],
);

export const teams = table('teams', true, { team_id: id, name: text, entity_id: id, sales_region: id }, [
  'team_id',
]);

export const staff = table(
  'staff',
  true,
  {
    staff_id: id,
    name: text,
    team_id: id,
    employing_entity_id: id,
    work_country: country,
    work_city: optional(text),
    valid_from: date,
  },
  ['staff_id', 'valid_from'],
);

export const accounts = table(
  'accounts',
  true,
  {
    account_id: id,
    name: text,
    registered_country: country,
    hq_country: country,
    hq_city: optional(text),
    declared_industry: optional(text),
    created_at: date,
    closed_at: optional(date),
  },
  ['account_id'],
);

export const billing_addresses = table(
  'billing_addresses',
  true,
  {
    account_id: id,
    valid_from: date,
    country,
    city: optional(text),
    postal_code: optional(postal),
    line1: optional(text),
    changed_by: optional(id),
    reason: optional(text),
  },
  ['account_id', 'valid_from'],
);

export const ownership = table(
  'ownership',
  true,
  {
    account_id: id,
    valid_from: date,
    team_id: id,
    owner_staff_id: id,
    changed_by: optional(id),
    reason: optional(text),
  },
  ['account_id', 'valid_from'],
);

export const transfer_requests = table(
  'transfer_requests',
  false,
  {
    request_id: id,
    account_id: id,
    requested_at: date,
    from_team_id: id,
    to_team_id: id,
    requested_by: id,
    decision: oneOf(['accepted', 'rejected', 'pending']),
    decided_at: optional(date),
    decided_by: optional(id),
    reason: optional(text),
  },
  ['request_id'],
);

export const agents = table('agents', false, { agent_id: id, name: text, country }, ['agent_id']);

export const deals = table(
  'deals',
  false,
  {
    deal_id: id,
    account_id: id,
    agent_id: optional(id),
    discount_pct: percent,
    valid_from: date,
    valid_to: optional(date),
    approved_by: id,
    reason: optional(text),
  },
  ['deal_id'],
);

export const activities = table(
  'activities',
  false,
  {
    activity_id: id,
    account_id: id,
    staff_id: id,
    occurred_at: timestamp,
    type: oneOf(['call', 'meeting', 'email', 'event', 'note', 'referral']),
    subject: optional(text),
    body: optional(text),
  },
  ['activity_id'],
);

export const logins = table(
  'logins',
  false,
  { account_id: id, occurred_at: timestamp, source_ip: optional(text), country: optional(country) },
  [],
);

export const payment_methods = table(
  'payment_methods',
  false,
  { account_id: id, valid_from: date, kind: oneOf(['card', 'bank', 'invoice']), issuer_country: country },
  ['account_id', 'valid_from'],
);

export const invoices = table(
  'invoices',
  true,
  {
    invoice_id: id,
    account_id: id,
    period,
    service: id,
    usage_region: id,
    list_amount: money,
    discount_amount: money,
    net_amount: money,
    deal_id: optional(id),
    agent_id: optional(id),
    /** The provider's legal entity that invoiced the customer (the seller of record). */
    seller_entity_id: optional(id),
    /** The currency of the amounts; empty: the bundle's reporting currency (daylight.json). */
    currency: optional(currency),
  },
  ['invoice_id'],
);

/** The rate that turns one unit of `currency` into the reporting currency, for a period. */
export const fx_rates = table('fx_rates', false, { period, currency, rate_to_reporting: rate }, [
  'period',
  'currency',
]);

export const cloud_regions = table('cloud_regions', false, { cloud_region: id, country }, ['cloud_region']);

export const reported_revenue = table(
  'reported_revenue',
  false,
  {
    basis: oneOf(BASES),
    period: pattern(/^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/, 'not a period (YYYY, YYYY-Qn or YYYY-MM)'),
    region_id: id,
    amount: money,
    source: optional(text),
  },
  ['basis', 'period', 'region_id'],
);

export const ip_allocations = table(
  'ip_allocations',
  false,
  { ip: ipOrCidr, account_id: id, valid_from: date, valid_to: optional(date) },
  ['ip', 'valid_from'],
);

export const public_nodes = table(
  'public_nodes',
  false,
  { ip: ipOrCidr, port: optional(port), network: id, seen_at: date },
  [],
);

export type TableName = keyof BundleTables;
export type AnyTable = {
  name: TableName;
  required: boolean;
  schema: z.ZodObject<z.ZodRawShape>;
  key: readonly string[];
};

/** Every table of the contract, in load order (referenced tables first). */
export const TABLES: readonly AnyTable[] = [
  entities,
  regions,
  territories,
  teams,
  staff,
  accounts,
  billing_addresses,
  ownership,
  transfer_requests,
  agents,
  deals,
  activities,
  logins,
  payment_methods,
  fx_rates,
  invoices,
  cloud_regions,
  reported_revenue,
  ip_allocations,
  public_nodes,
] as AnyTable[];

export const tableDef = (name: TableName): AnyTable => TABLES.find((t) => t.name === name)!;

type RowOf<T> = T extends TableDef<infer S> ? z.output<z.ZodObject<S>> : never;

export type Entity = RowOf<typeof entities>;
export type Region = RowOf<typeof regions>;
export type Territory = RowOf<typeof territories>;
export type Team = RowOf<typeof teams>;
export type StaffPosition = RowOf<typeof staff>;
export type Account = RowOf<typeof accounts>;
export type BillingAddress = RowOf<typeof billing_addresses>;
export type Ownership = RowOf<typeof ownership>;
export type TransferRequest = RowOf<typeof transfer_requests>;
export type Agent = RowOf<typeof agents>;
export type Deal = RowOf<typeof deals>;
export type CrmActivity = RowOf<typeof activities>;
export type Login = RowOf<typeof logins>;
export type PaymentMethod = RowOf<typeof payment_methods>;
export type Invoice = RowOf<typeof invoices>;
export type FxRate = RowOf<typeof fx_rates>;
export type CloudRegion = RowOf<typeof cloud_regions>;
export type ReportedRevenue = RowOf<typeof reported_revenue>;
export type IpAllocation = RowOf<typeof ip_allocations>;
export type PublicNode = RowOf<typeof public_nodes>;

/** All validated rows of one bundle. Optional tables are empty arrays when absent. */
export interface BundleTables {
  entities: Entity[];
  regions: Region[];
  territories: Territory[];
  teams: Team[];
  staff: StaffPosition[];
  accounts: Account[];
  billing_addresses: BillingAddress[];
  ownership: Ownership[];
  transfer_requests: TransferRequest[];
  agents: Agent[];
  deals: Deal[];
  activities: CrmActivity[];
  logins: Login[];
  payment_methods: PaymentMethod[];
  fx_rates: FxRate[];
  invoices: Invoice[];
  cloud_regions: CloudRegion[];
  reported_revenue: ReportedRevenue[];
  ip_allocations: IpAllocation[];
  public_nodes: PublicNode[];
}
