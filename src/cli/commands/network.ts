import { readFileSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { hostingConcentration, rangeIndex } from '../../engine/network/hosting.ts';
import { loadBundle } from '../../ingest/bundle.ts';
import type { IndicatorSpec } from '../../ingest/indicator-lists.ts';
import { readRangeDir } from '../../ingest/ranges/read-ranges.ts';
import { readResolverLog } from '../../ingest/telemetry/dns.ts';
import { readFlowLog } from '../../ingest/telemetry/flowlogs.ts';
import { renderHosting } from '../../outputs/report/hosting-html.ts';
import { bundleTelemetry, indicatorsFor } from '../../usecases/telemetry.ts';
import { bold, dim, Progress } from '../ui.ts';
import { collectIndicators, INDICATORS_HELP, positiveInteger, printJson, THREADS_HELP } from './shared.ts';
import { clusterOptions, NATS_HELP } from './worker.ts';

const line = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

export function registerNetwork(program: Command): void {
  program
    .command('telemetry')
    .description(
      "Node, miner and exchange-client signals per account and month from a bundle's flowlogs/, dns/ and public node lists",
    )
    .argument('<bundle>', 'bundle folder')
    .option('--skip-bad', 'count and skip malformed log lines instead of stopping')
    .option('--indicators <spec>', INDICATORS_HELP, collectIndicators)
    .option('--threads <n>', THREADS_HELP, positiveInteger)
    .option('--nats <urls>', NATS_HELP)
    .option(
      '--json',
      'one JSON signal per line (with --nats, then a last line {"run": …} with per-job timings)',
    )
    .action(
      async (
        bundle: string,
        opts: {
          skipBad?: boolean;
          indicators?: IndicatorSpec[];
          threads?: number;
          nats?: string;
          json?: boolean;
        },
      ) => {
        const progress = new Progress(3, opts.json);
        progress.step('reading the bundle');
        // Only the tables telemetry reads: a large bundle's invoices are not validated for this.
        const loaded = await loadBundle(resolve(bundle), {
          only: ['accounts', 'ip_allocations', 'public_nodes'],
        });
        progress.step('reading telemetry');
        const { signals, files, cluster } = await bundleTelemetry(resolve(bundle), loaded.tables, {
          skipBad: opts.skipBad,
          indicators: indicatorsFor(resolve(bundle), opts.indicators).indicators,
          threads: opts.threads,
          onProgress: (taken, total) => progress.detail(`reading flow logs: part ${taken} of ${total}`),
          cluster: clusterOptions(opts.nats, progress),
        });
        progress.done();
        if (opts.json) {
          for (const s of signals) line(s);
          if (cluster) line({ run: cluster });
          return;
        }
        if (cluster)
          process.stdout.write(
            dim(
              `cluster run ${cluster.run}: ${cluster.jobs} jobs (${cluster.resumed} stored already) in ${cluster.seconds} s on ${Object.keys(cluster.workers).length} worker(s)\n`,
            ),
          );
        for (const f of files)
          process.stdout.write(
            dim(`${f.file}: ${f.records} records${f.skipped ? `, ${f.skipped} skipped` : ''}\n`),
          );
        for (const s of signals) {
          process.stdout.write(
            `${bold(s.account_id)} ${s.period} ${s.signal}${s.network ? ` (${s.network})` : ''} ${s.strength}: ${s.records} records, ${s.peers} peers, ${s.first_seen} … ${s.last_seen}\n    rests on: ${s.rests_on.join('; ')}\n`,
          );
          for (const sample of s.sample) process.stdout.write(dim(`    | ${sample}\n`));
        }
        process.stdout.write(`${signals.length} signal(s)\n`);
      },
    );

  const cat = (name: 'flowlogs' | 'dns') =>
    program
      .command(name)
      .description(name === 'flowlogs' ? 'Parse VPC Flow Logs files' : 'Parse Route 53 Resolver query logs')
      .command('cat')
      .description(
        "Print the parsed records, one JSON object per line, with AWS's own field names (- as null)",
      )
      .argument('<files...>', 'log files (.log, .gz)')
      .option('--skip-bad', 'count and skip malformed lines (reported on standard error)')
      .option('--json', 'JSON lines (the default; kept for symmetry)')
      .action(async (files: string[], opts: { skipBad?: boolean }) => {
        for (const path of files) {
          const read = name === 'flowlogs' ? readFlowLog : readResolverLog;
          const { skipped } = await read(path, basename(path), (r) => line(r), { skipBad: opts.skipBad });
          if (skipped) process.stderr.write(`${path}: ${skipped} malformed line(s) skipped\n`);
        }
      });
  cat('flowlogs');
  cat('dns');

  program
    .command('hosting')
    .description('Share of nodes per cloud provider and provider region, from published IP-range files')
    .argument('<nodes>', 'file of ip[,port] lines (a header line is allowed)')
    .requiredOption(
      '--ranges <dir>',
      'folder of range files (AWS, Google Cloud, Azure, Oracle JSON; geofeed or CIDR lists)',
    )
    .option('--html <file>', 'also write a self-contained page with the charts')
    .option('--json', 'machine-readable output')
    .action((nodesFile: string, opts: { ranges: string; html?: string; json?: boolean }) => {
      const ips = readFileSync(nodesFile, 'utf8')
        .split(/\r?\n/)
        .map((l) => l.split(',')[0]!.trim())
        .filter((ip) => ip !== '' && ip !== 'ip' && !ip.startsWith('#'));
      const report = hostingConcentration(ips, rangeIndex(readRangeDir(opts.ranges)));
      if (opts.html) writeFileSync(opts.html, renderHosting(report, `Hosting of ${basename(nodesFile)}`));
      if (opts.json) return printJson(report);
      const pct = (share: number) => `${(share * 100).toFixed(1).padStart(5)} %`;
      process.stdout.write(
        `${bold(`${report.nodes} nodes`)}${report.unparsable ? dim(` (${report.unparsable} lines not an IP)`) : ''}\n`,
      );
      for (const p of report.byProvider)
        process.stdout.write(`  ${p.provider.padEnd(16)} ${String(p.nodes).padStart(7)} ${pct(p.share)}\n`);
      process.stdout.write(`${bold('by region')}\n`);
      for (const r of report.byRegion)
        process.stdout.write(
          `  ${`${r.provider} ${r.region ?? ''}`.padEnd(32)} ${String(r.nodes).padStart(7)} ${pct(r.share)}\n`,
        );
    });
}
