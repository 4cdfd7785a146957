import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterScreen } from '../cluster/coordinator.ts';
import type { BundleTables } from '../contract/tables.ts';
import { type AuditResult, audit } from '../engine/audit.ts';
import type { Facts } from '../engine/facts.ts';
import type { NetworkSignal } from '../engine/network/classify.ts';
import { parseSettings, settingsSchema } from '../engine/settings.ts';
import { BundleError } from '../ingest/problems.ts';
import { outputTables, writeAuditFiles } from '../outputs/files.ts';
import { renderReport } from '../outputs/report/html.ts';
import { reportModel } from '../outputs/report/model.ts';
import { linesDigest } from '../store/ledger.ts';
import type { Store } from '../store/store.ts';
import { sha256Hex } from '../util/hash.ts';
import { actor } from './actor.ts';
import { ingestBundle } from './ingest-bundle.ts';
import { type FactsProgress, factsWith, loadFacts } from './load-facts.ts';
import { shippedRules } from './rules.ts';
import {
  expectedReadingId,
  readTelemetry,
  storedSignals,
  storeReading,
  type TelemetryOptions,
} from './telemetry-reading.ts';
import { outboxEvent } from './webhooks.ts';

export interface AuditRun {
  runId: string;
  snapshotId: string;
  created: boolean;
  result: AuditResult;
  files: string[];
}

export interface AuditOptions {
  outDir: string;
  /** Settings given on the command line; they win over daylight.json's. */
  overrides?: Record<string, unknown>;
  onStep?: (step: string) => void;
  onFactsProgress?: FactsProgress;
}

export interface AuditBundleOptions extends AuditOptions, Omit<TelemetryOptions, 'onProgress'> {
  onRows?: (table: string, rows: number) => void;
  /** A large table loaded and checked by the store: how far it has read the file (percent). */
  onScreenProgress?: (table: string, percent: number) => void;
  maxProblems?: number;
  /** Extend a stored snapshot with the bundle's invoice periods (see ingestBundle). */
  append?: string;
  /** Parts of the flow logs read so far, of how many. */
  onTelemetry?: (taken: number, total: number) => void;
}

/** ingest (if needed, with its telemetry) → the snapshot's audit. */
export async function auditBundle(
  store: Store,
  bundleDir: string,
  options: AuditBundleOptions,
): Promise<AuditRun> {
  const step = options.onStep ?? (() => {});
  step('reading and validating the bundle');
  const telemetry: TelemetryOptions = {
    skipBad: options.skipBad,
    indicators: options.indicators,
    threads: options.threads,
    onProgress: options.onTelemetry,
    cluster: options.cluster,
  };
  const { snapshotId, created, bundle, beside } = await ingestBundle(store, bundleDir, {
    onProgress: options.onRows,
    onScreenProgress: options.onScreenProgress,
    maxProblems: options.maxProblems,
    append: options.append,
    telemetry,
    remoteScreen: options.cluster && clusterScreen(options.cluster),
    onStep: step,
    // The engine runs on the validated bundle while the store checks, digests and commits it.
    beside: async ({ snapshotId, bundle, reading }) => {
      step('loading facts from the store');
      const signals = reading.signalLines.map((line) => JSON.parse(line) as NetworkSignal);
      const meta = JSON.stringify(bundle.meta);
      const facts = await store.withReader((snapshots) =>
        factsWith(
          snapshots,
          snapshotId,
          meta,
          withoutInvoices(bundle.tables),
          signals,
          options.onFactsProgress,
        ),
      );
      return { result: runEngine(facts, meta, options), readingId: reading.readingId };
    },
  });
  if (beside) {
    const run = await recordAudit(store, snapshotId, beside.result, beside.readingId, options);
    return { ...run, created };
  }
  // A snapshot stored earlier may have been read with other indicators: read its telemetry again with these.
  const readingId = expectedReadingId(snapshotId, bundle?.dir ?? bundleDir, telemetry);
  if (!(await store.telemetry.exists(readingId))) {
    step('reading telemetry');
    const tables = {
      accounts: await store.snapshots.readTable(snapshotId, 'accounts'),
      ip_allocations: await store.snapshots.readTable(snapshotId, 'ip_allocations'),
      public_nodes: await store.snapshots.readTable(snapshotId, 'public_nodes'),
    };
    await storeReading(store, await readTelemetry(snapshotId, bundleDir, tables, telemetry), actor());
  }
  const run = await auditSnapshot(store, snapshotId, {
    ...options,
    readingId,
    inMemory: bundle ? withoutInvoices(bundle.tables) : undefined,
  });
  return { ...run, created };
}

