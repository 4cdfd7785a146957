// Flow-log classification spread over NATS JetStream workers, side by side in one run: one process alone (one
// thread), then a 3-node cluster on loopback with 1 and 2 `daylight worker` processes, on flow logs laid out as AWS
// writes them to S3 (many small gzipped files). Prints one JSON line. BENCH_CLUSTER_RECORDS (default 2000000, the
// size of the S3-layout telemetry set),
// BENCH_JOB_FILES (files a job, default 400), BENCH_WORKER_CONCURRENCY (jobs at once per worker, default 1),
// BENCH_CLUSTER_ROUNDS (default 3: each figure is the best of as many runs, this machine's spread being wide).
// Then a whole audit (`daylight audit`) alone and with `--nats`, where the workers also screen the invoices and
// sign-ins in parts: BENCH_CLUSTER_AUDIT names the bundle (default the bench's M with ten times the rows per
// account, else M), one run each.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { type ClusterRun, runJobsOnCluster } from '../src/cluster/coordinator.ts';
import { TelemetryClassifier } from '../src/engine/network/classify.ts';
import { readIndicators } from '../src/ingest/rules.ts';
import { SAMPLE_VERSION } from '../src/sample/generate.ts';
import { Rng } from '../src/sample/rng.ts';
import { FlowWorkers, planJobs, runFlowJobs } from '../src/usecases/telemetry-jobs.ts';
import { startNatsCluster } from '../test/support/nats-cluster.ts';
import { gzippedFiles } from './flow-classification.ts';

const RECORDS = Number(process.env.BENCH_CLUSTER_RECORDS ?? 2_000_000);
const ROUNDS = Number(process.env.BENCH_CLUSTER_ROUNDS ?? 3);
const PER_FILE = 500;
const dir = resolve(`.daylight/bench/flowlogs-s3-${RECORDS}`);
const HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const ACCOUNTS = Array.from({ length: 2000 }, (_, i) => `A${String(i).padStart(7, '0')}`);

function generate(): void {
  if (existsSync(join(dir, 'done'))) return;
  const out = join(dir, 'AWSLogs', '111122223333', 'vpcflowlogs', 'ap-southeast-1', '2022', '11', '30');
  mkdirSync(out, { recursive: true });
  const rng = new Rng(11);
  const r = (n: number) => rng.int(0, n - 1);
  for (let f = 0; f < RECORDS / PER_FILE; f++) {
    const lines = [HEADER];
    for (let i = 0; i < PER_FILE; i++) {
      const kind = r(100);
      const port = kind < 3 ? 30303 : kind < 5 ? 3333 : 443;
      const t = 1664582400 + r(90 * 86400);
      lines.push(
        `2 ${ACCOUNTS[r(ACCOUNTS.length)]} eni-${r(1e6)} 10.${r(250)}.${r(250)}.${r(250)} 52.${r(250)}.${r(250)}.${r(250)} ${1024 + r(60000)} ${port} 6 ${1 + r(50)} ${100 + r(9000)} ${t} ${t + 60} ACCEPT OK`,
      );
    }
    writeFileSync(
      join(out, `111122223333_vpcflowlogs_${String(f).padStart(6, '0')}.log.gz`),
      gzipSync(`${lines.join('\n')}\n`),
    );
  }
  writeFileSync(join(dir, 'done'), '');
}

generate();

/** The machine's CPU time (all processes: coordinator, workers, NATS servers) busy and in all, from /proc/stat. */
function cpuTicks(): { busy: number; all: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const n = fields.map(Number);
  const all = n.reduce((x, y) => x + y, 0);
  return { busy: all - n[3]! - n[4]!, all };
}

