import { type Command, Option } from 'commander';
import { generateSample, type SampleSize, SIZES } from '../../sample/generate.ts';
import { Progress } from '../ui.ts';
import { printJson } from './shared.ts';

export function registerSample(program: Command): void {
  program
    .command('sample')
    .description('Write a deterministic sample bundle (with ground-truth.json beside its tables)')
    .addOption(
      new Option('--size <size>', 'S ≈ 1,000 accounts, M ≈ 20,000, L ≈ 200,000')
        .choices(Object.keys(SIZES))
        .default('s'),
    )
    .option('--seed <n>', 'random seed', '1')
    .requiredOption('--out <dir>', 'folder to write the bundle to')
    .option('--json', 'machine-readable output')
    .action(async (opts: { size: SampleSize; seed: string; out: string; json?: boolean }) => {
      const progress = new Progress(2, opts.json);
      progress.step(`generating sample ${opts.size}`);
      const summary = await generateSample(opts.size, Number(opts.seed), opts.out);
      const seconds = progress.done();
      if (opts.json) return printJson({ ...summary, seconds });
      process.stdout.write(
        `wrote sample ${opts.size} (seed ${opts.seed}) to ${summary.dir}: ${summary.accounts.toLocaleString('en')} accounts, ${summary.invoices.toLocaleString('en')} invoice rows, ${summary.expected} expected findings (${seconds.toFixed(1)} s)\n`,
      );
    });
}
