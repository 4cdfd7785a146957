import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDecimal, isDecimal, parseDecimal } from '../contract/decimal.ts';
import type { ImportMap } from '../contract/import-map.ts';
import { readCsvRecords, readSalesforce, type SfRecord } from '../ingest/exports/salesforce.ts';
import { BundleError, type Problem } from '../ingest/problems.ts';
import { toDataCsv } from '../outputs/csv.ts';
import { idsByName } from './bundle-names.ts';
import { recordImport } from './import-report.ts';

export interface CrmImportReport {
  kind: 'salesforce' | 'workday';
  /** Rows written per table. */
  tables: Record<string, number>;
  /** What the export could not say, said instead of guessed. */
  warnings: string[];
}

type Cell = string | null;
type Rows = Record<string, Cell>[];

/** Writes tables whole (each to a temporary file first, then into place), so a failed import leaves the old ones. */
function writeTables(
  dir: string,
  tables: Record<string, { columns: string[]; rows: Rows }>,
): Record<string, number> {
  mkdirSync(dir, { recursive: true });
  const counts: Record<string, number> = {};
  const staged: [string, string][] = [];
  for (const [name, t] of Object.entries(tables)) {
    const path = join(dir, `${name}.csv`);
    writeFileSync(
      `${path}.partial`,
      toDataCsv(
        t.columns,
        t.rows.map((r) => t.columns.map((c) => r[c] ?? '')),
      ),
    );
    staged.push([`${path}.partial`, path]);
    counts[name] = t.rows.length;
  }
  for (const [from, to] of staged) renameSync(from, to);
  return counts;
}

/** A Salesforce date or datetime (`2021-03-04T02:15:00.000+0000`) as its date as written. */
const sfDate = (v: string | undefined): string | null =>
  v && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : null;

/** A Salesforce datetime as ISO 8601 with a `+hh:mm` offset (Data Loader writes `+0000`). */
function sfTimestamp(v: string | undefined): string | null {
  if (!v) return null;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/.exec(v.trim());
  if (!m) return /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : null;
  const offset =
    !m[3] || m[3] === 'Z' ? 'Z' : m[3].includes(':') ? m[3] : `${m[3].slice(0, 3)}:${m[3].slice(3)}`;
  return `${m[1]}T${m[2]}${offset}`;
}

export async function importCrm(
  kind: 'salesforce' | 'workday',
  sources: string[],
  bundleDir: string,
  map: ImportMap,
): Promise<CrmImportReport> {
  if (kind === 'workday') return importWorkday(sources, bundleDir, map);
  if (sources.length !== 1)
    throw new BundleError([
      { file: sources.join(', '), message: 'give the one folder of the Salesforce export' },
    ]);
  return importSalesforce(sources[0]!, bundleDir, map);
}

