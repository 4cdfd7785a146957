import { basename } from 'node:path';
import type { ResolvedAddresses, TelemetryClassifier } from '../engine/network/classify.ts';
import { csvParts } from '../ingest/csv-parts.ts';
import { TelemetryError } from '../ingest/telemetry/flowlogs.ts';
import type { ScreenParts } from '../store/row-files.ts';
import type { RemoteScreen, ScreenedPart, ScreenInput } from '../store/screen.ts';
import {
  type ClusterJob,
  decodeResult,
  type JobResultHead,
  planClusterJobs,
  planScreenJobs,
  type RunSpec,
  resultName,
  screenSpec,
  specName,
  type TelemetrySpec,
} from './jobs.ts';
import {
  type Cluster,
  type ClusterOptions,
  DONE_SUBJECT,
  JOBS_STREAM,
  JOBS_SUBJECT,
  objectMeta,
  openCluster,
  readObject,
  retrying,
  within,
} from './nats.ts';
import { decodeState } from './wire.ts';

export type RunKind = 'dns' | 'flow' | 'screen';

/** How the run went: its id, jobs, what was found stored already, and each job's worker and time. */
export interface ClusterRun {
  run: string;
  /** What its jobs read: DNS or flow-log files, or parts of a large table's file screened. */
  kind: RunKind;
  jobs: number;
  /** Jobs whose results were in the object store before this coordinator started (a resumed run). */
  resumed: number;
  seconds: number;
  workers: Record<string, { jobs: number; records: number; ms: number }>;
  perJob: { index: number; worker: string; ms: number; records: number }[];
  /** The run of the DNS files, read before the flow logs (their answers label the addresses flows reach). */
  dns?: ClusterRun;
}

export interface CoordinateOptions extends ClusterOptions {
  /** Jobs done so far, of how many, the throughput of each worker (records a second), and the files' kind. */
  onProgress?: (done: number, total: number, workers: Record<string, number>, kind: RunKind) => void;
  /** The run's report when it is whole. */
  onRun?: (run: ClusterRun) => void;
  /** At most this many files a job (default JOB_FILES). */
  jobFiles?: number;
  /** A large table's file is screened in parts of about this many bytes (default SCREEN_PART_BYTES). */
  screenPartBytes?: number;
}

/**
 * Runs a bundle's flow-log (or, with `spec.kind` 'dns', Resolver query log) files on the cluster's workers and
 * merges their states into `into` (see runPlan). The merge is exact (counts are integers, samples ordered by their
 * place in the input), so the signals are those of one process. A job that met bad input fails the run with its
 * `file:line` message, before anything is written. What DNS jobs' answers labelled is learnt in the jobs' order
 * once all are in, as one process reading the files in turn would.
 */
export async function runJobsOnCluster(
  files: { path: string; file: string }[],
  spec: TelemetrySpec,
  into: TelemetryClassifier,
  options: CoordinateOptions,
): Promise<{ counts: Map<string, { records: number; skipped: number }>; run: ClusterRun }> {
  const learnt: ResolvedAddresses[] = [];
  const ran = await runPlan(
    planClusterJobs(files, spec, { files: options.jobFiles }),
    spec,
    options,
    (head, state) => {
      if (head.error) throw TelemetryError.revive(head.error);
      if (state) into.merge(decodeState(state));
      if (head.resolved) learnt[head.index] = head.resolved;
    },
    (e) => e instanceof TelemetryError,
  );
  for (const resolved of learnt) if (resolved) into.followResolved(resolved);
  return ran;
}

/**
 * Screens a large table's CSV file on the cluster's workers, a part of about `screenPartBytes` each (cut at line starts):
 * each worker loads and checks its part with the same SQL as one process (screenConditions) into the row file
 * `parts` names, on a path it shares with the coordinator. The parts' rows are those of the file; a part that
 * breaks a rule or cannot be read strictly makes the caller read the whole file row by row, as one process does.
 * The run's id depends on the file, its parts and the store's folder alone: a coordinator killed and started again
 * takes the parts its workers stored meanwhile.
 */