/**
 * Audits a stored snapshot: facts from the store, the signals of its telemetry reading (by default the one made at
 * ingest), the engine, then files, report and the run recorded in the store. Needs no bundle folder.
 */
export async function auditSnapshot(
  store: Store,
  snapshotId: string,
  options: AuditOptions & { readingId?: string; inMemory?: Omit<BundleTables, 'invoices'> },
): Promise<Omit<AuditRun, 'created'>> {
  const step = options.onStep ?? (() => {});
  const snapshot = await store.snapshots.get(snapshotId);
  if (!snapshot) throw new Error(`no snapshot ${snapshotId} in ${store.path}`);
  const readingId = options.readingId ?? (await store.telemetry.first(snapshotId))?.readingId;
  step('loading facts from the store');
  const signals = readingId ? await storedSignals(store, readingId) : [];
  const facts = await loadFacts(
    store.snapshots,
    snapshotId,
    signals,
    options.inMemory,
    options.onFactsProgress,
  );
  return recordAudit(store, snapshotId, runEngine(facts, snapshot.meta, options), readingId ?? null, options);
}

/** The engine on a snapshot's facts, with the settings of its stored meta and the command line's. */
function runEngine(facts: Facts, storedMeta: string, options: AuditOptions): AuditResult {
  const settings = bundleSettings(JSON.parse(storedMeta).settings ?? {}, options.overrides ?? {});
  return audit(facts, shippedRules(), { settings, onStep: options.onStep });
}

/** An audit's files and report, and its run recorded in the store. */
async function recordAudit(
  store: Store,
  snapshotId: string,
  result: AuditResult,
  readingId: string | null,
  options: AuditOptions,
): Promise<Omit<AuditRun, 'created'>> {
  options.onStep?.('writing outputs');
  // The findings as JSON lines once, for the file and for the run's record.
  const findingLines = result.findings.map((f) => JSON.stringify(f));
  const files = writeAuditFiles(result, options.outDir, findingLines);
  const reportPath = join(options.outDir, 'report.html');
  writeFileSync(reportPath, renderReport(reportModel(result, 'Daylight audit')));
  files.push(reportPath);
  const runId = await recordRun(store, snapshotId, result, readingId, findingLines);
  return { runId, snapshotId, result, files };
}

/** A `findings.raised` event lists this many findings at most (its count says how many there are). */
const MAX_FINDINGS_IN_EVENT = 500;

/** Records an audit run and its findings with a ledger entry; the same run (same inputs, same findings) once. */
async function recordRun(
  store: Store,
  snapshotId: string,
  result: AuditResult,
  readingId: string | null,
  findingLines: string[],
): Promise<string> {
  const digest = linesDigest(findingLines);
  const settings = result.settings;
  const runId = sha256Hex(
    `${snapshotId}\n${JSON.stringify(settings)}\n${result.rulebook.version}\n${digest}`,
  ).slice(0, 16);
  if (await store.runs.exists(runId)) return runId;
  const previous = await store.runs.latest();
  const known = previous ? await store.runs.findingIds(previous.run_id) : new Set<string>();
  const raised = result.findings.filter((f) => !known.has(f.id));
  await store.transaction(async () => {
    const recorded = await store.runs.insert({
      runId,
      snapshotId,
      startedAt: new Date().toISOString(),
      readingId,
      settings,
      rulebookVersion: result.rulebook.version,
      asOf: result.context.world.facts.asOf,
      findingsDigest: digest,
      findings: result.findings,
      findingLines,
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
    await store.ledger.append('audit-run', actor(), recorded);
    if (raised.length)
      await store.outbox.enqueue([
        outboxEvent('findings.raised', {
          run_id: runId,
          snapshot_id: snapshotId,
          previous_run_id: previous?.run_id ?? null,
          count: raised.length,
          findings: raised.slice(0, MAX_FINDINGS_IN_EVENT).map((f) => ({
            id: f.id,
            code: f.code,
            severity: f.severity,
            account_id: f.account_id,
            staff_id: f.staff_id,
            period_from: f.period_from,
            period_to: f.period_to,
            revenue_at_stake: f.revenue_at_stake,
            summary: f.summary,
          })),
        }),
      ]);
  });
  return runId;
}

function withoutInvoices({ invoices: _, ...rest }: BundleTables): Omit<BundleTables, 'invoices'> {
  return rest;
}

/** Settings from daylight.json (a bad one breaks the bundle's contract: exit 2), then the command line's. */
export function bundleSettings(fromBundle: Record<string, unknown>, overrides: Record<string, unknown>) {
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