async function importSalesforce(dir: string, bundleDir: string, map: ImportMap): Promise<CrmImportReport> {
  const sf = await readSalesforce(dir);
  const problems: Problem[] = [];
  const warnings: string[] = [];
  const at = (r: SfRecord, column: string, message: string) =>
    problems.push({ file: r.$file, line: Number(r.$line), column, message });
  const country = (r: SfRecord, field: string): string | null => {
    const v = (r[field] ?? '').trim();
    const code = map.countries[v] ?? v;
    if (/^[A-Z]{2}$/.test(code)) return code;
    at(r, field, `"${v}" is not an ISO 3166-1 alpha-2 country: add it to countries in the mapping`);
    return null;
  };
  const users = new Map((sf.User ?? []).map((u) => [u.Id!, u]));
  const staffOf = (userId: string | undefined): string | null => {
    if (!userId) return null;
    const mapped = map.users[userId] ?? users.get(userId)?.EmployeeNumber;
    return mapped || null;
  };
  const teamOf = (userId: string): string | null => {
    const u = users.get(userId);
    return (u && (map.teams[u.UserRoleId ?? ''] ?? map.teams[u.ProfileId ?? ''] ?? null)) || null;
  };
  const accountId = (id: string) => map.accounts[id] ?? id;

  // Accounts (partner accounts are agents, not customers).
  const all = sf.Account ?? [];
  const partners = all.filter((a) => a.Type === 'Partner');
  const customers = all.filter((a) => a.Type !== 'Partner');
  const f = map.account_fields;
  const accounts: Rows = customers.map((a) => ({
    account_id: accountId(a.Id!),
    name: a.Name!,
    registered_country: country(a, f.registered_country),
    hq_country: country(a, f.hq_country),
    hq_city: a[f.hq_city] || null,
    declared_industry: a.Industry || null,
    created_at: sfDate(a.CreatedDate),
    closed_at: null,
  }));
  const agents: Rows = partners.map((a) => ({
    agent_id: a.Id!,
    name: a.Name!,
    country: country(a, 'BillingCountry'),
  }));

  // Billing addresses and owners, rebuilt backwards from today's values through the field history.
  const history = (sf.AccountHistory ?? []).filter((h) => h.IsDeleted !== 'true');
  const earliest = history.map((h) => sfDate(h.CreatedDate)!).sort()[0] ?? null;
  const addressFields = ['BillingStreet', 'BillingCity', 'BillingPostalCode', 'BillingCountry'];
  const billing: Rows = [];
  const ownership: Rows = [];
  const truncated: string[] = [];
  for (const a of customers) {
    const changes = history
      .filter((h) => h.AccountId === a.Id)
      .sort((x, y) => (x.CreatedDate! < y.CreatedDate! ? 1 : x.CreatedDate! > y.CreatedDate! ? -1 : 0));
    const created = sfDate(a.CreatedDate)!;
    const hasCreation = changes.some((h) => h.Field === 'created');
    const state: Record<string, string> = Object.fromEntries(addressFields.map((k) => [k, a[k] ?? '']));
    let owner = a.OwnerId!;
    const addressRows: Rows = [];
    const ownerRows: Rows = [];
    const byMoment = new Map<string, SfRecord[]>();
    for (const h of changes) byMoment.set(h.CreatedDate!, [...(byMoment.get(h.CreatedDate!) ?? []), h]);
    for (const [moment, group] of byMoment) {
      const addressChange = group.filter((h) => addressFields.includes(h.Field!));
      const ownerChange = group.find((h) => h.Field === 'Owner' && /^005/.test(h.NewValue ?? ''));
      if (addressChange.length) {
        addressRows.push(
          addressRow(accountId(a.Id!), a, state, sfDate(moment)!, staffOf(group[0]!.CreatedById), country),
        );
        for (const h of addressChange) state[h.Field!] = h.OldValue ?? '';
      }
      if (ownerChange) {
        ownerRows.push({
          account_id: accountId(a.Id!),
          valid_from: sfDate(moment),
          team_id: teamOf(owner),
          owner_staff_id: staffOf(owner),
          changed_by: staffOf(ownerChange.CreatedById),
          reason: null,
        });
        owner = ownerChange.OldValue!;
      }
    }
    // The state before the oldest change: since creation when the history reaches it, else from where it starts.
    const from = hasCreation || !earliest || created >= earliest ? created : earliest;
    if (!hasCreation && earliest && created < earliest) truncated.push(a.Id!);
    addressRows.push(addressRow(accountId(a.Id!), a, state, from, null, country));
    ownerRows.push({
      account_id: accountId(a.Id!),
      valid_from: from,
      team_id: teamOf(owner),
      owner_staff_id: staffOf(owner),
      changed_by: null,
      reason: from === created ? 'new account' : 'owner when the field history starts',
    });
    billing.push(...addressRows.reverse());
    ownership.push(...ownerRows.reverse());
  }
  if (truncated.length)
    warnings.push(
      `field history starts ${earliest} (Salesforce keeps 18 months by default): ${truncated.length} account(s) created before it (${truncated.slice(0, 5).join(', ')}${truncated.length > 5 ? ' …' : ''}) have their address and owner from ${earliest} only; periods before it credit UNMAPPED on billing-postal and owner-team`,
    );
  for (const r of ownership) {
    if (!r.team_id)
      warnings.push(
        `account ${r.account_id}: the owner's role or profile maps to no team (teams in the mapping)`,
      );
    if (!r.owner_staff_id)
      warnings.push(
        `account ${r.account_id}: the owner has no staff id (EmployeeNumber, or users in the mapping)`,
      );
  }

  // Territories from the active model's assignment rules: a postal prefix (and a country) → the territory's region.
  const territories: Rows = [];
  const models = new Map((sf.Territory2Model ?? []).map((m) => [m.Id!, m]));
  const byTerritory = new Map((sf.Territory2 ?? []).map((t) => [t.Id!, t]));
  const items = sf.ObjectTerritory2AssignmentRuleItem ?? [];
  const rules = new Map((sf.ObjectTerritory2AssignmentRule ?? []).map((r) => [r.Id!, r]));
  for (const link of sf.RuleTerritory2Association ?? []) {
    const rule = rules.get(link.RuleId!);
    const territory = byTerritory.get(link.Territory2Id!);
    if (!rule || !territory) continue;
    const model = models.get(territory.Territory2ModelId!);
    const region = map.territories[territory.Id!] ?? map.territories[territory.DeveloperName!];
    if (!region) {
      warnings.push(
        `territory ${territory.DeveloperName}: no region in the mapping (territories); its rule is left out`,
      );
      continue;
    }
    const ruleItems = items.filter((i) => i.RuleId === rule.Id);
    const prefix = ruleItems.find(
      (i) => /BillingPostalCode$/.test(i.Field!) && /^starts ?with$/i.test(i.Operation!),
    );
    const countryItem = ruleItems.find(
      (i) => /BillingCountry$/.test(i.Field!) && /^equals$/i.test(i.Operation!),
    );
    if (!countryItem) {
      warnings.push(`rule ${rule.DeveloperName ?? rule.Id}: no BillingCountry equals item; left out`);
      continue;
    }
    for (const value of (prefix?.Value ?? '').split(',').map((v) => v.trim()))
      territories.push({
        country: map.countries[countryItem.Value!] ?? countryItem.Value!,
        postal_prefix: value || null,
        region_id: region,
        valid_from: sfDate(model?.ActivatedDate) ?? '2000-01-01',
        valid_to: sfDate(model?.DeactivatedDate),
      });
  }

  // Deals: won opportunities, their largest line discount, the partner as agent.
  const lineItems = sf.OpportunityLineItem ?? [];
  const deals: Rows = (sf.Opportunity ?? [])
    .filter((o) => o.IsWon === 'true' || /closed won/i.test(o.StageName ?? ''))
    .map((o) => {
      // Percentages compared exactly (Data Loader writes them as decimals, e.g. 12.5).
      const discounts = lineItems
        .filter((l) => l.OpportunityId === o.Id)
        .map((l) => {
          const v = (l.Discount ?? '').trim() || '0';
          if (isDecimal(v)) return parseDecimal(v);
          at(l, 'Discount', `"${v}" is not a decimal percentage`);
          return 0n;
        });
      return {
        deal_id: o.Id!,
        account_id: accountId(o.AccountId!),
        agent_id: o.PartnerAccountId || null,
        discount_pct: formatDecimal(discounts.reduce((max, d) => (d > max ? d : max), 0n)),
        valid_from: sfDate(o.CloseDate),
        valid_to: null,
        approved_by: staffOf(o.OwnerId),
        reason: o.Name || null,
      };
    });

  // CRM activities: tasks (calls, emails), events (meetings) and notes.
  const TASK_TYPES: Record<string, string> = { Call: 'call', Email: 'email', Task: 'note' };
  const activities: Rows = [
    ...(sf.Task ?? []).map((t) => ({
      activity_id: t.Id!,
      account_id: accountId(t.AccountId || t.WhatId!),
      staff_id: staffOf(t.OwnerId),
      occurred_at: sfTimestamp(t.CreatedDate) ?? sfTimestamp(t.ActivityDate),
      type: TASK_TYPES[t.TaskSubtype ?? 'Task'] ?? 'note',
      subject: t.Subject || null,
      body: t.Description || null,
    })),
    ...(sf.Event ?? []).map((e) => ({
      activity_id: e.Id!,
      account_id: accountId(e.AccountId || e.WhatId!),
      staff_id: staffOf(e.OwnerId),
      occurred_at: sfTimestamp(e.StartDateTime) ?? sfTimestamp(e.CreatedDate),
      type: 'meeting',
      subject: e.Subject || null,
      body: e.Description || null,
    })),
    ...(sf.Note ?? []).map((n) => ({
      activity_id: n.Id!,
      account_id: accountId(n.ParentId!),
      staff_id: staffOf(n.OwnerId),
      occurred_at: sfTimestamp(n.CreatedDate),
      type: 'note',
      subject: n.Title || null,
      body: n.Body || null,
    })),
  ];
  if (problems.length) throw new BundleError(problems);
  const tables = writeTables(bundleDir, {
    accounts: { columns: Object.keys(accounts[0] ?? { account_id: '' }), rows: accounts },
    billing_addresses: {
      columns: [
        'account_id',
        'valid_from',
        'country',
        'city',
        'postal_code',
        'line1',
        'changed_by',
        'reason',
      ],
      rows: billing,
    },
    ownership: {
      columns: ['account_id', 'valid_from', 'team_id', 'owner_staff_id', 'changed_by', 'reason'],
      rows: ownership,
    },
    ...(territories.length
      ? {
          territories: {
            columns: ['country', 'postal_prefix', 'region_id', 'valid_from', 'valid_to'],
            rows: territories,
          },
        }
      : {}),
    ...(agents.length ? { agents: { columns: ['agent_id', 'name', 'country'], rows: agents } } : {}),
    ...(deals.length
      ? {
          deals: {
            columns: [
              'deal_id',
              'account_id',
              'agent_id',
              'discount_pct',
              'valid_from',
              'valid_to',
              'approved_by',
              'reason',
            ],
            rows: deals,
          },
        }
      : {}),
    ...(activities.length
      ? {
          activities: {
            columns: ['activity_id', 'account_id', 'staff_id', 'occurred_at', 'type', 'subject', 'body'],
            rows: activities,
          },
        }
      : {}),
  });
  const report: CrmImportReport = { kind: 'salesforce', tables, warnings: [...new Set(warnings)] };
  recordImport(bundleDir, 'salesforce', report);
  return report;
}

