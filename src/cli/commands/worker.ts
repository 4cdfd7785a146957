import type { Command } from 'commander';
import type { ClusterRun, CoordinateOptions } from '../../cluster/coordinator.ts';
import { parseServers } from '../../cluster/nats.ts';
import { startWorker } from '../../cluster/worker.ts';
import type { Progress } from '../ui.ts';
import { positiveInteger } from './shared.ts';

export const NATS_HELP =
  'spread the DNS and flow logs, and the screening of invoices and sign-ins, over `daylight worker`s on these NATS servers (comma-separated nats://host:port; JetStream on); workers must see the bundle and the store at the same paths';

const KIND_NAMES = { dns: 'DNS', flow: 'flow-log', screen: 'screen' } as const;

/** The cluster options of `--nats`, with the coordinator's progress on the terminal. */
export function clusterOptions(
  nats: string | undefined,
  progress: Progress,
  onRun?: (run: ClusterRun) => void,
): CoordinateOptions | undefined {
  if (!nats) return undefined;
  return {
    servers: parseServers(nats),
    ackWaitMs: process.env.DAYLIGHT_ACK_WAIT_MS ? Number(process.env.DAYLIGHT_ACK_WAIT_MS) : undefined,
    jobFiles: process.env.DAYLIGHT_JOB_FILES ? Number(process.env.DAYLIGHT_JOB_FILES) : undefined,
    screenPartBytes: process.env.DAYLIGHT_SCREEN_PART_BYTES
      ? Number(process.env.DAYLIGHT_SCREEN_PART_BYTES)
      : undefined,
    onProgress: (done, total, workers, kind) =>
      progress.detail(
        `${KIND_NAMES[kind]} jobs ${done} of ${total} · ${Object.entries(workers)
          .map(([w, rate]) => `${w} ${(rate / 1e6).toFixed(2)} M records/s`)
          .join(' · ')}`,
      ),
    onRun,
  };
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description(
      'Take DNS, flow-log and screen jobs from a NATS JetStream cluster until stopped (SIGTERM or Ctrl-C: finishes the jobs in hand, hands back the rest)',
    )
    .requiredOption('--nats <urls>', 'comma-separated nats://host:port of the cluster')
    .option(
      '--concurrency <n>',
      'jobs at once in this process (run one process per core)',
      positiveInteger,
      1,
    )
    .option('--name <name>', 'how the coordinator names this worker (default host-pid)')
    .action(async (opts: { nats: string; concurrency: number; name?: string }) => {
      const worker = await startWorker({
        servers: parseServers(opts.nats),
        concurrency: opts.concurrency,
        name: opts.name,
        ackWaitMs: process.env.DAYLIGHT_ACK_WAIT_MS ? Number(process.env.DAYLIGHT_ACK_WAIT_MS) : undefined,
        onJob: (head) =>
          process.stderr.write(
            `job ${head.index}: ${head.counts.reduce((n, c) => n + c.records, 0)} records in ${head.ms} ms${head.error ? ` (bad input: ${head.error.message})` : ''}${head.screened?.unshared ? ` (not screened: ${head.screened.unshared}; the coordinator screens the file itself)` : ''}\n`,
          ),
      });
      process.stderr.write(`daylight worker: taking jobs from ${opts.nats}\n`);
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        process.stderr.write('daylight worker: stopping after the jobs in hand\n');
        void worker.stop();
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      await worker.done;
    });
}
