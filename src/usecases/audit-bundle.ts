import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BundleTables } from '../contract/tables.ts';
import { type AuditResult, audit } from '../engine/audit.ts';
import { buildFacts } from '../engine/facts.ts';
import { parseSettings, settingsSchema } from '../engine/settings.ts';
import { BundleError } from '../ingest/problems.ts';
import { outputTables, writeAuditFiles } from '../outputs/files.ts';
import { renderReport } from '../outputs/report/html.ts';
import { reportModel } from '../outputs/report/model.ts';
import { invoiceTotalsOf, loadFacts } from '../store/facts.ts';
import type { Store } from '../store/store.ts';
import { ingestBundle } from './ingest-bundle.ts';
import { bundleTelemetry } from './telemetry.ts';

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
  /** Count and skip malformed telemetry lines instead of refusing the file. */
  skipBadTelemetry?: boolean;
  /** A folder of user indicator lists, on top of the bundle's indicators/. */
  indicatorsDir?: string;
  /** Threads for flow logs (default: by their size, see bundleTelemetry). */
  telemetryThreads?: number;
  /** Parts of the flow logs read so far, of how many. */
  onTelemetry?: (taken: number, total: number) => void;
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
  step('reading telemetry');
  facts.networkSignals = (
    await bundleTelemetry(bundleDir, facts.tables, {
      skipBad: options.skipBadTelemetry,
      indicatorsDir: options.indicatorsDir,
      threads: options.telemetryThreads,
      onProgress: options.onTelemetry,
    })
  ).signals;
  const meta = (await store.snapshots()).find((s) => s.snapshot_id === snapshotId)!;
  const settings = bundleSettings(JSON.parse(meta.meta).settings ?? {}, options.overrides ?? {});
  const result = audit(facts, { settings, onStep: step });

  step('writing outputs');
  const files = writeAuditFiles(result, options.outDir);
  const reportPath = join(options.outDir, 'report.html');
  writeFileSync(reportPath, renderReport(reportModel(result, 'Daylight audit')));
  files.push(reportPath);
  const runId = await store.recordAuditRun(snapshotId, {
    settings: result.settings,
    rulebookVersion: result.rulebook.version,
    findings: result.findings,
    outputs: outputTables(result),
    verdicts: result.context.verdicts
      .all()
      .map((v) => [
        v.accountId,
        v.period,
        v.jurisdiction,
        v.activity,
        v.strength,
        v.nexus.map((n) => n.test).join(' '),
        v.rules.map((r) => r.id).join(' '),
      ]),
  });
  return { runId, snapshotId, created, result, files };
}

function withoutInvoices({ invoices: _, ...rest }: BundleTables): Omit<BundleTables, 'invoices'> {
  return rest;
}

/** Settings from daylight.json (a bad one breaks the bundle's contract: exit 2), then the command line's. */
function bundleSettings(fromBundle: Record<string, unknown>, overrides: Record<string, unknown>) {
  const bundle = settingsSchema.safeParse(fromBundle);
  if (!bundle.success)
    throw new BundleError(
      bundle.error.issues.map((i) => ({
        file: 'daylight.json',
        column: ['settings', ...i.path].join('.'),
        message: i.message,
      })),
    );
  return parseSettings(fromBundle, overrides);
}
