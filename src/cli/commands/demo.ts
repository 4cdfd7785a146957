import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { generateSample } from '../../sample/generate.ts';
import { auditBundle } from '../../usecases/audit-bundle.ts';
import { printSummary } from '../summary.ts';
import { bold, Progress } from '../ui.ts';
import { withStore } from './shared.ts';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Generate the S sample, audit it and print where the report is')
    .option('--dir <dir>', 'working folder', '.daylight/demo')
    .option('--seed <n>', 'random seed', '1')
    .action(async (opts: { dir: string; seed: string }) => {
      const dir = resolve(opts.dir);
      const progress = new Progress(18);
      progress.step('generating the S sample');
      await generateSample('s', Number(opts.seed), join(dir, 'bundle'));
      const run = await withStore(join(dir, 'daylight.duckdb'), (store) =>
        auditBundle(store, join(dir, 'bundle'), {
          outDir: join(dir, 'out'),
          onStep: (s) => progress.step(s),
        }),
      );
      const seconds = progress.done();
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
