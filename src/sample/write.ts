import { once } from 'node:events';
import { closeSync, createWriteStream, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { type IsoDate, type Period, periodEnd } from '../contract/dates.ts';
import { abs, type Cents, formatMoney } from '../contract/money.ts';
import { BASES } from '../contract/tables.ts';
import { dataCsvLine } from '../outputs/csv.ts';
import { getOrCreate } from '../util/maps.ts';
import { invoiceLines } from './amounts.ts';
import type { PlannedAccount } from './model.ts';
import { AGENTS, CLOUD_COUNTRY, ENTITIES, PLACES, REGIONS, TEAMS, TERRITORIES, teamRegion } from './org.ts';
import { AS_OF, type Plan } from './plan.ts';
import type { Rng } from './rng.ts';
import { writeTelemetry } from './telemetry.ts';
import { type ExpectedFinding, expectedFindings, loginDates, periodsOf } from './truth.ts';

type Cell = string | number | null | undefined;

/** Writes a table a megabyte at a time, its rows made as they are written (an XL sample has millions). */
function writeTable(dir: string, name: string, header: string[], rows: Iterable<Cell[]>): void {
  const fd = openSync(join(dir, `${name}.csv`), 'w');
  try {
    let buffer = dataCsvLine(header);
    for (const row of rows) {
      buffer += dataCsvLine(row);
      if (buffer.length > 1 << 20) {
        writeSync(fd, buffer);
        buffer = '';
      }
    }
    writeSync(fd, buffer);
  } finally {
    closeSync(fd);
  }
}

/** Each account's rows of a table, one account at a time. */
function* perAccount(accounts: PlannedAccount[], rows: (a: PlannedAccount) => Cell[][]): Iterable<Cell[]> {
  for (const a of accounts) yield* rows(a);
}

const last = <T extends { from: IsoDate }>(rows: T[], date: IsoDate): T | undefined =>
  rows.filter((r) => r.from <= date).at(-1);
const parents = new Map(REGIONS.map((r) => [r.region_id, r.parent_id || null]));
const upward = (region: string): string[] => {
  const out: string[] = [];
  for (let r: string | null = region; r; r = parents.get(r) ?? (r === 'UNMAPPED' ? 'WORLD' : null))
    out.push(r);
  return out;
};
const regionByCountry = new Map<string, string>();
for (const r of REGIONS) if (!regionByCountry.has(r.country)) regionByCountry.set(r.country, r.region_id);
const regionOfCountry = (country: string) => regionByCountry.get(country) ?? 'UNMAPPED';
const cloudCountry = CLOUD_COUNTRY;

/** Net revenue per basis, month and region (with ancestors), as the sample's own books see it. */
class Books {
  /** basis → month → leaf region → net: the ancestors are added up once, when a figure is first asked for. */
  private readonly leaves = new Map<string, Map<Period, Map<string, Cents>>>();
  private rolledUp: Map<string, Cents> | null = null;
  add(basis: string, period: Period, leaf: string, amount: Cents): void {
    const months = getOrCreate(this.leaves, basis, () => new Map<Period, Map<string, Cents>>());
    const regions = getOrCreate(months, period, () => new Map<string, Cents>());
    regions.set(leaf, (regions.get(leaf) ?? 0n) + amount);
    this.rolledUp = null;
  }
  get cells(): Map<string, Cents> {
    if (!this.rolledUp) {
      this.rolledUp = new Map();
      for (const [basis, months] of this.leaves)
        for (const [period, regions] of months)
          for (const [leaf, amount] of regions)
            for (const r of upward(leaf)) {
              const key = `${basis}|${period}|${r}`;
              this.rolledUp.set(key, (this.rolledUp.get(key) ?? 0n) + amount);
            }
    }
    return this.rolledUp;
  }
  figure(basis: string, months: Period[], region: string): Cents {
    return months.reduce((s, m) => s + (this.cells.get(`${basis}|${m}|${region}`) ?? 0n), 0n);
  }
}

/** Streams every invoice row of the sample, returning the books. */
async function writeInvoices(dir: string, accounts: PlannedAccount[]): Promise<Books> {
  const books = new Books();
  const out = createWriteStream(join(dir, 'invoices.csv'));
  let buffer = dataCsvLine([
    'invoice_id',
    'account_id',
    'period',
    'service',
    'usage_region',
    'list_amount',
    'discount_amount',
    'net_amount',
    'deal_id',
    'agent_id',
  ]);
  let seq = 0;
  for (const a of accounts) {
    const periods = periodsOf(a);
    periods.forEach((p, index) => {
      const end = periodEnd(p);
      const billed = PLACES[last(a.addresses, end)!.place]!.region;
      const owned = teamRegion(last(a.owners, end)!.team);
      for (const { service: s, deal, list, discount, net } of invoiceLines(a, p, index)) {
        buffer += dataCsvLine([
          `INV${String(++seq).padStart(9, '0')}`,
          a.id,
          p,
          s.name,
          s.usageRegion,
          formatMoney(list),
          formatMoney(discount),
          formatMoney(net),
          deal?.id,
          deal?.agent,
        ]);
        books.add('billing-postal', p, billed, net);
        books.add('owner-team', p, owned, net);
        books.add('substance', p, regionOfCountry(a.hq), net);
        books.add('usage-region', p, regionOfCountry(cloudCountry[s.usageRegion] ?? ''), net);
      }
    });
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
  return books;
}

interface ReportedRow {
  basis: string;
  period: string;
  region: string;
  months: Period[];
  amount: (truth: Cents, books: Books) => Cents;
  source: string;
}

const months = (year: number, from = 1, to = 12) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${year}-${String(from + i).padStart(2, '0')}`);

/** What the provider said publicly: some figures true, some within tolerance, some not. */
const REPORTED: ReportedRow[] = [
  {
    basis: 'billing-postal',
    period: '2020',
    region: 'CN',
    months: months(2020),
    amount: (t) => t,
    source: 'annual report 2020',
  },
  {
    basis: 'billing-postal',
    period: '2021',
    region: 'HK',
    months: months(2021),
    amount: (t) => t + t / 200n,
    source: 'press briefing 2022-02',
  },
  {
    basis: 'billing-postal',
    period: '2022',
    region: 'CN',
    months: months(2022),
    amount: (t) => (t * 112n) / 100n,
    source: 'press briefing 2023-01',
  },
  {
    basis: 'owner-team',
    period: '2021',
    region: 'GCR',
    months: months(2021),
    amount: (_t, b) => b.figure('billing-postal', months(2021), 'GCR'),
    source: 'report to parent 2021',
  },
  {
    basis: 'owner-team',
    period: '2022-Q3',
    region: 'CN',
    months: months(2022, 7, 9),
    amount: (t) => t - 99_900n,
    source: 'quarterly report to parent',
  },
  {
    basis: 'substance',
    period: '2022',
    region: 'CN',
    months: months(2022),
    amount: (t) => (t * 90n) / 100n,
    source: 'segment note 2022',
  },
  {
    basis: 'billing-postal',
    period: '2022-06',
    region: 'CN-WEST',
    months: ['2022-06'],
    amount: (t) => t + 2_000_000n,
    source: 'territory dashboard',
  },
  {
    basis: 'usage-region',
    period: '2022',
    region: 'CN',
    months: months(2022),
    amount: (t) => t,
    source: 'capacity planning',
  },
];

function gap(reported: Cents, computed: Cents): boolean {
  const d = abs(reported - computed);
  return d > 100_000n && d * 100n > abs(reported);
}

export interface SampleSummary {
  dir: string;
  accounts: number;
  invoices: number;
  expected: number;
}

/** Writes the bundle's tables, daylight.json and ground-truth.json (which is not part of the bundle contract). */
export async function writeSample(
  plan: Plan,
  dir: string,
  rng: Rng,
  seed: number,
  size: string,
): Promise<SampleSummary> {
  mkdirSync(dir, { recursive: true });
  const { accounts, staff } = plan;
  writeFileSync(
    join(dir, 'daylight.json'),
    `${JSON.stringify({ home_country: 'CN', currency: 'USD', as_of: AS_OF }, null, 2)}\n`,
  );
  const tables: [string, string[], Iterable<Cell[]>][] = [
    ['entities', ['entity_id', 'name', 'country'], ENTITIES.map((e) => [e.entity_id, e.name, e.country])],
    [
      'regions',
      ['region_id', 'parent_id', 'name', 'country'],
      REGIONS.map((r) => [r.region_id, r.parent_id, r.name, r.country]),
    ],
    [
      'territories',
      ['country', 'postal_prefix', 'region_id', 'valid_from', 'valid_to'],
      TERRITORIES.map((t) => [t.country, t.postal_prefix, t.region_id, '2018-01-01', '']),
    ],
    [
      'teams',
      ['team_id', 'name', 'entity_id', 'sales_region'],
      TEAMS.map((t) => [t.team_id, t.name, t.entity_id, t.sales_region]),
    ],
    [
      'staff',
      ['staff_id', 'name', 'team_id', 'employing_entity_id', 'work_country', 'work_city', 'valid_from'],
      staff.map((s) => [s.id, s.name, s.team, s.entity, s.workCountry, s.workCity, '2018-01-01']),
    ],
    ['agents', ['agent_id', 'name', 'country'], AGENTS.map((a) => [a.agent_id, a.name, a.country])],
    [
      'cloud_regions',
      ['cloud_region', 'country'],
      [
        ['cn-north-1', 'CN'],
        ['cn-northwest-1', 'CN'],
      ],
    ],
    [
      'accounts',
      [
        'account_id',
        'name',
        'registered_country',
        'hq_country',
        'hq_city',
        'declared_industry',
        'created_at',
        'closed_at',
      ],
      perAccount(accounts, (a) => [
        [a.id, a.name, a.registered, a.hq, a.hqCity, a.industry, a.created, a.closed],
      ]),
    ],
    [
      'billing_addresses',
      ['account_id', 'valid_from', 'country', 'city', 'postal_code', 'line1', 'changed_by', 'reason'],
      perAccount(accounts, (a) =>
        a.addresses.map((x) => [
          a.id,
          x.from,
          PLACES[x.place]!.country,
          PLACES[x.place]!.city,
          x.postal,
          x.line1,
          x.changedBy,
          x.reason,
        ]),
      ),
    ],
    [
      'ownership',
      ['account_id', 'valid_from', 'team_id', 'owner_staff_id', 'changed_by', 'reason'],
      perAccount(accounts, (a) =>
        a.owners.map((o) => [a.id, o.from, o.team, o.staff, o.changedBy, o.reason]),
      ),
    ],
    [
      'transfer_requests',
      [
        'request_id',
        'account_id',
        'requested_at',
        'from_team_id',
        'to_team_id',
        'requested_by',
        'decision',
        'decided_at',
        'decided_by',
        'reason',
      ],
      perAccount(accounts, (a) =>
        a.requests.map((r) => [
          r.id,
          a.id,
          r.requestedAt,
          r.from,
          r.to,
          r.by,
          r.decision,
          r.decidedAt,
          r.decidedBy,
          r.reason,
        ]),
      ),
    ],
    [
      'deals',
      [
        'deal_id',
        'account_id',
        'agent_id',
        'discount_pct',
        'valid_from',
        'valid_to',
        'approved_by',
        'reason',
      ],
      perAccount(accounts, (a) =>
        a.deals.map((d) => [
          d.id,
          a.id,
          d.agent,
          d.pct,
          d.from,
          d.to,
          d.approvedBy,
          d.agent ? 'partner-sourced' : 'strategic',
        ]),
      ),
    ],
    [
      'activities',
      ['activity_id', 'account_id', 'staff_id', 'occurred_at', 'type', 'subject', 'body'],
      perAccount(accounts, (a) => a.notes.map((n) => [n.id, a.id, n.staff, n.at, n.type, n.subject, n.body])),
    ],
    [
      'logins',
      ['account_id', 'occurred_at', 'source_ip', 'country'],
      perAccount(accounts, (a) =>
        loginDates(a).map((l, i) => [a.id, `${l.date}T0${i % 10}:15:00Z`, `203.0.113.${i % 250}`, l.country]),
      ),
    ],
    [
      'payment_methods',
      ['account_id', 'valid_from', 'kind', 'issuer_country'],
      perAccount(accounts, (a) => a.payments.map((p) => [a.id, p.from, p.kind, p.issuer])),
    ],
  ];
  for (const [name, header, rows] of tables) writeTable(dir, name, header, rows);

  const books = await writeInvoices(dir, accounts);
  const signals = writeTelemetry(dir, accounts, rng);
  const expected: ExpectedFinding[] = expectedFindings(accounts, staff);
  const reported = REPORTED.map((r) => {
    const truth = books.figure(r.basis, r.months, r.region);
    return { r, amount: r.amount(truth, books), truth };
  });
  writeTable(
    dir,
    'reported_revenue',
    ['basis', 'period', 'region_id', 'amount', 'source'],
    reported.map(({ r, amount }) => [r.basis, r.period, r.region, formatMoney(amount), r.source]),
  );
  for (const { r, amount, truth } of reported)
    if (gap(amount, truth))
      expected.push({
        code: 'reported-revenue-gap',
        account_id: null,
        staff_id: null,
        jurisdiction: null,
        activity: null,
        period_from: r.months[0]!,
        period_to: r.months.at(-1)!,
        severity: 'medium',
      });

  const invoices = accounts.reduce((s, a) => s + periodsOf(a).length * a.services.length, 0);
  writeFileSync(
    join(dir, 'ground-truth.json'),
    `${JSON.stringify({ seed, size, as_of: AS_OF, bases: BASES, accounts: accounts.length, archetypes: countBy(accounts.map((a) => a.archetype)), expected, signals }, null, 1)}\n`,
  );
  return { dir, accounts: accounts.length, invoices, expected: expected.length };
}

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