export async function screenOnCluster(
  input: ScreenInput,
  parts: ScreenParts,
  options: CoordinateOptions & { signal?: AbortSignal },
): Promise<ScreenedPart[]> {
  const { header, parts: ranges } = csvParts(input.path, options.screenPartBytes ?? SCREEN_PART_BYTES);
  const spec = screenSpec(input, header, parts.dir);
  const file = basename(input.path);
  const { run, jobs } = planScreenJobs({ path: input.path, file }, ranges, spec, parts.part);
  const screened: ScreenedPart[] = [];
  await runPlan(
    { run, jobs },
    spec,
    {
      ...options,
      onProgress: (done, total, workers, kind) => {
        options.onProgress?.(done, total, workers, kind);
        input.onProgress?.(Math.floor((done * 100) / total));
      },
    },
    (head) => {
      screened[head.index] = { file: parts.part(run, head.index).file, ...head.screened! };
    },
    () => true,
  );
  return screened;
}

/** The screen of a store's large tables on the cluster's workers (see SnapshotWriter.screen). */
export const clusterScreen =
  (options: CoordinateOptions): RemoteScreen =>
  (input, parts, signal) =>
    screenOnCluster(input, parts, { ...options, signal });

/** Large tables' files are screened on the cluster in parts of this many bytes (L's invoices: 13 parts). */
export const SCREEN_PART_BYTES = 64 << 20;

/**
 * Runs a plan's jobs on the cluster's workers and hands each job's stored result to `onResult` once: publishes the
 * jobs (each once: the message id is the run, its attempt, the job and its input digest), then takes each job's
 * result whether a worker announces it or a listing of the bucket finds it, so a result stored twice (a slow
 * worker after a redelivery) is taken once and a coordinator started again resumes from what is stored. An error
 * `forGood` says is the input's (or a stop asked by `signal`) ends the run: its queued jobs and stored parts go.
 */
