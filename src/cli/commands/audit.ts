import type { Command } from 'commander';
import type { ClusterRun } from '../../cluster/coordinator.ts';
import type { IndicatorSpec } from '../../ingest/indicator-lists.ts';
import { type AuditRun, auditBundle, auditSnapshot } from '../../usecases/audit-bundle.ts';
import { printSummary } from '../summary.ts';
import { Progress } from '../ui.ts';
import {
  APPEND_HELP,
  collectIndicators,
  collectSetting,
  INDICATORS_HELP,
  pickSnapshot,
  positiveInteger,
  printJson,
  screenProgress,
  storeOption,
  THREADS_HELP,
  withStore,
} from './shared.ts';
import { clusterOptions, NATS_HELP } from './worker.ts';

export function registerAudit(program: Command): void {
  storeOption(
    program
      .command('audit')
      .description(
        'Ingest a bundle if needed, credit every dollar, judge it against the rulebook and write findings',
      )
      .argument('[bundle]', 'bundle folder (or --snapshot)')
      .option(
        '--snapshot <id>',
        'audit a stored snapshot (an id, a prefix of one, or latest): no bundle folder needed',
      )
      .requiredOption(
        '--out <dir>',
        'folder for findings.ndjson, revenue.csv, segments.csv, reconciliation.csv, report.html',
      )
      .option('--set <name=value>', 'override a finding setting (repeatable)', collectSetting, {})
      .option('--max-problems <n>', 'report at most this many problems of a bad bundle', '100')
      .option('--append [snapshot]', APPEND_HELP)
      .option('--indicators <spec>', INDICATORS_HELP, collectIndicators)
      .option('--skip-bad-telemetry', 'count and skip malformed telemetry lines instead of refusing the file')
      .option('--threads <n>', THREADS_HELP, positiveInteger)
      .option('--nats <urls>', NATS_HELP)
      .option('--json', 'print the run as JSON'),
  ).action(
    async (
      bundle: string | undefined,
      opts: {
        snapshot?: string;
        out: string;
        store: string;
        set: Record<string, unknown>;
        maxProblems: string;
        append?: string | true;
        indicators?: IndicatorSpec[];
        skipBadTelemetry?: boolean;
        threads?: number;
        nats?: string;
        json?: boolean;
      },
    ) => {
      if ((bundle === undefined) === (opts.snapshot === undefined))
        throw new Error('give a bundle folder or --snapshot ID|latest, not both');
      if (opts.snapshot && (opts.indicators || opts.skipBadTelemetry || opts.threads || opts.nats))
        throw new Error(
          '--indicators, --skip-bad-telemetry, --threads and --nats read telemetry from a bundle folder; a snapshot keeps the reading made at ingest',
        );
      const progress = new Progress(16, opts.json);
      const onStep = (s: string) => progress.step(s);
      const onFactsProgress = (stage: string, percent: number) => progress.detail(`${stage}: ${percent} %`);
      let cluster: ClusterRun | undefined;
      const screens: ClusterRun[] = [];
      const run: AuditRun = await withStore(opts.store, async (store) => {
        if (opts.snapshot) {
          const id = await pickSnapshot(store, opts.snapshot === 'latest' ? undefined : opts.snapshot);
          return {
            ...(await auditSnapshot(store, id, {
              outDir: opts.out,
              overrides: opts.set,
              onStep,
              onFactsProgress,
            })),
            created: false,
          };
        }
        return auditBundle(store, bundle!, {
          outDir: opts.out,
          overrides: opts.set,
          maxProblems: Number(opts.maxProblems),
          append: opts.append === true ? 'latest' : opts.append,
          indicators: opts.indicators,
          skipBad: opts.skipBadTelemetry,
          threads: opts.threads,
          cluster: clusterOptions(opts.nats, progress, (run) => {
            if (run.kind === 'screen') screens.push(run);
            else cluster = run;
          }),
          onStep,
          onFactsProgress,
          onRows: (table, rows) => progress.detail(`reading ${table}: ${rows.toLocaleString('en')} rows`),
          onScreenProgress: screenProgress(progress),
          onTelemetry: (taken, total) => progress.detail(`reading flow logs: part ${taken} of ${total}`),
        });
      });
      const seconds = progress.done();
      if (opts.json)
        return printJson({
          run_id: run.runId,
          snapshot_id: run.snapshotId,
          ingested: run.created,
          seconds,
          findings: run.result.findings.length,
          by_code: Object.fromEntries(
            [...new Set(run.result.findings.map((f) => f.code))].map((c) => [
              c,
              run.result.findings.filter((f) => f.code === c).length,
            ]),
          ),
          files: run.files,
          steps: progress.steps(),
          ...(cluster ? { cluster } : {}),
          ...(screens.length ? { cluster_screens: screens } : {}),
        });
      printSummary(run, seconds);
    },
  );
}
