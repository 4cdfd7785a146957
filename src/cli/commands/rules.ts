import type { Command } from 'commander';
import { isIsoDate } from '../../contract/dates.ts';
import { Rulebook } from '../../engine/rulebook/rulebook.ts';
import { readRulebookFile } from '../../ingest/rules.ts';
import { printJson } from './shared.ts';

export function registerRules(program: Command): void {
  program
    .command('rules')
    .description('List the rules of the rulebook in force on a date')
    .option('--at <date>', 'date (YYYY-MM-DD)', new Date().toISOString().slice(0, 10))
    .option('--jurisdiction <J>', 'only this jurisdiction (e.g. CN, HK, SG)')
    .option('--rulebook <file>', 'another rulebook file')
    .option('--json', 'machine-readable output')
    .action((opts: { at: string; jurisdiction?: string; rulebook?: string; json?: boolean }) => {
      if (!isIsoDate(opts.at)) throw new Error(`--at must be YYYY-MM-DD, got ${opts.at}`);
      const book = new Rulebook(readRulebookFile(opts.rulebook));
      const rules = book.inForce(opts.at, { jurisdiction: opts.jurisdiction });
      if (opts.json)
        return printJson({
          version: book.version,
          at: opts.at,
          rules: rules.map(({ instrumentInfo, ...r }) => ({ ...r, instrument: instrumentInfo })),
        });
      process.stdout.write(`rulebook ${book.version}, in force on ${opts.at}\n`);
      for (const r of rules)
        process.stdout.write(
          `  ${r.jurisdiction}  ${r.activity.padEnd(22)} ${r.status.padEnd(10)} ${r.from}…${r.to ?? ''}  ${r.instrumentInfo.number ?? ''} ${r.instrumentInfo.title}\n`,
        );
      if (rules.length === 0) process.stdout.write('  none\n');
    });
}
