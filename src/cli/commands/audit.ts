import type { Command } from 'commander';
import { auditBundle } from '../../usecases/audit-bundle.ts';
import { printSummary } from '../summary.ts';
import { Progress } from '../ui.ts';
import {
  collectSetting,
  positiveInteger,
  printJson,
  storeOption,
  THREADS_HELP,
  withStore,
} from './shared.ts';

export function registerAudit(program: Command): void {
  storeOption(
    program
      .command('audit')
      .description(
        'Ingest a bundle if needed, credit every dollar, judge it against the rulebook and write findings',
      )
      .argument('<bundle>', 'bundle folder')
      .requiredOption(
        '--out <dir>',
        'folder for findings.ndjson, revenue.csv, segments.csv, reconciliation.csv, report.html',
      )
      .option('--set <name=value>', 'override a finding setting (repeatable)', collectSetting, {})
      .option('--max-problems <n>', 'report at most this many problems of a bad bundle', '100')
      .option('--indicators <dir>', 'extra network indicator lists (see daylight telemetry --help)')
      .option('--skip-bad-telemetry', 'count and skip malformed telemetry lines instead of refusing the file')
      .option('--threads <n>', THREADS_HELP, positiveInteger)
      .option('--json', 'print the run as JSON'),
  ).action(
    async (
      bundle: string,
      opts: {
        out: string;
        store: string;
        set: Record<string, unknown>;
        maxProblems: string;
        indicators?: string;
        skipBadTelemetry?: boolean;
        threads?: number;
        json?: boolean;
      },
    ) => {
      const progress = new Progress(16, opts.json);
      const run = await withStore(opts.store, (store) =>
        auditBundle(store, bundle, {
          outDir: opts.out,
          overrides: opts.set,
          maxProblems: Number(opts.maxProblems),
          indicatorsDir: opts.indicators,
          skipBadTelemetry: opts.skipBadTelemetry,
          telemetryThreads: opts.threads,
          onStep: (s) => progress.step(s),
          onRows: (table, rows) => progress.detail(`reading ${table}: ${rows.toLocaleString('en')} rows`),
          onTelemetry: (taken, total) => progress.detail(`reading flow logs: part ${taken} of ${total}`),
        }),
      );
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
        });
      printSummary(run, seconds);
    },
  );
}
