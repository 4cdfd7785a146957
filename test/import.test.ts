import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Finding } from '../src/contract/finding.ts';
import { type ImportMap, importMapSchema } from '../src/contract/import-map.ts';
import { parseCsvFile } from '../src/ingest/csv.ts';
import { CUR, FOCUS } from '../src/ingest/exports/billing-formats.ts';
import { BundleError } from '../src/ingest/problems.ts';
import { Store } from '../src/store/store.ts';
import { auditBundle } from '../src/usecases/audit-bundle.ts';
import { importBilling } from '../src/usecases/import-billing.ts';
import { importCrm } from '../src/usecases/import-crm.ts';
import { tempDir } from './support/bundles.ts';

const EXPORTS = join(import.meta.dirname, 'fixtures', 'exports');
const FOCUS_SAMPLE = join(import.meta.dirname, '..', '..', 'shared', 'data', 'focus', 'focus_sample.csv');
const haveShared = existsSync(FOCUS_SAMPLE);
if (!haveShared) console.warn(`skipping the FOCUS sample tests: ${FOCUS_SAMPLE} is absent`);

const map: ImportMap = importMapSchema.parse(parse(readFileSync(join(EXPORTS, 'map.yaml'), 'utf8')));
const noMap: ImportMap = importMapSchema.parse({});

/** A CSV file as records keyed by header (the literal NULL read as empty, as exports write it). */
async function records(path: string): Promise<Record<string, string>[]> {
  const out: Record<string, string>[] = [];
  let header: string[] = [];
  await parseCsvFile(
    path,
    (cells) => {
      if (header.length === 0) header = cells;
      else
        out.push(Object.fromEntries(header.map((h, i) => [h, cells[i] === 'NULL' ? '' : (cells[i] ?? '')])));
    },
    (line, message) => {
      throw new Error(`${path}:${line}: ${message}`);
    },
  );
  return out;
}

const SCALE = 18;
/** A decimal string as an integer of 10^-18 units, by hand. */
function scaled(text: string): bigint {
  if (!text) return 0n;
  const negative = text.startsWith('-');
  const [whole, fraction = ''] = text.replace(/^[-+]/, '').split('.');
  const units = BigInt(`${whole}${fraction.padEnd(SCALE, '0')}`);
  return negative ? -units : units;
}

/** 10^-18 units to cents, half to even. */
function toCents(units: bigint): bigint {
  const d = 10n ** BigInt(SCALE - 2);
  const negative = units < 0n;
  const a = negative ? -units : units;
  let q = a / d;
  const r = a % d;
  if (r * 2n > d || (r * 2n === d && q % 2n === 1n)) q += 1n;
  return negative ? -q : q;
}

function cents(text: string): bigint {
  return scaled(text) / 10n ** BigInt(SCALE - 2);
}

/** invoices.csv keyed by account|period|service|region|seller|currency → net cents. */
async function invoiceNets(dir: string): Promise<Map<string, bigint>> {
  const rows = await records(join(dir, 'invoices.csv'));
  return new Map(
    rows.map((r) => [
      [r.account_id, r.period, r.service, r.usage_region, r.seller_entity_id, r.currency].join('|'),
      cents(r.net_amount!),
    ]),
  );
}

function sumByKey<T>(rows: T[], key: (r: T) => string | null, value: (r: T) => bigint): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const r of rows) {
    const k = key(r);
    if (k !== null) out.set(k, (out.get(k) ?? 0n) + value(r));
  }
  return new Map([...out].map(([k, v]) => [k, toCents(v)]));
}

const REGION_ID = /^[a-z]{2}(-[a-z]+)+-\d+$/;

