import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type ClusterRun, type CoordinateOptions, runJobsOnCluster } from '../cluster/coordinator.ts';
import type { Indicators } from '../contract/indicators.ts';
import { parseCidr, parseIp } from '../contract/ip.ts';
import type { BundleTables, IpAllocation } from '../contract/tables.ts';
import { type NetworkSignal, TelemetryClassifier } from '../engine/network/classify.ts';
import { PrefixIndex } from '../engine/network/prefix-index.ts';
import type { IndicatorSpec } from '../ingest/indicator-lists.ts';
import { type ListsRead, readIndicatorSpecs, readIndicators } from '../ingest/rules.ts';
import { telemetryFiles } from '../ingest/telemetry/files.ts';
import { type FlowJob, FlowWorkers, type Progress, planJobs, runFlowJobs } from './telemetry-jobs.ts';

export interface TelemetryRead {
  signals: NetworkSignal[];
  files: { file: string; records: number; skipped: number }[];
  /** How the run went on the cluster, when it ran there. */
  cluster?: ClusterRun;
}

/** The shipped indicators plus the user's lists: the bundle's indicators/ folder, then the lists the user gives. */
export function indicatorsFor(
  bundleDir: string,
  specs: IndicatorSpec[] = [],
): { indicators: Indicators; lists: ListsRead['lists'] } {
  const { extra, lists } = readIndicatorSpecs([
    { kind: 'folder', path: join(bundleDir, 'indicators') },
    ...specs,
  ]);
  return { indicators: readIndicators(undefined, extra), lists };
}

/**
 * Below this much flow log (plain bytes, gzipped ones weighted by GZIP_WEIGHT) one thread is done before a second
 * pays for itself. Measured on 2 cores, the worker's start counted: 2 M records in 217 MB of plain files took
 * 0.63–0.72 s on one thread and 0.75–0.82 s on two; 8 M in 870 MB 2.28–2.35 s and 1.65–1.79 s; 2 M in 95 MB of
 * small gzipped files 1.87–1.90 s and 1.41–1.48 s. A fresh worker costs about 0.35 s (its start, its cold code,
 * the merge) and then scans about 1.6 times as fast as one thread alone: it pays from about 0.9 s of one thread's
 * work, some 300 MB of plain logs.
 */
const WORTH_A_WORKER = 300 << 20;
/** A gzipped byte takes about as long to read as six plain ones (inflating it, then scanning what it holds). */
const GZIP_WEIGHT = 6;

/**
 * A byte of a Resolver query log takes about as long as four of a plain flow log (each line parsed as JSON and
 * checked: a 185 MB log of 500 k queries read in 2.8 s, 217 MB of flow logs in 0.7 s).
 */
const DNS_WEIGHT = 4;

/** Every core (up to 8) for large logs, one for small ones; `weight`: a byte's work against a plain flow log's. */
export function threadsFor(
  files: { path: string; bytes: number }[],
  cores = availableParallelism(),
  weight = 1,
): number {
  const work = files.reduce((n, f) => n + f.bytes * weight * (f.path.endsWith('.gz') ? GZIP_WEIGHT : 1), 0);
  return work < WORTH_A_WORKER ? 1 : Math.min(cores, 8);
}

const defaultThreads = (paths: string[], weight = 1) =>
  threadsFor(
    paths.map((path) => ({ path, bytes: statSync(path).size })),
    undefined,
    weight,
  );

/**
 * Reads a bundle's telemetry (dns/, flowlogs/) and matches public node lists against the provider's
 * IP allocations, giving node, miner and exchange-client signals per account and month.
 */
