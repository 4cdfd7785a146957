import type { Command } from 'commander';
import { green, red } from '../ui.ts';
import { printJson, storeOption, withStore } from './shared.ts';

export function registerStore(program: Command): void {
  const store = program
    .command('store')
    .description(
      'The store: its DuckDB file and, beside it, the folder of its invoices and sign-ins (<store>.rows)',
    );
  storeOption(
    store
      .command('copy')
      .description("Copy the store, its row files included, to a new path; then verify the copy's ledger")
      .argument('<to>', "the copy's path (its row files go beside it)")
      .option('--json', 'machine-readable output'),
  ).action(async (to: string, opts: { store: string; json?: boolean }) => {
    await withStore(opts.store, (s) => s.copyTo(to));
    const verified = await withStore(to, (s) => s.verifyLedger());
    if (opts.json) printJson({ from: opts.store, to, verified });
    else if (verified.ok)
      process.stdout.write(
        `${green('copied')} to ${to}: ${verified.entries} entries, head ${verified.head}\n`,
      );
    else
      process.stdout.write(
        `${red('copied, but the copy does not verify')}: entry ${verified.broken!.seq}: ${verified.broken!.reason}\n`,
      );
    if (!verified.ok) process.exitCode = 1;
  });
}