describe.skipIf(!haveShared)('FOCUS import of the shared sample', () => {
  it('sums every billed cost exactly per account, period, service, region and seller, rounded once half to even', async () => {
    const dir = tempDir('daylight-focus-');
    const report = await importBilling(FOCUS, [FOCUS_SAMPLE], dir, { map });
    const source = await records(FOCUS_SAMPLE);
    const expected = sumByKey(
      source,
      (r) =>
        r.ChargeCategory === 'Tax'
          ? null
          : [
              map.accounts[r.BillingAccountId!] ?? r.BillingAccountId,
              r.BillingPeriodStart!.slice(0, 7),
              r.ServiceName || 'unknown',
              r.RegionId || (REGION_ID.test(r.RegionName ?? '') ? r.RegionName : 'unknown'),
              map.sellers[r.InvoiceIssuerName!] ?? '',
              r.BillingCurrency,
            ].join('|'),
      (r) => scaled(r.BilledCost!),
    );
    expect(await invoiceNets(dir)).toEqual(expected);
    expect(report.version).toBe('1.0');
    expect(report.rows_read).toBe(source.length);
    // The report's per-period source sums are the exact sums of the export.
    for (const p of report.periods) {
      const exact = source
        .filter((r) => r.BillingPeriodStart!.startsWith(p.period) && r.ChargeCategory !== 'Tax')
        .reduce((s, r) => s + scaled(r.BilledCost!), 0n);
      expect(scaled(p.source_net)).toBe(exact);
      expect(cents(p.bundle_net) * 10n ** 16n + scaled(p.residue)).toBe(exact);
    }
  });

  it('credits sub-accounts when asked', async () => {
    const dir = tempDir('daylight-focus-sub-');
    await importBilling(FOCUS, [FOCUS_SAMPLE], dir, { map: noMap, accountLevel: 'sub' });
    const accounts = new Set((await records(join(dir, 'invoices.csv'))).map((r) => r.account_id));
    const subs = new Set((await records(FOCUS_SAMPLE)).map((r) => r.SubAccountId || r.BillingAccountId));
    expect(accounts).toEqual(subs);
  });
});

describe('FOCUS 1.2 quirks', () => {
  it('counts tax apart, keeps credits negative, credits rows without a region to unknown', async () => {
    const dir = tempDir('daylight-focus12-');
    const report = await importBilling(FOCUS, [join(EXPORTS, 'focus-1.2-tax.csv')], dir, { map: noMap });
    expect(report.version).toBe('1.2');
    expect(report.rows_skipped.tax).toBe(1);
    expect(report.rows_without_region).toBe(1);
    expect(report.periods[0]!.source_tax).toMatch(/^5\.40740740734/);
    const rows = await records(join(dir, 'invoices.csv'));
    const compute = rows.find((r) => r.service === 'Compute')!;
    // 90.12345678901 + 0.00499999999 = 90.128456789, rounded once: 90.13 (two roundings would give 90.12 + 0.00).
    expect(compute).toMatchObject({ usage_region: 'cn-north-1', net_amount: '90.13', currency: 'CNY' });
    expect(rows.find((r) => r.service === 'Storage')).toMatchObject({
      usage_region: 'unknown',
      net_amount: '-2.50',
    });
    expect(report.warnings.join('\n')).toMatch(
      /Beijing Sinnet.*neither in the mapping \(sellers\) nor the name of an entity/,
    );
  });
});

describe('Parquet billing exports', () => {
  it('give the same invoices as the CSV of the same rows, typed amounts and ids included', async () => {
    const dir = tempDir('daylight-parquet-');
    const csv = join(EXPORTS, 'focus-1.2-tax.csv');
    const instance = await DuckDBInstance.create(':memory:');
    const c = await instance.connect();
    // As exporters write Parquet: amounts typed as decimals, ids as text.
    await c.run(`COPY (SELECT * REPLACE (CAST(ListCost AS DECIMAL(30,11)) AS ListCost, CAST(BilledCost AS DECIMAL(30,11)) AS BilledCost)
      FROM read_csv('${csv}', header = true, all_varchar = true, nullstr = 'NULL')) TO '${join(dir, 'part-0.parquet')}' (FORMAT parquet)`);
    c.closeSync();
    instance.closeSync();
    const fromCsv = tempDir('b-');
    const fromParquet = tempDir('b-');
    await importBilling(FOCUS, [csv], fromCsv, { map: noMap });
    await importBilling(FOCUS, [dir], fromParquet, { map: noMap });
    expect(readFileSync(join(fromParquet, 'invoices.csv'), 'utf8')).toBe(
      readFileSync(join(fromCsv, 'invoices.csv'), 'utf8'),
    );
  });
});