export async function bundleTelemetry(
  dir: string,
  tables: Pick<BundleTables, 'accounts' | 'ip_allocations' | 'public_nodes'>,
  options: {
    skipBad?: boolean;
    indicators: Indicators;
    threads?: number;
    /** Parts of the flow logs taken so far, of how many. */
    onProgress?: Progress;
    /** Spread the flow logs over the workers of a NATS cluster instead of this machine's threads. */
    cluster?: CoordinateOptions;
  },
): Promise<TelemetryRead> {
  const { indicators } = options;
  const accounts = tables.accounts.map((a) => a.account_id);
  const classifier = new TelemetryClassifier(indicators, new Set(accounts));
  const files: TelemetryRead['files'] = [];
  const all = telemetryFiles(dir);
  // DNS first: its answers label the addresses that flows then reach.
  const dns = all.filter((t) => t.folder === 'dns').map(({ file }) => ({ path: join(dir, file), file }));
  let dnsRun: ClusterRun | undefined;
  if (options.cluster && dns.length) {
    const spec = {
      indicators,
      accounts,
      resolved: [],
      skipBad: options.skipBad ?? false,
      kind: 'dns' as const,
    };
    const ran = await runJobsOnCluster(dns, spec, classifier, options.cluster);
    for (const { file } of dns) files.push({ file, ...ran.counts.get(file)! });
    dnsRun = ran.run;
  } else {
    // One file after another on this thread, or taken by this thread and the pool's from a shared counter.
    const threads =
      options.threads ??
      defaultThreads(
        dns.map((f) => f.path),
        DNS_WEIGHT,
      );
    const base = { indicators, accounts, resolved: [], skipBad: options.skipBad ?? false, dns: true };
    const pool = await FlowWorkers.start(Math.min(threads, dns.length) - 1);
    const counts = await runFlowJobs(
      dns.map((f) => ({ ...base, ...f })),
      classifier,
      pool,
    ).finally(() => pool.close());
    for (const [i, c] of counts.entries()) files.push({ file: dns[i]!.file, ...c });
  }
  const flows = all
    .filter((t) => t.folder === 'flowlogs')
    .map(({ file }) => ({ path: join(dir, file), file }));
  const spec = {
    indicators,
    accounts,
    resolved: classifier.resolvedAddresses(),
    skipBad: options.skipBad ?? false,
  };
  let cluster: ClusterRun | undefined;
  let perFile: Map<string, { records: number; skipped: number }>;
  if (options.cluster && flows.length) {
    const ran = await runJobsOnCluster(flows, spec, classifier, options.cluster);
    perFile = ran.counts;
    cluster = { ...ran.run, ...(dnsRun ? { dns: dnsRun } : {}) };
  } else {
    perFile = await onThisMachine(flows, spec, classifier, options);
    cluster = dnsRun;
  }
  for (const { file } of flows) {
    const c = perFile.get(file);
    if (c) files.push({ file, ...c });
  }
  const allocations = new PrefixIndex<IpAllocation[]>();
  for (const a of tables.ip_allocations) allocations.add(parseCidr(a.ip)!, [a], (x, y) => [...x, ...y]);
  for (const node of tables.public_nodes) {
    const ip = parseIp(node.ip.split('/')[0]!);
    const held = ip ? (allocations.lookup(ip)?.value ?? []) : [];
    for (const a of held)
      if (a.valid_from <= node.seen_at && (a.valid_to === null || node.seen_at < a.valid_to))
        classifier.addNodeSighting(
          a.account_id,
          node.network,
          node.seen_at,
          `${node.ip},${node.port ?? ''},${node.network},${node.seen_at}`,
        );
  }
  return { signals: classifier.signals(), files, ...(cluster ? { cluster } : {}) };
}

/** The flow logs on this machine's threads (see runFlowJobs): the counts of each file. */
async function onThisMachine(
  flows: { path: string; file: string }[],
  spec: Omit<FlowJob, 'path' | 'file' | 'chunk'>,
  classifier: TelemetryClassifier,
  options: { threads?: number; onProgress?: Progress },
): Promise<Map<string, { records: number; skipped: number }>> {
  const threads = options.threads ?? defaultThreads(flows.map((f) => f.path));
  const jobs = planJobs(flows, threads, spec);
  const pool = await FlowWorkers.start(Math.min(threads, jobs.length) - 1);
  const counts = await runFlowJobs(jobs, classifier, pool, options.onProgress).finally(() => pool.close());
  const perFile = new Map<string, { records: number; skipped: number }>();
  counts.forEach((c, i) => {
    const f = perFile.get(jobs[i]!.file) ?? { records: 0, skipped: 0 };
    perFile.set(jobs[i]!.file, { records: f.records + c.records, skipped: f.skipped + c.skipped });
  });
  return perFile;
}
