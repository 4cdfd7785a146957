import type { Command } from 'commander';
import { ingestBundle } from '../../usecases/ingest-bundle.ts';
import { Progress } from '../ui.ts';
import { APPEND_HELP, printJson, screenProgress, storeOption, withStore } from './shared.ts';

export function registerIngest(program: Command): void {
  storeOption(
    program
      .command('ingest')
      .description('Validate a bundle and store it as a snapshot (the same files twice change nothing)')
      .argument('<bundle>', 'bundle folder')
      .option('--max-problems <n>', 'report at most this many problems', '100')
      .option('--append [snapshot]', APPEND_HELP)
      .option('--json', 'machine-readable output'),
  ).action(
    async (
      bundle: string,
      opts: { store: string; json?: boolean; maxProblems: string; append?: string | true },
    ) => {
      const progress = new Progress(20, opts.json);
      const outcome = await withStore(opts.store, (store) =>
        ingestBundle(store, bundle, {
          maxProblems: Number(opts.maxProblems),
          append: opts.append === true ? 'latest' : opts.append,
          onProgress: (table, rows) => progress.detail(`${table}: ${rows.toLocaleString('en')} rows`),
          onScreenProgress: screenProgress(progress),
        }),
      );
      const seconds = progress.done();
      if (opts.json) return printJson({ ...outcome, store: opts.store, seconds });
      process.stdout.write(
        outcome.created
          ? `ingested snapshot ${outcome.snapshotId}${outcome.extends ? ` (extending ${outcome.extends})` : ''} into ${opts.store} in ${seconds.toFixed(1)} s\n`
          : `snapshot ${outcome.snapshotId} is already in ${opts.store}: nothing changed\n`,
      );
    },
  );
}
