import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  type AccumulatorState,
  type ResolvedAddresses,
  TelemetryClassifier,
} from '../engine/network/classify.ts';
import type { Indicators } from '../engine/network/indicators.ts';
import { scanFlowLog } from '../ingest/telemetry/flow-scan.ts';
import { TelemetryError } from '../ingest/telemetry/flowlogs.ts';

/** One piece of flow-log work: a whole file, or a byte range of an uncompressed one. */
export interface FlowJob {
  path: string;
  file: string;
  chunk?: { start: number; end: number; header: string };
  indicators: Indicators;
  accounts: string[] | null;
  resolved: ResolvedAddresses;
  skipBad: boolean;
}

export interface FlowJobResult {
  states: AccumulatorState[];
  records: number;
  skipped: number;
}

export async function runFlowJob(job: FlowJob): Promise<FlowJobResult> {
  const classifier = new TelemetryClassifier(
    job.indicators,
    job.accounts ? new Set(job.accounts) : undefined,
  );
  classifier.learnResolved(job.resolved);
  const counts = await scanFlowLog(job.path, job.file, classifier, {
    skipBad: job.skipBad,
    chunk: job.chunk,
  });
  return { states: classifier.exportState(), ...counts };
}

const CHUNK_BYTES = 64 << 20;

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
    const size = statSync(path).size;
    if (path.endsWith('.gz') || threads === 1 || size < 1 << 20) return [{ ...base, path, file }];
    const header = firstLine(path);
    const pieces = Math.max(threads, Math.ceil(size / CHUNK_BYTES));
    const step = Math.ceil(size / pieces);
    const start0 = Buffer.byteLength(header) + 1;
    const jobs: FlowJob[] = [];
    for (let start = start0; start < size; start += step)
      jobs.push({ ...base, path, file, chunk: { start, end: Math.min(size, start + step), header } });
    return jobs;
  });
}

/** Runs the jobs on `threads` worker threads (in this thread when 1), results in job order. */
export async function runFlowJobs(
  jobs: FlowJob[],
  threads = Math.min(availableParallelism(), 8),
): Promise<FlowJobResult[]> {
  if (threads <= 1 || jobs.length <= 1) {
    const out: FlowJobResult[] = [];
    for (const job of jobs) out.push(await runFlowJob(job));
    return out;
  }
  const results: FlowJobResult[] = new Array(jobs.length);
  let next = 0;
  const workers = Array.from(
    { length: Math.min(threads, jobs.length) },
    () => new Worker(new URL('./telemetry-worker.mjs', import.meta.url)),
  );
  try {
    await Promise.all(
      workers.map(async (worker) => {
        for (let i = next++; i < jobs.length; i = next++) {
          const reply = await new Promise<{
            ok: boolean;
            result?: FlowJobResult;
            error?: { name: string; message: string; file: string; line: number };
          }>((resolve, reject) => {
            worker.once('message', resolve);
            worker.once('error', reject);
            worker.postMessage(jobs[i]);
          });
          if (!reply.ok) {
            const e = reply.error!;
            // A chunk's line numbers start at its own first line: read the file alone to name the real line.
            if (e.name === 'TelemetryError' && jobs[i]!.chunk)
              await runFlowJob({ ...jobs[i]!, chunk: undefined });
            throw e.name === 'TelemetryError'
              ? new TelemetryError(e.file, e.line, e.message.replace(/^[^:]+:\d+: /, ''))
              : new Error(e.message);
          }
          results[i] = reply.result!;
        }
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
