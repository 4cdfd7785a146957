import type { Command } from 'commander';
import { addDays, isIsoDate } from '../../contract/dates.ts';
import { Rulebook } from '../../engine/rulebook/rulebook.ts';
import { readRulebookFile } from '../../ingest/rules.ts';
import { bold, dim } from '../ui.ts';
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
      for (const r of rules) {
        const i = r.instrumentInfo;
        const until = r.to ? `until ${r.to} (exclusive; last day ${addDays(r.to, -1)})` : 'no end';
        process.stdout.write(
          `\n  ${bold(`${r.jurisdiction}  ${r.activity}  ${r.status}`)}${r.territorial ? ' (where it is carried out)' : ''}  from ${r.from}, ${until}\n`,
        );
        process.stdout.write(`    ${i.number ? `${i.number} ` : ''}${i.title}\n    ${i.title_en}\n`);
        process.stdout.write(
          dim(
            `    made by ${i.issuers.join(', ')}${i.regulator ? `; administered by ${i.regulator}` : ''}; in force from ${i.commenced}${i.enacted ? `; passed ${i.enacted}` : ''}${i.gazetted ? `; gazetted ${i.gazetted}` : ''}\n`,
          ),
        );
        if (r.conditions) process.stdout.write(dim(`    conditions: ${r.conditions}\n`));
        if (i.superseded_by)
          process.stdout.write(dim(`    replaced by ${i.superseded_by} on ${i.superseded_on}\n`));
        if (i.notes) process.stdout.write(dim(`    note: ${i.notes}\n`));
      }
      if (rules.length === 0) process.stdout.write('  none\n');
      else
        process.stdout.write(
          dim(
            '\nOnly prohibited rules raise findings; licensing rules (HK, SG) need a licence register Daylight does not hold, so they never do.\n',
          ),
        );
    });
}
