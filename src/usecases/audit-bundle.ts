import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BundleTables } from '../contract/tables.ts';
import { type AuditResult, audit } from '../engine/audit.ts';
import { buildFacts } from '../engine/facts.ts';
import { parseSettings } from '../engine/settings.ts';
import { writeAuditFiles } from '../outputs/files.ts';
import { renderReport } from '../outputs/report/html.ts';
import { reportModel } from '../outputs/report/model.ts';
import { invoiceTotalsOf, loadFacts } from '../store/facts.ts';
import type { Store } from '../store/store.ts';
import { ingestBundle } from './ingest-bundle.ts';

export interface AuditRun {
  runId: string;
  snapshotId: string;
  created: boolean;
  result: AuditResult;
  files: string[];
}

export interface AuditBundleOptions {
  outDir: string;
  /** Settings given on the command line; they win over daylight.json's. */
  overrides?: Record<string, unknown>;
  onStep?: (step: string) => void;
  onRows?: (table: string, rows: number) => void;
  maxProblems?: number;
}

/** ingest (if needed) → facts from the store → engine → files, report and the run recorded in the store. */
export async function auditBundle(
  store: Store,
  bundleDir: string,
  options: AuditBundleOptions,
): Promise<AuditRun> {
  const step = options.onStep ?? (() => {});
  step('reading and validating the bundle');
  const { snapshotId, created, bundle } = await ingestBundle(store, bundleDir, {
    onProgress: options.onRows,
    maxProblems: options.maxProblems,
  });
  step('loading facts from the store');
  // A bundle read just now is already in memory (but its invoices): only the sums come from the store.
  const facts = bundle
    ? buildFacts(withoutInvoices(bundle.tables), bundle.meta, await invoiceTotalsOf(store, snapshotId))
    : await loadFacts(store, snapshotId);
  const meta = (await store.snapshots()).find((s) => s.snapshot_id === snapshotId)!;
  const settings = parseSettings(JSON.parse(meta.meta).settings ?? {}, options.overrides ?? {});
  const result = audit(facts, { settings, onStep: step });

  step('writing outputs');
  const files = writeAuditFiles(result, options.outDir);
  const reportPath = join(options.outDir, 'report.html');
  writeFileSync(reportPath, renderReport(reportModel(result, 'Daylight audit')));
  files.push(reportPath);
  const runId = await recordRun(store, snapshotId, result);
  return { runId, snapshotId, created, result, files };
}

async function recordRun(store: Store, snapshotId: string, result: AuditResult): Promise<string> {
  const lines = result.findings.map((f) => JSON.stringify(f));
  const digest = createHash('sha256').update(lines.join('\n')).digest('hex');
  const runId = createHash('sha256')
    .update(`${snapshotId}\n${JSON.stringify(result.settings)}\n${result.rulebook.version}\n${digest}`)
    .digest('hex')
    .slice(0, 16);
  const exists = await store.db.runAndReadAll('SELECT 1 FROM audit_runs WHERE run_id = $r', { r: runId });
  if (exists.currentRowCount > 0) return runId;
  await store.db.run('BEGIN TRANSACTION');
  try {
    await store.db.run('INSERT INTO audit_runs VALUES ($r, $s, now(), $settings, $v, $d, $n)', {
      r: runId,
      s: snapshotId,
      settings: JSON.stringify(result.settings),
      v: result.rulebook.version,
      d: digest,
      n: result.findings.length,
    });
    const appender = await store.db.createAppender('findings');
    result.findings.forEach((f, i) => {
      appender.appendVarchar(runId);
      appender.appendVarchar(f.id);
      appender.appendVarchar(f.code);
      appender.appendVarchar(f.severity);
      for (const v of [f.account_id, f.staff_id, f.jurisdiction])
        v === null ? appender.appendNull() : appender.appendVarchar(v);
      appender.appendVarchar(f.period_from);
      appender.appendVarchar(f.period_to);
      appender.appendVarchar(f.revenue_at_stake);
      appender.appendVarchar(lines[i]!);
      appender.endRow();
    });
    appender.flushSync();
    appender.closeSync();
    await store.db.run('COMMIT');
  } catch (e) {
    await store.db.run('ROLLBACK');
    throw e;
  }
  return runId;
}

function withoutInvoices({ invoices: _, ...rest }: BundleTables): Omit<BundleTables, 'invoices'> {
  return rest;
}
