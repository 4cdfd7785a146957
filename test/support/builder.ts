import { periodRange } from '../../src/contract/dates.ts';
import { parseDecimal } from '../../src/contract/decimal.ts';
import type { Finding } from '../../src/contract/finding.ts';
import { parseMoney } from '../../src/contract/money.ts';
import type {
  Account,
  BillingAddress,
  BundleTables,
  CrmActivity,
  Deal,
  Ownership,
  StaffPosition,
  TransferRequest,
} from '../../src/contract/tables.ts';
import { type AuditResult, audit } from '../../src/engine/audit.ts';
import { type Facts, factsFromTables } from '../../src/engine/facts.ts';
import type { FindingCode } from '../../src/engine/findings/registry.ts';
import { parseSettings } from '../../src/engine/settings.ts';
import { shippedRules } from '../../src/usecases/rules.ts';

/**
 * A small in-memory bundle for unit tests: a Greater China organisation with a Chengdu and a Beijing team,
 * a Hong Kong team and an SG-entity FSI team with one member working in Beijing.
 */
export class BundleBuilder {
  readonly tables: BundleTables = {
    entities: [
      { entity_id: 'E-CN', name: 'Example Cloud (Beijing) Co., Ltd.', country: 'CN' },
      { entity_id: 'E-HK', name: 'Example Cloud (HK) Ltd', country: 'HK' },
      { entity_id: 'E-SG', name: 'Example Cloud (SG) Pte Ltd', country: 'SG' },
    ],
    regions: [
      { region_id: 'WORLD', parent_id: null, name: 'World', country: null },
      { region_id: 'GCR', parent_id: 'WORLD', name: 'Greater China', country: null },
      { region_id: 'CN', parent_id: 'GCR', name: 'Mainland', country: 'CN' },
      { region_id: 'CN-WEST', parent_id: 'CN', name: 'Chengdu', country: null },
      { region_id: 'CN-NORTH', parent_id: 'CN', name: 'Beijing', country: null },
      { region_id: 'HK', parent_id: 'GCR', name: 'Hong Kong', country: 'HK' },
      { region_id: 'SG', parent_id: 'WORLD', name: 'Singapore', country: 'SG' },
    ],
    territories: [
      { country: 'CN', postal_prefix: null, region_id: 'CN', valid_from: '2015-01-01', valid_to: null },
      { country: 'CN', postal_prefix: '610', region_id: 'CN-WEST', valid_from: '2015-01-01', valid_to: null },
      {
        country: 'CN',
        postal_prefix: '100',
        region_id: 'CN-NORTH',
        valid_from: '2015-01-01',
        valid_to: null,
      },
      { country: 'HK', postal_prefix: null, region_id: 'HK', valid_from: '2015-01-01', valid_to: null },
      { country: 'SG', postal_prefix: null, region_id: 'SG', valid_from: '2015-01-01', valid_to: null },
    ],
    teams: [
      { team_id: 'T-CD', name: 'CN West Territory (Chengdu)', entity_id: 'E-CN', sales_region: 'CN-WEST' },
      { team_id: 'T-BJ', name: 'CN North Territory (Beijing)', entity_id: 'E-CN', sales_region: 'CN-NORTH' },
      { team_id: 'T-HK', name: 'Hong Kong', entity_id: 'E-HK', sales_region: 'HK' },
      { team_id: 'T-FSI', name: 'Financial Services (FSI)', entity_id: 'E-SG', sales_region: 'SG' },
    ],
    staff: [
      staffRow('S-CD', 'T-CD', 'E-CN', 'CN'),
      staffRow('S-BJ', 'T-BJ', 'E-CN', 'CN'),
      staffRow('S-HK', 'T-HK', 'E-HK', 'HK'),
      staffRow('S-FSI-CN', 'T-FSI', 'E-SG', 'CN'),
      staffRow('S-FSI-SG', 'T-FSI', 'E-SG', 'SG'),
    ],
    accounts: [],
    billing_addresses: [],
    ownership: [],
    transfer_requests: [],
    agents: [{ agent_id: 'AG', name: 'Agent Ltd', country: 'HK' }],
    deals: [],
    activities: [],
    logins: [],
    payment_methods: [],
    fx_rates: [],
    invoices: [],
    cloud_regions: [],
    reported_revenue: [],
    ip_allocations: [],
    public_nodes: [],
  };
  private invoiceSeq = 0;

  /** An account with its first billing address and owner, from `created_at`. */
  account(
    a: Partial<Account> & { account_id: string },
    address: Partial<BillingAddress> = {},
    owner: Partial<Ownership> = {},
  ): this {
    const created = a.created_at ?? '2021-01-01';
    this.tables.accounts.push({
      name: a.account_id,
      registered_country: a.hq_country ?? 'CN',
      hq_country: 'CN',
      hq_city: null,
      declared_industry: null,
      created_at: created,
      closed_at: null,
      ...a,
    });
    this.address(a.account_id, { valid_from: created, country: 'CN', postal_code: '610001', ...address });
    this.owner(a.account_id, { valid_from: created, team_id: 'T-CD', owner_staff_id: 'S-CD', ...owner });
    return this;
  }

