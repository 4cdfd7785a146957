import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Indicators } from '../contract/indicators.ts';
import type { PackedAccumulators } from '../engine/network/accumulator.ts';
import {
  dnsOrderKey,
  flowOrderKey,
  type ResolvedAddresses,
  TelemetryClassifier,
} from '../engine/network/classify.ts';
import { readResolverFacts } from '../ingest/telemetry/dns.ts';
import { FlowFilter, scanFlowLog } from '../ingest/telemetry/flow-scan.ts';
import { TelemetryError } from '../ingest/telemetry/flowlogs.ts';

/** One piece of flow-log work: a whole file, or a byte range of an uncompressed one; or a whole DNS file. */
export interface FlowJob {
  path: string;
  file: string;
  /** A Resolver query log, read before the flow logs (see runFlowJobs). */
  dns?: boolean;
  chunk?: { start: number; end: number; header: string };
  indicators: Indicators;
  accounts: string[] | null;
  resolved: ResolvedAddresses;
  skipBad: boolean;
}

export interface FlowCounts {
  records: number;
  skipped: number;
}

/**
 * Reads a job's file into `classifier`: a DNS file line by line, a flow log through `filter` (made for
 * `classifier`); `index` is the file's place in the input, which orders its lines' samples among all lines.
 */
export function scanJob(
  filter: FlowFilter,
  classifier: TelemetryClassifier,
  job: Pick<FlowJob, 'path' | 'file' | 'dns' | 'chunk' | 'skipBad'>,
  index: number,
): Promise<FlowCounts> {
  if (job.dns)
    return readResolverFacts(
      job.path,
      job.file,
      (r, raw, line) => classifier.addDns(r, raw, dnsOrderKey(index, line)),
      { skipBad: job.skipBad },
    );
  return scanFlowLog(job.path, job.file, filter, {
    skipBad: job.skipBad,
    chunk: job.chunk,
    order: (line) => flowOrderKey(index, line),
  });
}

/** A classifier that knows what a job carries: the accounts to read and the addresses DNS answers labelled. */
function classifierFor(job: FlowJob): TelemetryClassifier {
  const classifier = new TelemetryClassifier(
    job.indicators,
    job.accounts ? new Set(job.accounts) : undefined,
  );
  classifier.learnResolved(job.resolved);
  return classifier;
}

/** Takes the next job from the counter shared by all threads until none is left: each thread's loop. */
async function takeJobs(
  jobs: FlowJob[],
  next: Int32Array,
  into: TelemetryClassifier,
  onProgress?: Progress,
  learnt?: [number, ResolvedAddresses][],
) {
  const done: [number, FlowCounts][] = [];
  const filter = new FlowFilter(into);
  for (let i = Atomics.add(next, 0, 1); i < jobs.length; i = Atomics.add(next, 0, 1)) {
    done.push([i, await scanJob(filter, into, jobs[i]!, i)]);
    // Each DNS file's answers apart, to be learnt in the files' order (see runFlowJobs).
    if (jobs[i]!.dns) learnt?.push([i, into.takeResolved()]);
    // The shared counter says how many jobs every thread has taken: progress of the whole run.
    onProgress?.(Math.min(Atomics.load(next, 0), jobs.length), jobs.length);
  }
  return done;
}

/** Jobs taken so far by all threads, of how many. */
export type Progress = (taken: number, total: number) => void;

export interface WorkerShare {
  counts: [number, FlowCounts][];
  state: PackedAccumulators | null;
  /** What each DNS job's answers labelled, by job. */
  learnt: [number, ResolvedAddresses][];
}

/** A worker thread's part of a run: a classifier of its own, the jobs it takes, and its state, packed. */
export async function workerShare(jobs: FlowJob[], next: Int32Array): Promise<WorkerShare> {
  const classifier = classifierFor(jobs[0]!);
  const learnt: [number, ResolvedAddresses][] = [];
  try {
    const counts = await takeJobs(jobs, next, classifier, undefined, learnt);
    return { counts, state: counts.length > 0 ? classifier.exportState() : null, learnt };
  } catch (e) {
    Atomics.store(next, 0, jobs.length);
    throw e;
  }
}

const CHUNK_BYTES = 16 << 20;

function firstLine(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, n).toString('utf8');
    const nl = text.indexOf('\n');
    return (nl === -1 ? text : text.slice(0, nl)).replace(/^\uFEFF/, '').replace(/\r$/, '');
  } finally {
    closeSync(fd);
  }
}