describe('FOCUS rows Daylight cannot sum exactly', () => {
  const variant = (edit: (lines: string[]) => void) => {
    const dir = tempDir('daylight-focus-bad-');
    const lines = readFileSync(join(EXPORTS, 'focus-1.2-tax.csv'), 'utf8').trimEnd().split('\n');
    edit(lines);
    writeFileSync(join(dir, 'focus.csv'), `${lines.join('\n')}\n`);
    return join(dir, 'focus.csv');
  };

  it('refuses an amount with more than 18 decimals rather than round it', async () => {
    const file = variant((l) => {
      l[1] = l[1]!.replace('90.12345678901', '90.1234567890123456789');
    });
    const e = await importBilling(FOCUS, [file], tempDir('b-'), { map: noMap }).catch((x) => x);
    expect(e).toBeInstanceOf(BundleError);
    expect((e as BundleError).problems[0]!.message).toMatch(/more than 18 decimals: 90\.1234567890123456789/);
  });

  it('names the file whose rows lack a currency', async () => {
    const file = variant((l) => {
      l[2] = l[2]!.replace(',CNY,', ',NULL,');
    });
    const e = await importBilling(FOCUS, [file], tempDir('b-'), { map: noMap }).catch((x) => x);
    expect(e).toBeInstanceOf(BundleError);
    expect((e as BundleError).problems).toEqual([
      { file, message: expect.stringMatching(/^1 row\(s\) without currency/) },
    ]);
  });
});

