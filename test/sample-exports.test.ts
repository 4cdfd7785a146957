import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../src/contract/finding.ts';
import { importMapSchema } from '../src/contract/import-map.ts';
import { CUR, FOCUS } from '../src/ingest/exports/billing-formats.ts';
import { type BillingExport, writeBillingExport } from '../src/sample/billing-export.ts';
import { Store } from '../src/store/store.ts';
import { auditBundle } from '../src/usecases/audit-bundle.ts';
import { importBilling } from '../src/usecases/import-billing.ts';
import { copyOfSample, sampleS, tempDir } from './support/bundles.ts';

async function audited(bundle: string): Promise<string> {
  const root = tempDir('daylight-export-run-');
  const store = await Store.open(join(root, 'd.duckdb'));
  try {
    await auditBundle(store, bundle, { outDir: join(root, 'out') });
  } finally {
    store.close();
  }
  return join(root, 'out');
}

const findings = (out: string): Finding[] =>
  readFileSync(join(out, 'findings.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

/** What a finding says, without its evidence (which gains the seller of record from an export). */
const claim = (f: Finding) =>
  [f.id, f.code, f.severity, f.account_id, f.staff_id, f.revenue_at_stake, f.period_from, f.period_to].join(
    '|',
  );

const exportLines = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.csv.gz'))
    .sort()
    .flatMap((f) =>
      gunzipSync(readFileSync(join(dir, f)))
        .toString('utf8')
        .trimEnd()
        .split('\n')
        .slice(1),
    );

describe('the sample as a billing export, imported and audited', () => {
  let native: string;
  beforeAll(async () => {
    native = await audited(await sampleS());
  });

  for (const format of ['focus', 'cur'] as BillingExport[])
    it(`${format}: the same revenue to the byte and the same findings as the sample's own invoices`, async () => {
      const bundle = await copyOfSample();
      const source = await writeBillingExport(bundle, format);
      expect(existsSync(join(bundle, 'invoices.csv'))).toBe(false);
      const lines = exportLines(source);
      if (format === 'focus') {
        // Real FOCUS quirks: the literal NULL, 11 decimals, timestamps without an offset, tax rows.
        expect(lines[0]).toMatch(/,NULL,\d{4}-\d{2}-01 00:00:00,/);
        expect(lines[0]).toMatch(/,\d+\.\d{11},/);
        expect(lines.some((l) => l.includes(',Tax,'))).toBe(true);
      } else {
        // The last month is not final: its lines have no invoice id yet; discounts are negative lines.
        const periods = readdirSync(source).sort();
        const last = gunzipSync(readFileSync(join(source, periods.at(-1)!, 'part-0.csv.gz'))).toString(
          'utf8',
        );
        expect(last.split('\n')[1]!.split(',')[1]).toBe('');
        expect(lines.some((l) => /,EdpDiscount,.*,-\d+\.\d{10},/.test(l))).toBe(true);
      }

      const report = await importBilling(format === 'focus' ? FOCUS : CUR, [source], bundle, {
        map: importMapSchema.parse({}),
      });
      expect(report.rows_read).toBe(lines.length);
      // Every seller is named as an entity of the bundle: resolved without a mapping.
      expect(report.warnings).toEqual([]);
      expect(report.sellers.every((s) => s.entity_id)).toBe(true);

      const out = await audited(bundle);
      for (const file of ['revenue.csv', 'segments.csv', 'reconciliation.csv'])
        expect(readFileSync(join(out, file), 'utf8'), file).toBe(readFileSync(join(native, file), 'utf8'));
      expect(findings(out).map(claim)).toEqual(findings(native).map(claim));
      // The seller of record is now evidence: a mainland customer invoiced by an offshore entity.
      const paper = findings(out).filter((f) => f.code === 'paper-offshore-account');
      expect(paper.length).toBeGreaterThan(0);
      expect(paper.flatMap((f) => f.evidence.map((e) => e.fact)).join('\n')).toMatch(
        /invoiced by E-(SG|HK|US) .*a seller outside CN/,
      );
    });
});