function addressRow(
  account: string,
  a: SfRecord,
  state: Record<string, string>,
  validFrom: string,
  changedBy: string | null,
  country: (r: SfRecord, field: string) => string | null,
): Record<string, Cell> {
  return {
    account_id: account,
    valid_from: validFrom,
    country: country({ ...a, BillingCountry: state.BillingCountry! } as SfRecord, 'BillingCountry'),
    city: state.BillingCity || null,
    postal_code: state.BillingPostalCode || null,
    line1: state.BillingStreet || null,
    changed_by: changedBy,
    reason: changedBy ? 'changed in Salesforce (AccountHistory)' : null,
  };
}

/** Workday's worker export: one row per change of a position (company, work location, supervisory organisation). */
const WORKDAY_FIELDS = {
  id: 'Employee ID',
  name: 'Worker',
  company: 'Company',
  country: 'Work Location Country',
  city: 'Work Location City',
  organization: 'Supervisory Organization',
  effective: 'Effective Date',
} as const;

async function importWorkday(sources: string[], bundleDir: string, map: ImportMap): Promise<CrmImportReport> {
  const problems: Problem[] = [];
  const rows: SfRecord[] = [];
  for (const file of sources)
    rows.push(...(await readCsvRecords(file, Object.values(WORKDAY_FIELDS), problems)));
  if (problems.length) throw new BundleError(problems);
  const at = (r: SfRecord, column: string, message: string) =>
    problems.push({ file: r.$file, line: Number(r.$line), column, message });
  const entities = await idsByName(bundleDir, 'entities', 'entity_id');
  const teams = await idsByName(bundleDir, 'teams', 'team_id');
  const staff: Rows = rows.map((r) => {
    const company = r[WORKDAY_FIELDS.company]!;
    const organization = r[WORKDAY_FIELDS.organization]!;
    const entity = map.companies[company] ?? entities.get(company);
    const team = map.organizations[organization] ?? teams.get(organization);
    const country = map.countries[r[WORKDAY_FIELDS.country]!] ?? r[WORKDAY_FIELDS.country]!;
    if (!entity)
      at(
        r,
        WORKDAY_FIELDS.company,
        `"${company}" is no entity: add it to companies in the mapping, or name an entity so in entities.csv`,
      );
    if (!team)
      at(
        r,
        WORKDAY_FIELDS.organization,
        `"${organization}" is no team: add it to organizations in the mapping, or name a team so in teams.csv`,
      );
    if (!/^[A-Z]{2}$/.test(country))
      at(r, WORKDAY_FIELDS.country, `"${country}" is not an ISO 3166-1 alpha-2 country`);
    const effective = sfDate(r[WORKDAY_FIELDS.effective]);
    if (!effective) at(r, WORKDAY_FIELDS.effective, 'not a date (YYYY-MM-DD)');
    return {
      staff_id: r[WORKDAY_FIELDS.id]!,
      name: r[WORKDAY_FIELDS.name]!,
      team_id: team ?? null,
      employing_entity_id: entity ?? null,
      work_country: country,
      work_city: r[WORKDAY_FIELDS.city] || null,
      valid_from: effective,
    };
  });
  if (problems.length) throw new BundleError(problems);
  const tables = writeTables(bundleDir, {
    staff: {
      columns: [
        'staff_id',
        'name',
        'team_id',
        'employing_entity_id',
        'work_country',
        'work_city',
        'valid_from',
      ],
      rows: staff.sort((a, b) =>
        `${a.staff_id}${a.valid_from}`.localeCompare(`${b.staff_id}${b.valid_from}`),
      ),
    },
  });
  const report: CrmImportReport = { kind: 'workday', tables, warnings: [] };
  recordImport(bundleDir, 'workday', report);
  return report;
}
