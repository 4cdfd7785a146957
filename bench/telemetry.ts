// Flow-log classification, side by side with DuckDB SQL doing the same port/CIDR matching and per-account
// aggregation over the same generated files, at 1 and 2 threads. Prints one JSON line.

import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { TelemetryClassifier } from '../src/engine/network/classify.ts';
import { readIndicators } from '../src/ingest/rules.ts';
import { DEFAULT_FORMAT } from '../src/ingest/telemetry/flowlogs.ts';
import { Rng } from '../src/sample/rng.ts';
import { FlowWorkers, planJobs, runFlowJobs } from '../src/usecases/telemetry-jobs.ts';

const RECORDS = Number(process.env.BENCH_FLOW_RECORDS ?? 2_000_000);
const FILES = 4;
const dir = resolve(`.daylight/bench/flowlogs-v2-${RECORDS}`);
const HEADER = `${DEFAULT_FORMAT} flow-direction`;
const POOL_IPS = Array.from({ length: 20 }, (_, i) => `51.15.${i}.10`);
const POOL_ACCOUNTS = 100;

async function generate(): Promise<void> {
  if (existsSync(join(dir, 'done'))) return;
  mkdirSync(dir, { recursive: true });
  const rng = new Rng(7);
  const rnd = (n: number) => rng.int(0, n - 1);
  for (let f = 0; f < FILES; f++) {
    const out = createWriteStream(join(dir, `flows-${f}.log`));
    let buffer = `${HEADER}\n`;
    for (let i = 0; i < RECORDS / FILES; i++) {
      const kind = rnd(100);
      // Pool traffic comes from the accounts that resolved pool domains (the first 100), as it would.
      const account = `A${String(kind >= 3 && kind < 5 ? rnd(POOL_ACCOUNTS) : rnd(2000)).padStart(7, '0')}`;
      const t = 1664582400 + rnd(90 * 86400);
      const local = `10.${rnd(250)}.${rnd(250)}.${rnd(250)}`;
      const [remote, port] =
        kind < 3
          ? [`52.${rnd(250)}.${rnd(250)}.${rnd(250)}`, 30303]
          : kind < 5
            ? [POOL_IPS[rnd(20)]!, 443]
            : kind < 6
              ? [`45.9.${rnd(250)}.${rnd(250)}`, 3333]
              : [`93.${rnd(250)}.${rnd(250)}.${rnd(250)}`, kind % 2 ? 443 : 80];
      buffer += `5 ${account} eni-${rnd(99999)} ${local} ${remote} ${49152 + rnd(16000)} ${port} 6 ${1 + rnd(200)} ${60 + rnd(200000)} ${t} ${t + rnd(600)} ACCEPT OK egress\n`;
      if (buffer.length > 1 << 20) {
        if (!out.write(buffer)) await once(out, 'drain');
        buffer = '';
      }
    }
    out.end(buffer);
    await once(out, 'finish');
  }
  writeFileSync(join(dir, 'done'), '');
}

const indicators = readIndicators();
const resolved: [string, [string, { kind: 'pool'; domain: string }][]][] = Array.from(
  { length: POOL_ACCOUNTS },
  (_, a) => [
    `A${String(a).padStart(7, '0')}`,
    POOL_IPS.map((ip) => [ip, { kind: 'pool' as const, domain: 'nanopool.org' }]),
  ],
);

async function daylight(threads: number): Promise<{ seconds: number; signals: number }> {
  const files = Array.from({ length: FILES }, (_, f) => ({
    path: join(dir, `flows-${f}.log`),
    file: `flows-${f}.log`,
  }));
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

async function duckdb(threads: number): Promise<{ seconds: number; signals: number }> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const db = await instance.connect();
  const p2p = Object.values(indicators.p2p)
    .flatMap((x) => x.ports)
    .join(', ');
  const stratum = indicators.stratum_ports.join(', ');
  // The same (account, address) pairs the classifier learnt from DNS answers.
  await db.run(
    `CREATE TABLE resolved AS SELECT 'A' || lpad(CAST(a AS VARCHAR), 7, '0') AS account, ip FROM range(${POOL_ACCOUNTS}) t(a), (SELECT unnest([${POOL_IPS.map((ip) => `'${ip}'`).join(', ')}]) AS ip)`,
  );
  const t = performance.now();
  const r = await db.runAndReadAll(`
    WITH f AS (
      SELECT "account-id" AS account, strftime(to_timestamp("start"), '%Y-%m') AS period, dstaddr AS remote,
             srcport, dstport, bytes, packets, "start" AS s, "end" AS e
      FROM read_csv('${join(dir, 'flows-*.log')}', delim = ' ', header = true, auto_detect = false,
        columns = {'version': 'INTEGER', 'account-id': 'VARCHAR', 'interface-id': 'VARCHAR', 'srcaddr': 'VARCHAR',
                   'dstaddr': 'VARCHAR', 'srcport': 'INTEGER', 'dstport': 'INTEGER', 'protocol': 'INTEGER',
                   'packets': 'BIGINT', 'bytes': 'BIGINT', 'start': 'BIGINT', 'end': 'BIGINT', 'action': 'VARCHAR',
                   'log-status': 'VARCHAR', 'flow-direction': 'VARCHAR'})
      WHERE action = 'ACCEPT' AND "log-status" = 'OK'),
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

await generate();
const out: Record<string, unknown> = { records: RECORDS, files: FILES };
// Daylight first at both thread counts, so its peak memory is measured before DuckDB's.
const ours = [await daylight(1), await daylight(2)];
out.daylightPeakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
for (const [i, threads] of [1, 2].entries()) {
  const theirs = await duckdb(threads);
  out[`threads${threads}`] = {
    daylightSeconds: +ours[i]!.seconds.toFixed(2),
    daylightRecordsPerSecond: Math.round(RECORDS / ours[i]!.seconds),
    duckdbSeconds: +theirs.seconds.toFixed(2),
    duckdbRecordsPerSecond: Math.round(RECORDS / theirs.seconds),
    ratio: +(theirs.seconds / ours[i]!.seconds).toFixed(2),
    daylightSignals: ours[i]!.signals,
    duckdbGroups: theirs.signals,
  };
}
out.peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(`${JSON.stringify(out)}\n`);
