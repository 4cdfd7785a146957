import type { TableName } from './tables.ts';

/** A column whose values must be values of another table's column (null allowed where the column is optional). */
export interface ForeignKey {
  table: TableName;
  column: string;
  target: TableName;
  targetColumn: string;
}

export const FOREIGN_KEYS: ForeignKey[] = [
  ['regions', 'parent_id', 'regions', 'region_id'],
  ['territories', 'region_id', 'regions', 'region_id'],
  ['teams', 'entity_id', 'entities', 'entity_id'],
  ['teams', 'sales_region', 'regions', 'region_id'],
  ['staff', 'team_id', 'teams', 'team_id'],
  ['staff', 'employing_entity_id', 'entities', 'entity_id'],
  ['billing_addresses', 'account_id', 'accounts', 'account_id'],
  ['billing_addresses', 'changed_by', 'staff', 'staff_id'],
  ['ownership', 'account_id', 'accounts', 'account_id'],
  ['ownership', 'team_id', 'teams', 'team_id'],
  ['ownership', 'owner_staff_id', 'staff', 'staff_id'],
  ['ownership', 'changed_by', 'staff', 'staff_id'],
  ['transfer_requests', 'account_id', 'accounts', 'account_id'],
  ['transfer_requests', 'from_team_id', 'teams', 'team_id'],
  ['transfer_requests', 'to_team_id', 'teams', 'team_id'],
  ['transfer_requests', 'requested_by', 'staff', 'staff_id'],
  ['transfer_requests', 'decided_by', 'staff', 'staff_id'],
  ['deals', 'account_id', 'accounts', 'account_id'],
  ['deals', 'agent_id', 'agents', 'agent_id'],
  ['deals', 'approved_by', 'staff', 'staff_id'],
  ['activities', 'account_id', 'accounts', 'account_id'],
  ['activities', 'staff_id', 'staff', 'staff_id'],
  ['logins', 'account_id', 'accounts', 'account_id'],
  ['payment_methods', 'account_id', 'accounts', 'account_id'],
  ['invoices', 'account_id', 'accounts', 'account_id'],
  ['invoices', 'deal_id', 'deals', 'deal_id'],
  ['invoices', 'agent_id', 'agents', 'agent_id'],
  ['invoices', 'seller_entity_id', 'entities', 'entity_id'],
  ['reported_revenue', 'region_id', 'regions', 'region_id'],
  ['ip_allocations', 'account_id', 'accounts', 'account_id'],
].map(([table, column, target, targetColumn]) => ({ table, column, target, targetColumn }) as ForeignKey);