/** Whole files for gzip, byte ranges of about 64 MiB (at least one per thread) for plain text. */
export function planJobs(
  files: { path: string; file: string }[],
  threads: number,
  base: Omit<FlowJob, 'path' | 'file' | 'chunk'>,
): FlowJob[] {
  return files.flatMap(({ path, file }) => {
    if (path.endsWith('.gz') || threads === 1) return [{ ...base, path, file }];
    const size = statSync(path).size;
    if (size < 1 << 20) return [{ ...base, path, file }];
    const header = firstLine(path);
    const pieces = Math.max(threads * 2, Math.ceil(size / CHUNK_BYTES));
    const step = Math.ceil(size / pieces);
    const start0 = Buffer.byteLength(header) + 1;
    const jobs: FlowJob[] = [];
    for (let start = start0; start < size; start += step)
      jobs.push({ ...base, path, file, chunk: { start, end: Math.min(size, start + step), header } });
    return jobs;
  });
}

type Reply<T> = {
  ok: boolean;
  result?: T;
  error?: { name: string; message: string; file: string; line: number };
};

/**
 * Worker threads for flow-log jobs, started once and then given jobs (like a database's thread pool: starting a
 * thread and loading its code costs a few hundred milliseconds). After a run that failed, the pool is closed.
 */
export class FlowWorkers {
  private constructor(private workers: Worker[]) {}

  static async start(count: number): Promise<FlowWorkers> {
    const workers = Array.from(
      { length: Math.max(0, count) },
      () => new Worker(new URL('./telemetry-worker.mjs', import.meta.url)),
    );
    const pool = new FlowWorkers(workers);
    await Promise.all(workers.map((w) => pool.ask(w, undefined)));
    return pool;
  }

  get threads(): Worker[] {
    return this.workers;
  }

  /** Sends `message` (or only waits, when undefined) and gives the worker's next reply. */
  ask<T>(worker: Worker, message: unknown): Promise<Reply<T>> {
    return new Promise((resolve, reject) => {
      const settle = (reply?: Reply<T>, error?: Error) => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        if (error) reject(error);
        else resolve(reply!);
      };
      const onMessage = (reply: Reply<T>) => settle(reply);
      const onError = (error: Error) => settle(undefined, error);
      worker.on('message', onMessage);
      worker.on('error', onError);
      if (message !== undefined) worker.postMessage(message);
    });
  }

  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * Runs the jobs into `into` on this thread, which classifies straight into `into`, and on the pool's workers,
 * whose states are merged into it at the end. Every thread takes the next job from a shared counter (no thread
 * waits on another to be handed work); samples are ordered by each line's place in the input, so threads do not
 * change them. `into` must already know the accounts and resolved addresses the jobs carry. Per-job counts, in job
 * order.
 */
export async function runFlowJobs(
  jobs: FlowJob[],
  into: TelemetryClassifier,
  pool?: FlowWorkers,
  onProgress?: Progress,
): Promise<FlowCounts[]> {
  const next = new Int32Array(new SharedArrayBuffer(4));
  // The workers are sent their work before this thread starts on its own, which keeps the thread busy until done.
  const there = (jobs.length > 1 ? (pool?.threads ?? []) : []).map((worker) =>
    pool!.ask<WorkerShare>(worker, { jobs, next: next.buffer }).then((reply) => {
      if (!reply.ok) throw TelemetryError.revive(reply.error!);
      return reply.result!;
    }),
  );
  const learnt: [number, ResolvedAddresses][] = [];
  const here = takeJobs(jobs, next, into, onProgress, learnt).catch((e) => {
    Atomics.store(next, 0, jobs.length);
    throw e;
  });
  const settled = await Promise.allSettled([here, ...there]);
  const failure = settled.find((r) => r.status === 'rejected');
  if (failure) {
    await pool?.close();
    const e = failure.reason;
    // A chunk's line numbers start at its own first line: reading the whole file alone throws at the real line.
    const failed = e instanceof TelemetryError ? jobs.find((j) => j.file === e.file && j.chunk) : undefined;
    if (failed) {
      const alone = classifierFor(failed);
      await scanJob(new FlowFilter(alone), alone, { ...failed, chunk: undefined }, 0);
    }
    throw e;
  }
  const counts: FlowCounts[] = new Array(jobs.length);
  const [mine, ...theirs] = settled.map((r) => (r as PromiseFulfilledResult<unknown>).value);
  for (const [i, c] of mine as [number, FlowCounts][]) counts[i] = c;
  for (const share of theirs as WorkerShare[]) {
    for (const [i, c] of share.counts) counts[i] = c;
    if (share.state) into.merge(share.state);
    learnt.push(...share.learnt);
  }
  // DNS files' answers in the files' order, as one thread reading them in turn learns them.
  for (const [, resolved] of learnt.sort(([a], [b]) => a - b)) into.followResolved(resolved);
  return counts;
}
