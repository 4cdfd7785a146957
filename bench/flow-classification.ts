// What the flow-log benchmarks share: the pool addresses the classifier learnt from DNS answers, Daylight's run at a
// thread count, DuckDB's SQL doing the same matching and aggregation, and the side-by-side figures.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { TelemetryClassifier } from '../src/engine/network/classify.ts';
import { readIndicators } from '../src/ingest/rules.ts';
import { FlowWorkers, planJobs, runFlowJobs } from '../src/usecases/telemetry-jobs.ts';

export const POOL_IPS = Array.from({ length: 20 }, (_, i) => `51.15.${i}.10`);
export const POOL_ACCOUNTS = 100;
export const indicators = readIndicators();

type FlowFile = { path: string; file: string };
export type Run = { seconds: number; signals: number };

/** The same (account, address) pairs for every pool account, as resolved from a mining pool's domain. */
const resolved: [string, [string, { kind: 'pool'; domain: string }][]][] = Array.from(
  { length: POOL_ACCOUNTS },
  (_, a) => [
    `A${String(a).padStart(7, '0')}`,
    POOL_IPS.map((ip) => [ip, { kind: 'pool' as const, domain: 'nanopool.org' }]),
  ],
);

/** Every gzipped file under `dir`, sorted, named relative to it. */
export function gzippedFiles(dir: string): FlowFile[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.gz'))
    .map((e) => join(e.parentPath, e.name))
    .sort()
    .map((path) => ({ path, file: path.slice(dir.length + 1) }));
}

export async function daylightRun(threads: number, files: FlowFile[]): Promise<Run> {
  // The worker pool is started before the clock, as the DuckDB instance (and its threads) is.
  const pool = await FlowWorkers.start(threads - 1);
  const t = performance.now();
  const jobs = planJobs(files, threads, { indicators, accounts: null, resolved, skipBad: false });
  const c = new TelemetryClassifier(indicators);
  c.learnResolved(resolved);
  await runFlowJobs(jobs, c, pool);
  const signals = c.signals().length;
  const seconds = (performance.now() - t) / 1000;
  await pool.close();
  return { seconds, signals };
}

/**
 * DuckDB's classification of `records`: a query yielding account, remote, srcport, dstport, bytes, packets, s, e,
 * action and status for each record.
 */
export async function duckdbRun(threads: number, records: string): Promise<Run> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const db = await instance.connect();
  const p2p = Object.values(indicators.p2p)
    .flatMap((x) => x.ports)
    .join(', ');
  const stratum = indicators.stratum_ports.join(', ');
  await db.run(
    `CREATE TABLE resolved AS SELECT 'A' || lpad(CAST(a AS VARCHAR), 7, '0') AS account, ip FROM range(${POOL_ACCOUNTS}) t(a), (SELECT unnest([${POOL_IPS.map((ip) => `'${ip}'`).join(', ')}]) AS ip)`,
  );
  const t = performance.now();
  const r = await db.runAndReadAll(`
    WITH f AS (SELECT account, strftime(to_timestamp(s), '%Y-%m') AS period, remote, srcport, dstport, bytes, packets,
                      s, e FROM (${records}) WHERE action = 'ACCEPT' AND status = 'OK'),
    labelled AS (
      SELECT f.*, CASE WHEN dstport IN (${p2p}) OR srcport IN (${p2p}) THEN 'node'
                       WHEN r.ip IS NOT NULL OR dstport IN (${stratum}) THEN 'miner' END AS signal
      FROM f LEFT JOIN resolved r ON r.account = f.account AND r.ip = f.remote)
    SELECT account, period, signal, count(*) AS records, sum(bytes) AS bytes, sum(packets) AS packets,
           count(DISTINCT remote) AS peers, min(s) AS first, max(e) AS last
    FROM labelled WHERE signal IS NOT NULL GROUP BY ALL`);
  const signals = r.currentRowCount;
  const seconds = (performance.now() - t) / 1000;
  db.closeSync();
  instance.closeSync();
  return { seconds, signals };
}

/** Rounds of each run (BENCH_TELEMETRY_ROUNDS, default 2): each figure is the quickest, for both sides alike. */
const ROUNDS = Number(process.env.BENCH_TELEMETRY_ROUNDS ?? 2);

async function quickest(run: () => Promise<Run>): Promise<Run> {
  let best: Run | null = null;
  for (let i = 0; i < ROUNDS; i++) {
    const r = await run();
    if (!best || r.seconds < best.seconds) best = r;
  }
  return best!;
}

/**
 * Daylight first at 1 and 2 threads (so its peak memory is measured before DuckDB's), then DuckDB, each the quickest
 * of ROUNDS; the figures side by side per thread count.
 */
export async function sideBySideRuns(
  records: number,
  daylight: (threads: number) => Promise<Run>,
  duckdb: (threads: number) => Promise<Run>,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { rounds: ROUNDS };
  const ours = [await quickest(() => daylight(1)), await quickest(() => daylight(2))];
  out.daylightPeakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  for (const [i, threads] of [1, 2].entries()) {
    const theirs = await quickest(() => duckdb(threads));
    out[`threads${threads}`] = {
      daylightSeconds: +ours[i]!.seconds.toFixed(2),
      daylightRecordsPerSecond: Math.round(records / ours[i]!.seconds),
      duckdbSeconds: +theirs.seconds.toFixed(2),
      duckdbRecordsPerSecond: Math.round(records / theirs.seconds),
      ratio: +(theirs.seconds / ours[i]!.seconds).toFixed(2),
      daylightSignals: ours[i]!.signals,
      duckdbGroups: theirs.signals,
    };
  }
  out.secondThread = +(ours[0]!.seconds / ours[1]!.seconds).toFixed(2);
  out.peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  return out;
}

/**
 * Flow-log classification side by side (see sideBySideRuns). Every file is read once before either side is timed:
 * the first run would otherwise read from disk what the others find in the page cache (after a large bench,
 * Daylight's one-thread run on the S3 layout took 3.05 s where it takes 2.0–2.3 s on cached files).
 */
export async function sideBySide(
  records: number,
  files: FlowFile[],
  duckdbRecords: string,
): Promise<Record<string, unknown>> {
  for (const f of files) readFileSync(f.path);
  return sideBySideRuns(
    records,
    (threads) => daylightRun(threads, files),
    (threads) => duckdbRun(threads, duckdbRecords),
  );
}