  /** An exchange registered and run from Hong Kong (billed in CN unless the address says otherwise). */
  hongKongExchange(
    a: Partial<Account> & { account_id: string },
    address: Partial<BillingAddress> = {},
  ): this {
    return this.account(
      { hq_country: 'HK', registered_country: 'HK', declared_industry: 'Crypto exchange', ...a },
      address,
    );
  }

  address(account_id: string, a: Partial<BillingAddress> & { valid_from: string }): this {
    this.tables.billing_addresses.push({
      account_id,
      country: 'CN',
      city: null,
      postal_code: null,
      line1: null,
      changed_by: null,
      reason: null,
      ...a,
    });
    return this;
  }

  owner(account_id: string, o: Partial<Ownership> & { valid_from: string }): this {
    this.tables.ownership.push({
      account_id,
      team_id: 'T-CD',
      owner_staff_id: 'S-CD',
      changed_by: null,
      reason: null,
      ...o,
    });
    return this;
  }

  staff(row: StaffPosition): this {
    this.tables.staff.push(row);
    return this;
  }

  note(account_id: string, occurred_at: string, body: string, extra: Partial<CrmActivity> = {}): this {
    this.tables.activities.push({
      activity_id: `N${this.tables.activities.length + 1}`,
      account_id,
      staff_id: 'S-CD',
      occurred_at,
      type: 'note',
      subject: null,
      body,
      ...extra,
    });
    return this;
  }

  deal(
    account_id: string,
    pct: string,
    valid_from: string,
    extra: Partial<Omit<Deal, 'discount_pct'>> = {},
  ): this {
    this.tables.deals.push({
      deal_id: `D${this.tables.deals.length + 1}`,
      account_id,
      agent_id: null,
      discount_pct: parseDecimal(pct),
      valid_from,
      valid_to: null,
      approved_by: 'S-CD',
      reason: null,
      ...extra,
    });
    return this;
  }

  request(r: Partial<TransferRequest> & { account_id: string; decided_at: string | null }): this {
    this.tables.transfer_requests.push({
      request_id: `R${this.tables.transfer_requests.length + 1}`,
      requested_at: '2021-01-01',
      from_team_id: 'T-CD',
      to_team_id: 'T-FSI',
      requested_by: 'S-CD',
      decision: 'rejected',
      decided_by: 'S-FSI-SG',
      reason: null,
      ...r,
    });
    return this;
  }

  logins(account_id: string, from: string, count: number, every: number, countries: string[]): this {
    for (let i = 0; i < count; i++) {
      const day = new Date(Date.parse(`${from}T00:00:00Z`) + i * every * 86_400_000)
        .toISOString()
        .slice(0, 10);
      this.tables.logins.push({
        account_id,
        occurred_at: `${day}T09:00:00Z`,
        source_ip: null,
        country: countries[i % countries.length]!,
      });
    }
    return this;
  }

  /** One invoice row per period given, of `amount` each. */
  invoices(account_id: string, periods: string[], amount = '100.00', usage_region = 'cn-northwest-1'): this {
    for (const period of periods) {
      const net = parseMoney(amount);
      this.tables.invoices.push({
        invoice_id: `I${++this.invoiceSeq}`,
        account_id,
        period,
        service: 'compute',
        usage_region,
        list_amount: net,
        discount_amount: 0n,
        net_amount: net,
        deal_id: null,
        agent_id: null,
        seller_entity_id: null,
        currency: null,
      });
    }
    return this;
  }

  facts(asOf = '2022-12-31', home = 'CN'): Facts {
    return factsFromTables(this.tables, { home_country: home, currency: 'USD', as_of: asOf });
  }

  audit(asOf = '2022-12-31', settings: Record<string, unknown> = {}): AuditResult {
    return audit(this.facts(asOf), shippedRules(), { settings: parseSettings(settings) });
  }

  findings(code: FindingCode, asOf = '2022-12-31', settings: Record<string, unknown> = {}): Finding[] {
    return this.audit(asOf, settings).findings.filter((f) => f.code === code);
  }
}

function staffRow(
  staff_id: string,
  team_id: string,
  employing_entity_id: string,
  work_country: string,
): StaffPosition {
  return {
    staff_id,
    name: staff_id,
    team_id,
    employing_entity_id,
    work_country,
    work_city: null,
    valid_from: '2015-01-01',
  };
}

/** The periods from `from` to `to`, inclusive. */
export const months = (from: string, to: string): string[] => periodRange(from, to);