describe('AWS CUR import', () => {
  it('reads legacy CUR (gzipped) and CUR 2.0 to the same invoices, tax excluded, reductions as negative lines', async () => {
    const legacy = tempDir('daylight-cur-legacy-');
    const v2 = tempDir('daylight-cur2-');
    const a = await importBilling(CUR, [join(EXPORTS, 'cur-legacy')], legacy, { map });
    const b = await importBilling(CUR, [join(EXPORTS, 'cur2')], v2, { map });
    expect([a.version, b.version]).toEqual(['legacy', '2.0']);
    expect(readFileSync(join(legacy, 'invoices.csv'), 'utf8')).toBe(
      readFileSync(join(v2, 'invoices.csv'), 'utf8'),
    );
    const files = readdirSync(join(EXPORTS, 'cur2'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.csv'))
      .map((f) => join(EXPORTS, 'cur2', f));
    const source = (await Promise.all(files.map(records))).flat();
    const expected = sumByKey(
      source,
      (r) =>
        r.line_item_line_item_type === 'Tax'
          ? null
          : [
              r.line_item_usage_account_id || r.bill_payer_account_id,
              r.bill_billing_period_start_date!.slice(0, 7),
              r.product_product_name || r.line_item_product_code || 'unknown',
              r.product_region_code || 'unknown',
              map.sellers[r.bill_invoicing_entity!] ?? '',
              r.line_item_currency_code,
            ].join('|'),
      (r) => scaled(r.line_item_unblended_cost!),
    );
    expect(await invoiceNets(v2)).toEqual(expected);
    expect(b.rows_skipped.tax).toBe(source.filter((r) => r.line_item_line_item_type === 'Tax').length);
  });

  it('credits the payer account when asked', async () => {
    const dir = tempDir('daylight-cur-payer-');
    await importBilling(CUR, [join(EXPORTS, 'cur2')], dir, { map, accountLevel: 'payer' });
    const accounts = new Set((await records(join(dir, 'invoices.csv'))).map((r) => r.account_id));
    expect(accounts).toEqual(new Set(['111111111111', '444444444444']));
  });

  it('keeps account ids as written: leading zeros are part of an AWS account id', async () => {
    const dir = tempDir('daylight-cur-zero-');
    const header = readFileSync(join(EXPORTS, 'cur2', 'BILLING_PERIOD=2024-10', 'part-0.csv'), 'utf8').split(
      '\n',
    )[0]!;
    const row = header
      .split(',')
      .map((c) =>
        c.endsWith('account_id')
          ? '012345678901'
          : c === 'bill_billing_period_start_date'
            ? '2024-10-01 00:00:00.000'
            : c === 'line_item_line_item_type'
              ? 'Usage'
              : c === 'line_item_unblended_cost'
                ? '1.005'
                : c === 'line_item_currency_code'
                  ? 'USD'
                  : '',
      );
    writeFileSync(join(dir, 'cur.csv'), `${header}\n${row.join(',')}\n`);
    const bundle = tempDir('daylight-cur-zero-bundle-');
    await importBilling(CUR, [join(dir, 'cur.csv')], bundle, { map: noMap });
    expect(await records(join(bundle, 'invoices.csv'))).toEqual([
      expect.objectContaining({ account_id: '012345678901', net_amount: '1.00', service: 'unknown' }),
    ]);
  });

  it('rejects a bad cell with file, line and column, and leaves the bundle as it was', async () => {
    const copy = tempDir('daylight-cur-bad-');
    cpSync(join(EXPORTS, 'cur2'), copy, { recursive: true });
    const file = join(copy, 'BILLING_PERIOD=2024-09', 'part-0.csv');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[2] = lines[2]!.replace('0.0050000000', '0.005O');
    writeFileSync(file, lines.join('\n'));
    const bundle = tempDir('daylight-cur-bundle-');
    writeFileSync(join(bundle, 'invoices.csv'), 'before\n');
    const error = await importBilling(CUR, [copy], bundle, { map }).catch((e) => e);
    expect(error).toBeInstanceOf(BundleError);
    expect((error as BundleError).problems[0]).toMatchObject({
      file: file,
      line: 3,
      column: 'line_item_unblended_cost',
    });
    expect(readFileSync(join(bundle, 'invoices.csv'), 'utf8')).toBe('before\n');
    expect(readdirSync(bundle)).toEqual(['invoices.csv']);
  });

  it('says which required column is missing', async () => {
    const dir = tempDir('daylight-cur-missing-');
    writeFileSync(join(dir, 'cur.csv'), 'line_item_unblended_cost,line_item_currency_code\n1.00,USD\n');
    const error = await importBilling(CUR, [join(dir, 'cur.csv')], tempDir('b-'), { map }).catch((e) => e);
    expect(error).toBeInstanceOf(BundleError);
    expect((error as BundleError).problems.map((p) => p.column)).toEqual(
      expect.arrayContaining(['line_item_usage_account_id', 'bill_billing_period_start_date']),
    );
  });
});

describe.skipIf(!haveShared)('a bundle from Salesforce, Workday and FOCUS exports', () => {
  it('ingests and raises the findings its rows carry, with the address history from field history', async () => {
    const bundle = join(tempDir('daylight-imported-'), 'bundle');
    mkdirSync(bundle);
    cpSync(join(EXPORTS, 'org'), bundle, { recursive: true });
    const crm = await importCrm('salesforce', [join(EXPORTS, 'salesforce')], bundle, map);
    await importCrm('workday', [join(EXPORTS, 'workday', 'workers.csv')], bundle, map);
    await importBilling(FOCUS, [FOCUS_SAMPLE], bundle, { map });
    expect(crm.warnings.join('\n')).toMatch(/field history starts 2023-06-01.*0015g00000ACC01/);
    // One report per kind of import, none overwriting another's.
    const reports = JSON.parse(readFileSync(join(bundle, 'import-report.json'), 'utf8'));
    expect(Object.keys(reports).sort()).toEqual(['focus', 'salesforce', 'workday']);
    expect(reports.workday.tables).toEqual({ staff: 4 });

    const addresses = await records(join(bundle, 'billing_addresses.csv'));
    expect(addresses.filter((a) => a.account_id === '0015g00000ACC03')).toEqual([
      expect.objectContaining({ valid_from: '2023-06-01', country: 'SG', changed_by: '' }),
      expect.objectContaining({ valid_from: '2024-02-12', country: 'CN', changed_by: 'W-1001' }),
    ]);

    const root = tempDir('daylight-imported-run-');
    const store = await Store.open(join(root, 'd.duckdb'));
    try {
      await auditBundle(store, bundle, { outDir: join(root, 'out') });
      const findings: Finding[] = readFileSync(join(root, 'out', 'findings.ndjson'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(new Set(findings.map((f) => f.code))).toEqual(
        new Set([
          'prohibited-activity',
          'self-credited-address-change',
          'transfer-after-risk',
          'offshore-contract-onshore-work',
          'facilitation-note',
          'paper-offshore-account',
          'discount-beyond-policy',
        ]),
      );
      const self = findings.find((f) => f.code === 'self-credited-address-change')!;
      expect(self.account_id).toBe('0015g00000ACC03');
    } finally {
      await store.close();
    }
  });
});
