import { existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ImportMap } from '../contract/import-map.ts';
import type { BillingFormat } from '../ingest/exports/billing-formats.ts';
import { BundleError, type Problem } from '../ingest/problems.ts';
import { type BillingSource, importBillingExport, sourceColumns } from '../store/billing-import.ts';
import { idsByName } from './bundle-names.ts';
import { recordImport } from './import-report.ts';

const INVOICE_COLUMNS = [
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
  'seller_entity_id',
  'currency',
];

/** What `daylight import` did, recorded beside the tables in import-report.json. */
export interface ImportReport {
  format: string;
  version: string;
  files: number;
  rows_read: number;
  rows_mapped: number;
  rows_skipped: Record<string, number>;
  /** Rows without a region, credited to the cloud region `unknown` (UNMAPPED on the usage-region basis). */
  rows_without_region: number;
  invoice_rows_written: number;
  /** Per period: the exact source sums, the sum of the rounded invoice rows, and the difference. */
  periods: {
    period: string;
    rows: number;
    tax_rows: number;
    source_net: string;
    source_tax: string;
    bundle_net: string;
    residue: string;
  }[];
  sellers: { name: string; rows: number; entity_id: string | null }[];
  /** Invoice rows of earlier imports kept (periods this import did not bring). */
  kept_rows: number;
  /** What the export could not say, said instead of guessed. */
  warnings: string[];
}

/** The files of the sources: files as given, folders searched for CSV (gzipped too) and Parquet files. */
export function sourceFiles(sources: string[]): BillingSource {
  const files: string[] = [];
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) for (const entry of readdirSync(path).sort()) walk(join(path, entry));
    else if (/\.(csv|csv\.gz|parquet)$/i.test(path)) files.push(resolve(path));
  };
  const missing: Problem[] = [];
  for (const s of sources) {
    if (!existsSync(s)) missing.push({ file: s, message: 'no such file or folder' });
    else walk(s);
  }
  if (missing.length) throw new BundleError(missing);
  if (files.length === 0)
    throw new BundleError([{ file: sources.join(', '), message: 'no CSV or Parquet file' }]);
  const parquet = files.filter((f) => f.endsWith('.parquet'));
  if (parquet.length > 0 && parquet.length < files.length)
    throw new BundleError([
      { file: sources.join(', '), message: 'CSV and Parquet files mixed: import them apart' },
    ]);
  return { files, format: parquet.length ? 'parquet' : 'csv' };
}

/** A stable invoice id for a group: the same export always gives the same ids. */

/**
 * A billing export (FOCUS or CUR) into the bundle's invoices.csv: rows summed exactly per account, period,
 * service, usage region, seller and currency and rounded once, half to even; taxes counted, never revenue. Invoice
 * rows already in the bundle for other periods are kept; nothing is written when the export breaks.
 */
export async function importBilling(
  format: BillingFormat,
  sources: string[],
  bundleDir: string,
  options: { map: ImportMap; accountLevel?: string },
): Promise<ImportReport> {
  const source = sourceFiles(sources);
  const columns = await sourceColumns(source);
  const version = format.version(columns);
  if (!version)
    throw new BundleError([
      { file: source.files[0]!, message: `not a ${format.name.toUpperCase()} export (its columns are not)` },
    ]);
  const missing = format.required(columns).filter((c) => !columns.includes(c));
  if (missing.length)
    throw new BundleError(
      missing.map((column) => ({
        file: source.files[0]!,
        line: 1,
        column,
        message: 'required column is missing',
      })),
    );
  const entities = await idsByName(bundleDir, 'entities', 'entity_id');
  const sellerId = (name: string | null) =>
    name ? (options.map.sellers[name] ?? entities.get(name) ?? null) : null;
  const target = join(bundleDir, 'invoices.csv');
  const partial = `${target}.partial`;
  const read = await importBillingExport(source, format.layout(columns, options), columns, async (s) => ({
    path: partial,
    columns: INVOICE_COLUMNS,
    accounts: options.map.accounts,
    sellers: Object.fromEntries(
      s.sellers.flatMap((x) => {
        const id = sellerId(x.name || null);
        return id ? [[x.name, id]] : [];
      }),
    ),
    idPrefix: format.name[0]!.toUpperCase(),
    keep: existsSync(target) ? target : undefined,
  }));
  if ('problems' in read) throw new BundleError(read.problems);
  const { summary } = read;
  renameSync(partial, target);

  const taxRows = summary.periods.reduce((n, p) => n + p.tax_rows, 0);
  const report: ImportReport = {
    format: format.name,
    version,
    files: source.files.length,
    rows_read: summary.rows,
    rows_mapped: summary.rows - taxRows,
    rows_skipped: { tax: taxRows },
    rows_without_region: summary.no_region,
    invoice_rows_written: read.written,
    periods: summary.periods,
    sellers: summary.sellers.map((s) => ({ ...s, entity_id: sellerId(s.name || null) })),
    kept_rows: read.kept,
    warnings: [
      ...summary.sellers
        .filter((s) => s.name && !sellerId(s.name))
        .map(
          (s) =>
            `seller "${s.name}" (${s.rows} rows) is neither in the mapping (sellers) nor the name of an entity in entities.csv: its rows name no seller`,
        ),
      ...(summary.no_region
        ? [
            `${summary.no_region} row(s) name no region: their usage region is "unknown" (UNMAPPED on the usage-region basis)`,
          ]
        : []),
    ],
  };
  recordImport(bundleDir, format.name, report);
  return report;
}
