import { type Command, Option } from 'commander';
import { BILLING_EXPORTS, type BillingExport, writeBillingExport } from '../../sample/billing-export.ts';
import { type SampleSize, SIZES } from '../../sample/generate.ts';
import { generateSampleInWorker } from '../../sample/generate-in-worker.ts';
import { Progress } from '../ui.ts';
import { printJson } from './shared.ts';

export function registerSample(program: Command): void {
  program
    .command('sample')
    .description('Write a deterministic sample bundle (with ground-truth.json beside its tables)')
    .addOption(
      new Option(
        '--size <size>',
        'S ≈ 1,000 accounts, M ≈ 20,000, L ≈ 200,000, XL ≈ 1,000,000 (48 months, ~54 M invoice rows)',
      )
        .choices(Object.keys(SIZES))
        .default('s'),
    )
    .option('--seed <n>', 'random seed', '1')
    .requiredOption('--out <dir>', 'folder to write the bundle to')
    .addOption(
      new Option(
        '--billing <format>',
        'write the invoices as a FOCUS 1.0 or AWS CUR 2.0 export (in billing-export/) for daylight import, instead of invoices.csv',
      ).choices(BILLING_EXPORTS),
    )
    .option('--json', 'machine-readable output')
    .action(
      async (opts: {
        size: SampleSize;
        seed: string;
        out: string;
        billing?: BillingExport;
        json?: boolean;
      }) => {
        const progress = new Progress(3, opts.json);
        progress.step(`generating sample ${opts.size}`);
        const summary = await generateSampleInWorker(opts.size, Number(opts.seed), opts.out);
        let billingExport: string | undefined;
        if (opts.billing) {
          progress.step(`writing the invoices as a ${opts.billing.toUpperCase()} export`);
          billingExport = await writeBillingExport(opts.out, opts.billing);
        }
        const seconds = progress.done();
        if (opts.json) return printJson({ ...summary, billing_export: billingExport ?? null, seconds });
        process.stdout.write(
          `wrote sample ${opts.size} (seed ${opts.seed}) to ${summary.dir}: ${summary.accounts.toLocaleString('en')} accounts, ${summary.invoices.toLocaleString('en')} invoice rows, ${summary.expected} expected findings (${seconds.toFixed(1)} s)\n`,
        );
        if (billingExport)
          process.stdout.write(
            `the invoices are a ${opts.billing!.toUpperCase()} export: daylight import ${opts.billing} ${billingExport} --out ${summary.dir}\n`,
          );
      },
    );
}
