import { once } from 'node:events';
import { createWriteStream, mkdirSync, rmSync, type WriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { createGzip, type Gzip } from 'node:zlib';
import { addMonths, type Period, periodEnd } from '../contract/dates.ts';
import { parseMoney } from '../contract/money.ts';
import { CsvParser, openText } from '../ingest/csv.ts';
import { dataCsvLine } from '../outputs/csv.ts';

export const BILLING_EXPORTS = ['focus', 'cur'] as const;
export type BillingExport = (typeof BILLING_EXPORTS)[number];

/** Where `sample --billing FORMAT` writes the export, inside the bundle folder. */
export const exportDir = (bundleDir: string, format: BillingExport) =>
  join(bundleDir, 'billing-export', format);

type Row = Record<string, string>;

/** A CSV file's rows as objects, a chunk at a time, each handled (and awaited) before the next chunk is read. */
async function readRows(path: string, onRow: (row: Row) => void | Promise<void>): Promise<void> {
  let header: string[] = [];
  let batch: Row[] = [];
  const parser = new CsvParser(
    (cells) => {
      if (header.length === 0) header = cells;
      else batch.push(Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
    },
    (line, message) => {
      throw new Error(`${path}:${line}: ${message}`);
    },
  );
  const drain = async () => {
    const rows = batch;
    batch = [];
    for (const row of rows) await onRow(row);
  };
  for await (const chunk of openText(path)) {
    parser.push(chunk as string);
    await drain();
  }
  parser.end();
  await drain();
}

/** One gzipped CSV file per partition (billing period or year), opened when first written to. */
class PartitionedCsv {
  private readonly open = new Map<string, { gzip: Gzip; file: WriteStream; buffer: string }>();
  constructor(
    private readonly pathOf: (partition: string) => string,
    private readonly header: string[],
  ) {}

  async write(partition: string, cells: string[]): Promise<void> {
    let out = this.open.get(partition);
    if (!out) {
      const path = this.pathOf(partition);
      mkdirSync(dirname(path), { recursive: true });
      const gzip = createGzip();
      const file = createWriteStream(path);
      gzip.pipe(file);
      out = { gzip, file, buffer: dataCsvLine(this.header) };
      this.open.set(partition, out);
    }
    // Lines go to zlib in large pieces: one write per line costs more than compressing it.
    out.buffer += dataCsvLine(cells);
    if (out.buffer.length > 1 << 16) await this.flush(out);
  }

  private async flush(out: { gzip: Gzip; buffer: string }): Promise<void> {
    const text = out.buffer;
    out.buffer = '';
    if (!out.gzip.write(text)) await once(out.gzip, 'drain');
  }

  async close(): Promise<void> {
    for (const out of this.open.values()) {
      await this.flush(out);
      out.gzip.end();
      await once(out.file, 'finish');
    }
  }
}

/** Cents as an amount with `places` decimals, split in two parts whose exact sum is the amount. */
function split(cents: bigint, places: number): [string, string] {
  const units = cents * 10n ** BigInt(places - 2);
  const first = (units * 3_700_000_001n) / 10_000_000_000n;
  return [decimal(first, places), decimal(units - first, places)];
}

function decimal(units: bigint, places: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(places + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -places)}.${digits.slice(-places)}`;
}

/** Six per cent tax on an amount, with `places` decimals (taxes are never revenue: the import counts them apart). */
const tax = (cents: bigint, places: number) =>
  decimal((cents * 6n * 10n ** BigInt(places - 2)) / 100n, places);

const FOCUS_COLUMNS = [
  'BillingAccountId',
  'SubAccountId',
  'BillingPeriodStart',
  'BillingPeriodEnd',
  'ChargePeriodStart',
  'ChargePeriodEnd',
  'ChargeCategory',
  'ChargeDescription',
  'ServiceName',
  'RegionId',
  'RegionName',
  'ListCost',
  'BilledCost',
  'EffectiveCost',
  'InvoiceIssuerName',
  'ProviderName',
  'PublisherName',
  'BillingCurrency',
];

const CUR_COLUMNS = [
  'identity_line_item_id',
  'bill_invoice_id',
  'bill_invoicing_entity',
  'line_item_legal_entity',
  'bill_payer_account_id',
  'line_item_usage_account_id',
  'bill_billing_period_start_date',
  'line_item_line_item_type',
  'line_item_product_code',
  'product_product_name',
  'product_region_code',
  'line_item_unblended_cost',
  'pricing_public_on_demand_cost',
  'line_item_currency_code',
];

/** The seller of record of an account in a period: the entity of the team that owned it at the period's end. */
async function sellers(bundleDir: string): Promise<(account: string, period: Period) => string> {
  const entityName = new Map<string, string>();
  await readRows(join(bundleDir, 'entities.csv'), (r) => void entityName.set(r.entity_id!, r.name!));
  const teamEntity = new Map<string, string>();
  await readRows(join(bundleDir, 'teams.csv'), (r) => void teamEntity.set(r.team_id!, r.entity_id!));
  const owners = new Map<string, { from: string; team: string }[]>();
  await readRows(join(bundleDir, 'ownership.csv'), (r) => {
    const list = owners.get(r.account_id!) ?? [];
    list.push({ from: r.valid_from!, team: r.team_id! });
    owners.set(r.account_id!, list);
  });
  for (const list of owners.values()) list.sort((a, b) => (a.from < b.from ? -1 : 1));
  return (account, period) => {
    const end = periodEnd(period);
    const team = (owners.get(account) ?? []).filter((o) => o.from <= end).at(-1)?.team;
    return entityName.get(teamEntity.get(team ?? '') ?? '') ?? '';
  };
}

/**
 * The sample's invoices as the provider's billing system would export them — FOCUS 1.0 (one gzipped file per
 * year) or CUR 2.0 (a folder per billing period) — with the quirks real exports have: costs with 11 (FOCUS) or
 * 10 (CUR) decimals that sum exactly to the cents, the literal NULL, timestamps without an offset, tax lines,
 * discounts as negative lines (CUR), no invoice id in the last month (CUR, not final yet). The bundle's
 * invoices.csv is removed: `daylight import` writes it from the export.
 */
export async function writeBillingExport(bundleDir: string, format: BillingExport): Promise<string> {
  const out = exportDir(bundleDir, format);
  rmSync(out, { recursive: true, force: true });
  const sellerOf = await sellers(bundleDir);
  const invoices = join(bundleDir, 'invoices.csv');
  let lastPeriod = '';
  await readRows(invoices, (r) => {
    if (r.period! > lastPeriod) lastPeriod = r.period!;
  });
  const writer =
    format === 'focus'
      ? new PartitionedCsv((year) => join(out, `focus-${year}.csv.gz`), FOCUS_COLUMNS)
      : new PartitionedCsv((p) => join(out, `BILLING_PERIOD=${p}`, 'part-0.csv.gz'), CUR_COLUMNS);
  await readRows(invoices, async (r) => {
    const period = r.period!;
    const seller = sellerOf(r.account_id!, period);
    const list = parseMoney(r.list_amount!);
    const discount = parseMoney(r.discount_amount!);
    const net = parseMoney(r.net_amount!);
    if (format === 'focus') {
      const start = `${period}-01 00:00:00`;
      const end = `${addMonths(period, 1)}-01 00:00:00`;
      const row = (category: string, listCost: string, billed: string) =>
        writer.write(period.slice(0, 4), [
          r.account_id!,
          'NULL',
          start,
          end,
          start,
          end,
          category,
          category === 'Tax' ? 'VAT 6%' : `${r.service} usage`,
          r.service!,
          r.usage_region!,
          'NULL',
          listCost,
          billed,
          billed,
          seller,
          'Example Cloud',
          'Example Cloud',
          'USD',
        ]);
      const [list1, list2] = split(list, 11);
      const [net1, net2] = split(net, 11);
      await row('Usage', list1, net1);
      await row('Usage', list2, net2);
      await row('Tax', '0.00000000000', tax(net, 11));
    } else {
      const invoiceId = period === lastPeriod ? '' : `EX-${period.replace('-', '')}-${r.account_id}`;
      const row = (suffix: string, type: string, unblended: string, publicCost: string) =>
        writer.write(period, [
          `${r.invoice_id}-${suffix}`,
          invoiceId,
          seller,
          seller,
          r.account_id!,
          r.account_id!,
          `${period}-01 00:00:00.000`,
          type,
          r.service!,
          r.service!,
          r.usage_region!,
          unblended,
          publicCost,
          'USD',
        ]);
      const [list1, list2] = split(list, 10);
      const [public1, public2] = split(list, 10);
      await row('u1', 'Usage', list1, public1);
      await row('u2', 'Usage', list2, public2);
      if (discount !== 0n) await row('d', 'EdpDiscount', decimal(-discount * 10n ** 8n, 10), '');
      await row('t', 'Tax', tax(net, 10), '');
    }
  });
  await writer.close();
  rmSync(invoices);
  return out;
}