async function runPlan(
  { run, jobs }: { run: string; jobs: ClusterJob[] },
  spec: RunSpec,
  options: CoordinateOptions & { signal?: AbortSignal },
  onResult: (head: JobResultHead, state: Uint8Array | null) => void,
  forGood: (e: unknown) => boolean,
): Promise<{ counts: Map<string, { records: number; skipped: number }>; run: ClusterRun }> {
  const started = performance.now();
  const kind = spec.kind ?? 'flow';
  const cluster = await openCluster(options);
  const counts = new Map<string, { records: number; skipped: number }>();
  const report: ClusterRun = {
    run,
    kind,
    jobs: jobs.length,
    resumed: 0,
    seconds: 0,
    workers: {},
    perJob: [],
  };
  const merged = new Set<number>();
  try {
    // The spec's object id marks this attempt: a run resumed finds it and publishes with the same message ids
    // (deduplicated), a run done and forgotten starts a new attempt whose jobs are new messages.
    const attempt =
      (await present(cluster, specName(run))) ??
      (await retrying(() =>
        cluster.results.putBlob(objectMeta(specName(run)), Buffer.from(JSON.stringify(spec))),
      ));
    // Which of these jobs have a stored result (one direct request each: a listing of the bucket is a watch,
    // which a lost server can break).
    const stored = async (of: typeof jobs) => {
      const found = new Set<string>();
      for (let i = 0; i < of.length; i += 64)
        await Promise.all(
          of.slice(i, i + 64).map(async (job) => {
            if (await present(cluster, resultName(job))) found.add(resultName(job));
          }),
        );
      return found;
    };
    const before = await stored(jobs);
    report.resumed = jobs.filter((j) => before.has(resultName(j))).length;
    const announced = cluster.nc.subscribe(`${DONE_SUBJECT}.${run}`);
    // Published together (one connection sends them in order), each waiting for its own acknowledgement: one
    // round trip for all the jobs rather than one each.
    await Promise.all(
      jobs
        .filter((job) => !before.has(resultName(job)))
        .map((job) =>
          retrying(() =>
            cluster.js.publish(`${JOBS_SUBJECT}.${run}`, JSON.stringify(job), {
              msgID: `${run}.${attempt.nuid}.${job.index}.${job.digest}`,
            }),
          ),
        ),
    );

    const take = async (index: number) => {
      if (merged.has(index)) return;
      const bytes = await retrying(within(15_000, () => readObject(cluster, resultName(jobs[index]!))));
      if (!bytes || merged.has(index)) return;
      const { head, state } = await decodeResult(bytes);
      onResult(head, state);
      merged.add(index);
      account(report, head, counts);
      const rates = Object.fromEntries(
        Object.entries(report.workers).map(([w, s]) => [w, s.ms ? Math.round((s.records * 1000) / s.ms) : 0]),
      );
      options.onProgress?.(merged.size, jobs.length, rates, kind);
    };
    for (const job of jobs) if (before.has(resultName(job))) await take(job.index);
    // Announcements are fast; a listing every few seconds catches any a reconnect lost.
    let lastListing = performance.now();
    const iterator = announced[Symbol.asyncIterator]();
    // One announcement asked for at a time: a request dropped on a timeout would swallow the next one.
    let pending = iterator.next();
    while (merged.size < jobs.length) {
      options.signal?.throwIfAborted();
      const next = await Promise.race([
        pending,
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 1000)),
      ]);
      if (next) {
        pending = iterator.next();
        if (!next.done) await take((JSON.parse(next.value.string()) as { index: number }).index);
      }
      if (performance.now() - lastListing > 3000 || !next) {
        lastListing = performance.now();
        const waiting = jobs.filter((j) => !merged.has(j.index));
        const now = await stored(waiting);
        for (const job of waiting) if (now.has(resultName(job))) await take(job.index);
      }
    }
    announced.unsubscribe();
    await forget(cluster, run, jobs);
  } catch (e) {
    if (forGood(e) || options.signal?.aborted) {
      await cluster.jsm.streams.purge(JOBS_STREAM, { filter: `${JOBS_SUBJECT}.${run}` }).catch(() => {});
      await forget(cluster, run, jobs);
    }
    throw e;
  } finally {
    await cluster.close();
  }
  report.seconds = +((performance.now() - started) / 1000).toFixed(3);
  report.perJob.sort((a, b) => a.index - b.index);
  options.onRun?.(report);
  return { counts, run: report };
}

/** An object's info, unless there is none or it was deleted (a deleted object keeps a marker). */
async function present(cluster: Cluster, name: string) {
  const info = await retrying(() => cluster.results.info(name));
  return info && !info.deleted ? info : null;
}

/** The run's stored parts, once it is whole or failed for good. */
async function forget(cluster: Cluster, run: string, jobs: { index: number; run: string; digest: string }[]) {
  await Promise.all(
    [...jobs.map(resultName), specName(run)].map((name) => cluster.results.delete(name).catch(() => {})),
  );
}

function account(
  report: ClusterRun,
  head: JobResultHead,
  counts: Map<string, { records: number; skipped: number }>,
): void {
  let records = 0;
  for (const c of head.counts) {
    const f = counts.get(c.file) ?? { records: 0, skipped: 0 };
    counts.set(c.file, { records: f.records + c.records, skipped: f.skipped + c.skipped });
    records += c.records;
  }
  const w = report.workers[head.worker] ?? { jobs: 0, records: 0, ms: 0 };
  report.workers[head.worker] = { jobs: w.jobs + 1, records: w.records + records, ms: w.ms + head.ms };
  report.perJob.push({ index: head.index, worker: head.worker, ms: head.ms, records });
}
