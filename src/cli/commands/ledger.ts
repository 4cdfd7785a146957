import type { Command } from 'commander';
import { green, red } from '../ui.ts';
import { printJson, storeOption, withStore } from './shared.ts';

export function registerLedger(program: Command): void {
  const ledger = program
    .command('ledger')
    .description('The tamper-evident log of ingests, audit runs and case changes');
  storeOption(
    ledger
      .command('head')
      .description('Print the hash of the newest entry, to publish or hand to an auditor')
      .option('--json', 'machine-readable output'),
  ).action(async (opts: { store: string; json?: boolean }) => {
    const head = await withStore(opts.store, (store) => store.ledger.head());
    if (opts.json) return printJson(head);
    process.stdout.write(head ? `${head.hash}\n` : 'the ledger is empty\n');
  });
  storeOption(
    ledger
      .command('verify')
      .description(
        'Recompute the chain and the recorded file hashes and findings; name the first entry that does not match',
      )
      .option('--head <hash>', 'a head saved earlier: also prove nothing before it changed')
      .option('--json', 'machine-readable output'),
  ).action(async (opts: { store: string; head?: string; json?: boolean }) => {
    const result = await withStore(opts.store, (store) => store.verifyLedger(opts.head));
    if (opts.json) printJson(result);
    else if (result.ok)
      process.stdout.write(`${green('ok')}: ${result.entries} entries, head ${result.head}\n`);
    else process.stdout.write(`${red('broken')}: entry ${result.broken!.seq}: ${result.broken!.reason}\n`);
    if (!result.ok) process.exitCode = 1;
  });
}
