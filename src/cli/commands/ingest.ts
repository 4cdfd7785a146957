import type { Command } from 'commander';
import { clusterScreen } from '../../cluster/coordinator.ts';
import { ingestBundle } from '../../usecases/ingest-bundle.ts';
import { Progress } from '../ui.ts';
import { APPEND_HELP, printJson, screenProgress, storeOption, withStore } from './shared.ts';
import { clusterOptions, NATS_HELP } from './worker.ts';

export function registerIngest(program: Command): void {
  storeOption(
    program
      .command('ingest')
      .description('Validate a bundle and store it as a snapshot (the same files twice change nothing)')
      .argument('<bundle>', 'bundle folder')
      .option('--max-problems <n>', 'report at most this many problems', '100')
      .option('--append [snapshot]', APPEND_HELP)
      .option('--nats <urls>', NATS_HELP)
      .option('--json', 'machine-readable output'),
  ).action(
    async (
      bundle: string,
      opts: { store: string; json?: boolean; maxProblems: string; append?: string | true; nats?: string },
    ) => {
      const progress = new Progress(20, opts.json);
      const cluster = clusterOptions(opts.nats, progress);
      const outcome = await withStore(opts.store, (store) =>
        ingestBundle(store, bundle, {
          maxProblems: Number(opts.maxProblems),
          append: opts.append === true ? 'latest' : opts.append,
          onProgress: (table, rows) => progress.detail(`${table}: ${rows.toLocaleString('en')} rows`),
          onScreenProgress: screenProgress(progress),
          telemetry: { cluster },
          remoteScreen: cluster && clusterScreen(cluster),
        }),
      );
      const seconds = progress.done();
      if (opts.json)
        return printJson({
          snapshotId: outcome.snapshotId,
          created: outcome.created,
          ...(outcome.extends ? { extends: outcome.extends } : {}),
          rows: outcome.rows,
          store: opts.store,
          seconds,
        });
      process.stdout.write(
        outcome.created
          ? `ingested snapshot ${outcome.snapshotId}${outcome.extends ? ` (extending ${outcome.extends})` : ''} into ${opts.store} in ${seconds.toFixed(1)} s\n`
          : `snapshot ${outcome.snapshotId} is already in ${opts.store}: nothing changed\n`,
      );
    },
  );
}
