import { Command } from 'commander';
import { ZodError } from 'zod';
import { BundleError } from '../ingest/problems.ts';
import { RangeFileError } from '../ingest/ranges/range-entry.ts';
import { TelemetryError } from '../ingest/telemetry/flowlogs.ts';
import { registerAudit } from './commands/audit.ts';
import { registerCases } from './commands/cases.ts';
import { registerDecide, registerReplay } from './commands/decide.ts';
import { registerDemo } from './commands/demo.ts';
import { registerExplain } from './commands/explain.ts';
import { registerFindings } from './commands/findings.ts';
import { registerImport } from './commands/import.ts';
import { registerIngest } from './commands/ingest.ts';
import { registerLedger } from './commands/ledger.ts';
import { registerNetwork } from './commands/network.ts';
import { registerRules } from './commands/rules.ts';
import { registerSample } from './commands/sample.ts';
import { registerServe } from './commands/serve.ts';
import { registerStore } from './commands/store.ts';
import { registerUsers } from './commands/users.ts';
import { registerWebhooks } from './commands/webhooks.ts';
import { registerWorker } from './commands/worker.ts';
import { Progress, red } from './ui.ts';

/** Exit statuses of findings.md §7: 0 the work ran, 2 the bundle breaks the contract, 1 anything else. */
export const EXIT = { ok: 0, failure: 1, badBundle: 2 } as const;

export function buildProgram(): Command {
  const program = new Command()
    .name('daylight')
    .description(
      "Where a cloud provider's business really is: crediting, jurisdictions, activities and findings, with evidence.",
    )
    .version('0.1.0')
    .showHelpAfterError();
  for (const register of [
    registerSample,
    registerImport,
    registerIngest,
    registerAudit,
    registerExplain,
    registerFindings,
    registerRules,
    registerNetwork,
    registerCases,
    registerDecide,
    registerReplay,
    registerLedger,
    registerStore,
    registerServe,
    registerUsers,
    registerWebhooks,
    registerWorker,
    registerDemo,
  ])
    register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    Progress.stopAll();
    if (e instanceof BundleError || e instanceof TelemetryError || e instanceof RangeFileError) {
      process.stderr.write(`${red('error:')} ${e.message}\n`);
      return EXIT.badBundle;
    }
    if (e instanceof ZodError) {
      process.stderr.write(
        `${red('error:')} ${e.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}\n`,
      );
      return EXIT.failure;
    }
    if (
      e &&
      typeof e === 'object' &&
      'code' in e &&
      String((e as { code: string }).code).startsWith('commander.')
    )
      return (e as { exitCode?: number }).exitCode ?? EXIT.failure;
    process.stderr.write(`${red('error:')} ${(e as Error).message ?? e}\n`);
    if (process.env.DAYLIGHT_DEBUG) console.error(e);
    return EXIT.failure;
  }
}

// A reader that stops early (`| head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
process.exitCode = await main(process.argv);
