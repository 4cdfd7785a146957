import { join, relative, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { importMapSchema } from '../../contract/import-map.ts';
import { formatMoney, groupedMoney, parseMoney } from '../../contract/money.ts';
import { CUR, FOCUS } from '../../ingest/exports/billing-formats.ts';
import { BILLING_EXPORTS, type BillingExport, writeBillingExport } from '../../sample/billing-export.ts';
import { generateSample } from '../../sample/generate.ts';
import { auditBundle } from '../../usecases/audit-bundle.ts';
import { importBilling } from '../../usecases/import-billing.ts';
import { printSummary } from '../summary.ts';
import { bold, Progress } from '../ui.ts';
import { withStore } from './shared.ts';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Generate the S sample, audit it and print where the report is')
    .option('--dir <dir>', 'working folder', '.daylight/demo')
    .option('--seed <n>', 'random seed', '1')
    .addOption(
      new Option(
        '--from <format>',
        'bring the invoices in as a FOCUS or AWS CUR export through daylight import (the whole path)',
      ).choices(BILLING_EXPORTS),
    )
    .action(async (opts: { dir: string; seed: string; from?: BillingExport }) => {
      const dir = resolve(opts.dir);
      const bundle = join(dir, 'bundle');
      const progress = new Progress(20);
      progress.step('generating the S sample');
      await generateSample('s', Number(opts.seed), bundle);
      let imported = '';
      if (opts.from) {
        progress.step(`writing its invoices as a ${opts.from.toUpperCase()} export`);
        const source = await writeBillingExport(bundle, opts.from);
        progress.step(`importing the ${opts.from.toUpperCase()} export`);
        const report = await importBilling(opts.from === 'focus' ? FOCUS : CUR, [source], bundle, {
          map: importMapSchema.parse({}),
        });
        const net = report.periods.reduce((s, p) => s + parseMoney(p.bundle_net), 0n);
        imported = `imported ${report.rows_read.toLocaleString('en')} ${opts.from.toUpperCase()} rows from ${relative(process.cwd(), source) || source} into ${report.invoice_rows_written.toLocaleString('en')} invoice rows, net ${groupedMoney(formatMoney(net))} (${(report.rows_skipped.tax ?? 0).toLocaleString('en')} tax rows counted apart; import-report.json)\n`;
      }
      const run = await withStore(join(dir, 'daylight.duckdb'), (store) =>
        auditBundle(store, bundle, {
          outDir: join(dir, 'out'),
          onStep: (s) => progress.step(s),
        }),
      );
      const seconds = progress.done();
      process.stdout.write(imported);
      printSummary(run, seconds);
      process.stdout.write(`\n${bold('report:')} ${join(dir, 'out', 'report.html')}\n`);
      const path = join(dir, 'daylight.duckdb');
      const near = relative(process.cwd(), path);
      const store = near.startsWith('..') ? path : near;
      process.stdout.write(
        `${bold('workspace:')} npx daylight users add NAME --role admin --store ${store}\n           npx daylight serve --store ${store}\n`,
      );
    });
}