/** `run` timed, with how many of the machine's cores were busy on average meanwhile. */
async function measured<T>(run: () => Promise<T>, cores: number) {
  const before = cpuTicks();
  const t = performance.now();
  const result = await run();
  const seconds = (performance.now() - t) / 1000;
  const after = cpuTicks();
  return { result, seconds, coresBusy: ((after.busy - before.busy) / (after.all - before.all)) * cores };
}
const flows = gzippedFiles(dir);
const indicators = readIndicators();
const fresh = () => new TelemetryClassifier(indicators, new Set(ACCOUNTS));
const spec = { indicators, accounts: ACCOUNTS, resolved: fresh().resolvedAddresses(), skipBad: false };

const CORES = availableParallelism();

async function alone(): Promise<{ seconds: number; coresBusy: number; signals: string }> {
  const into = fresh();
  const jobs = planJobs(flows, 1, spec);
  const pool = await FlowWorkers.start(0);
  const { seconds, coresBusy } = await measured(() => runFlowJobs(jobs, into, pool), CORES);
  await pool.close();
  return { seconds, coresBusy, signals: JSON.stringify(into.signals()) };
}

const cluster = await startNatsCluster(3);
const workers: ChildProcess[] = [];
const startWorkers = async (n: number) => {
  while (workers.length < n)
    workers.push(
      spawn(
        process.execPath,
        [
          'bin/daylight.mjs',
          'worker',
          '--nats',
          cluster.urls.join(','),
          '--name',
          `w${workers.length + 1}`,
          '--concurrency',
          process.env.BENCH_WORKER_CONCURRENCY ?? '1',
        ],
        {
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      ),
    );
  // A worker is ready in a few seconds (loading its code, joining the consumer).
  await new Promise((r) => setTimeout(r, 4000));
};
async function onCluster(): Promise<{
  seconds: number;
  coresBusy: number;
  signals: string;
  workers: number;
  jobMs: number;
  jobs: number;
}> {
  const into = fresh();
  const { result, seconds, coresBusy } = await measured(
    () =>
      runJobsOnCluster(flows, spec, into, {
        servers: cluster.urls,
        jobFiles: process.env.BENCH_JOB_FILES ? Number(process.env.BENCH_JOB_FILES) : undefined,
      }),
    CORES,
  );
  const { run } = result;
  return {
    seconds,
    coresBusy,
    signals: JSON.stringify(into.signals()),
    workers: Object.keys(run.workers).length,
    jobMs: Object.values(run.workers).reduce((n, w) => n + w.ms, 0),
    jobs: run.jobs,
  };
}

const AUDIT_BUNDLE =
  process.env.BENCH_CLUSTER_AUDIT ??
  [`m-rows-x10-v${SAMPLE_VERSION}`, `sample-m-v${SAMPLE_VERSION}`]
    .map((name) => resolve('.daylight/bench', name))
    .find((d) => existsSync(join(d, 'invoices.csv')));

/** `daylight audit` of the bundle in a process of its own, alone or with `--nats`: its time, outputs and screens. */
async function auditRun(nats: boolean) {
  const out = mkdtempSync(join(tmpdir(), 'daylight-bench-cluster-'));
  const args = ['bin/daylight.mjs', 'audit', AUDIT_BUNDLE!, '--out', out, '--store', ':memory:', '--json'];
  const { result, seconds, coresBusy } = await measured(
    () =>
      promisify(execFile)(process.execPath, [...args, ...(nats ? ['--nats', cluster.urls.join(',')] : [])], {
        env: { ...process.env, DAYLIGHT_DUCKDB_MEMORY: process.env.DAYLIGHT_DUCKDB_MEMORY ?? '1GB' },
        maxBuffer: 1 << 26,
      }),
    CORES,
  );
  const report = JSON.parse(result.stdout) as { cluster_screens?: ClusterRun[] };
  const outputs = readdirSync(out)
    .sort()
    .map((f) => readFileSync(join(out, f)).toString('base64'))
    .join('/');
  rmSync(out, { recursive: true, force: true });
  const screens = report.cluster_screens ?? [];
  return {
    seconds,
    coresBusy,
    outputs,
    screenSeconds: +screens.reduce((n, r) => n + r.seconds, 0).toFixed(2),
    screenJobs: screens.reduce((n, r) => n + r.jobs, 0),
    screenWorkers: [...new Set(screens.flatMap((r) => Object.keys(r.workers)))].length,
  };
}

/** The quickest of ROUNDS runs. */
async function best<T extends { seconds: number }>(run: () => Promise<T>): Promise<T> {
  let quickest: T | null = null;
  for (let i = 0; i < ROUNDS; i++) {
    const r = await run();
    if (!quickest || r.seconds < quickest.seconds) quickest = r;
  }
  return quickest!;
}

try {
  const one = await best(alone);
  const auditAlone = AUDIT_BUNDLE ? await auditRun(false) : null;
  await startWorkers(1);
  const w1 = await best(onCluster);
  const audit1 = AUDIT_BUNDLE ? await auditRun(true) : null;
  await startWorkers(2);
  const w2 = await best(onCluster);
  const audit2 = AUDIT_BUNDLE ? await auditRun(true) : null;
  const audits = auditAlone && audit1 && audit2 ? ([auditAlone, audit1, audit2] as const) : null;
  process.stdout.write(
    `${JSON.stringify({
      records: RECORDS,
      rounds: ROUNDS,
      files: flows.length,
      jobs: w1.jobs,
      workerConcurrency: Number(process.env.BENCH_WORKER_CONCURRENCY ?? 1),
      inProcessSeconds: +one.seconds.toFixed(2),
      oneWorkerSeconds: +w1.seconds.toFixed(2),
      twoWorkersSeconds: +w2.seconds.toFixed(2),
      twoOverOne: +(w1.seconds / w2.seconds).toFixed(2),
      oneWorkerOverInProcess: +(w1.seconds / one.seconds).toFixed(2),
      identical: one.signals === w1.signals && one.signals === w2.signals,
      workersUsed: [w1.workers, w2.workers],
      /** Time the workers spent in their jobs (reading, classifying, packing), one worker then two. */
      workerJobSeconds: [+(w1.jobMs / 1000).toFixed(2), +(w2.jobMs / 1000).toFixed(2)],
      recordsPerSecondPerWorker: Math.round(RECORDS / w1.seconds),
      /** The machine's cores busy on average (every process: coordinator, workers, NATS), alone, 1 and 2 workers. */
      coresBusy: [one, w1, w2].map((r) => +r.coresBusy.toFixed(2)),
      /**
       * What two workers could give at most: one worker's run keeps coresBusy[1] of the CORES busy, and two
       * workers need at least that CPU time again, spread over CORES at best.
       */
      twoOverOneCeiling: +(CORES / w1.coresBusy).toFixed(2),
      /**
       * A whole `daylight audit` (one run each) alone, then with `--nats` and 1 and 2 workers: the workers screen
       * the invoices and sign-ins in parts (screenSeconds: those runs end to end, as the coordinator saw them) and
       * read the telemetry; identical = the five output files byte for byte.
       */
      audit: audits && {
        bundle: AUDIT_BUNDLE!.split('/').at(-1),
        seconds: audits.map((a) => +a.seconds.toFixed(2)),
        oneWorkerOverAlone: +(audits[1].seconds / audits[0].seconds).toFixed(2),
        twoOverOne: +(audits[1].seconds / audits[2].seconds).toFixed(2),
        screenSeconds: [audits[1].screenSeconds, audits[2].screenSeconds],
        screenJobs: audits[1].screenJobs,
        screenWorkers: [audits[1].screenWorkers, audits[2].screenWorkers],
        coresBusy: audits.map((a) => +a.coresBusy.toFixed(2)),
        identical: audits.every((a) => a.outputs === audits[0].outputs),
      },
    })}\n`,
  );
} finally {
  for (const w of workers) w.kill('SIGTERM');
  await cluster.stop();
}
