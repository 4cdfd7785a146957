// Flow-log classification on logs laid out as AWS writes them to S3 — many small gzipped files under
// AWSLogs/<account>/vpcflowlogs/<region>/<yyyy>/<mm>/<dd>/, three flow logs of different versions and custom
// formats mixed — side by side with DuckDB SQL doing the same matching and aggregation, at 1 and 2 threads.
// BENCH_S3_RECORDS (default 2000000). Prints one JSON line.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { TelemetryClassifier } from '../src/engine/network/classify.ts';
import { readIndicators } from '../src/ingest/rules.ts';
import { FLOW_FIELDS } from '../src/ingest/telemetry/flowlogs.ts';
import { Rng } from '../src/sample/rng.ts';
import { FlowWorkers, planJobs, runFlowJobs } from '../src/usecases/telemetry-jobs.ts';

const RECORDS = Number(process.env.BENCH_S3_RECORDS ?? 2_000_000);
const dir = resolve(`.daylight/bench/flowlogs-s3-mixed-${RECORDS}`);
const OWNER = '111122223333';
const REGION = 'ap-southeast-1';
const POOL_IPS = Array.from({ length: 20 }, (_, i) => `51.15.${i}.10`);
const POOL_ACCOUNTS = 100;

/** Three flow logs as a provider might configure them: the default format, and two custom ones (v3, v5). */
const FLOW_LOGS: Record<string, string[]> = {
  'fl-0a1b2c3d4e5f60001':
    'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'.split(
      ' ',
    ),
  'fl-0a1b2c3d4e5f60002':
    'version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status'.split(
      ' ',
    ),
  'fl-0a1b2c3d4e5f60003':
    'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id flow-direction traffic-path'.split(
      ' ',
    ),
};

function generate(): void {
  if (existsSync(join(dir, 'done'))) return;
  const rng = new Rng(23);
  const r = (n: number) => rng.int(0, n - 1);
  const ids = Object.keys(FLOW_LOGS);
  const version = (fields: string[]) => Math.max(...fields.map((f) => FLOW_FIELDS[f]!.version));
  let written = 0;
  for (let f = 0; written < RECORDS; f++) {
    const id = ids[f % ids.length]!;
    const fields = FLOW_LOGS[id]!;
    const day = 1 + (f % 30);
    const minute = Math.floor(f / 30) % 1440;
    const stamp = `202211${String(day).padStart(2, '0')}T${String(Math.floor(minute / 60)).padStart(2, '0')}${String(minute % 60).padStart(2, '0')}Z`;
    const out = join(
      dir,
      'AWSLogs',
      OWNER,
      'vpcflowlogs',
      REGION,
      '2022',
      '11',
      String(day).padStart(2, '0'),
    );
    mkdirSync(out, { recursive: true });
    const n = Math.min(RECORDS - written, 120 + r(130));
    const lines = [fields.join(' ')];
    for (let i = 0; i < n; i++) {
      const kind = r(100);
      const account = `A${String(kind >= 3 && kind < 5 ? r(POOL_ACCOUNTS) : r(2000)).padStart(7, '0')}`;
      const t = 1667260800 + (day - 1) * 86400 + r(86400);
      const local = `10.${r(250)}.${r(250)}.${r(250)}`;
      const [remote, port] =
        kind < 3
          ? [`52.${r(250)}.${r(250)}.${r(250)}`, 30303]
          : kind < 5
            ? [POOL_IPS[r(20)]!, 443]
            : kind < 6
              ? [`45.9.${r(250)}.${r(250)}`, 3333]
              : [`93.${r(250)}.${r(250)}.${r(250)}`, kind % 2 ? 443 : 80];
      const value: Record<string, string | number> = {
        version: version(fields),
        'account-id': account,
        'interface-id': `eni-${r(99999)}`,
        srcaddr: local,
        dstaddr: remote,
        srcport: 49152 + r(16000),
        dstport: port,
        protocol: 6,
        packets: 1 + r(200),
        bytes: 60 + r(200000),
        start: t,
        end: t + r(600),
        action: 'ACCEPT',
        'log-status': 'OK',
        'vpc-id': `vpc-${r(50)}`,
        'subnet-id': `subnet-${r(500)}`,
        'instance-id': `i-${r(1e6)}`,
        'tcp-flags': 2,
        type: 'IPv4',
        'pkt-srcaddr': local,
        'pkt-dstaddr': remote,
        region: REGION,
        'az-id': 'apse1-az1',
        'flow-direction': 'egress',
        'traffic-path': 8,
      };
      lines.push(fields.map((k) => value[k]!).join(' '));
    }
    const name = `${OWNER}_vpcflowlogs_${REGION}_${id}_${stamp}_${String(f).padStart(8, '0')}.log.gz`;
    writeFileSync(join(out, name), gzipSync(`${lines.join('\n')}\n`));
    written += n;
  }
  writeFileSync(join(dir, 'done'), '');
}

function files(): { path: string; file: string }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.log.gz'))
    .map((e) => join(e.parentPath, e.name))
    .sort()
    .map((path) => ({ path, file: path.slice(dir.length + 1) }));
}

const indicators = readIndicators();
const resolved: [string, [string, { kind: 'pool'; domain: string }][]][] = Array.from(
  { length: POOL_ACCOUNTS },
  (_, a) => [
    `A${String(a).padStart(7, '0')}`,
    POOL_IPS.map((ip) => [ip, { kind: 'pool' as const, domain: 'nanopool.org' }]),
  ],
);

async function daylight(threads: number, flows: { path: string; file: string }[]) {
  const pool = await FlowWorkers.start(threads - 1);
  const t = performance.now();
  const jobs = planJobs(flows, threads, { indicators, accounts: null, resolved, skipBad: false });
  const c = new TelemetryClassifier(indicators);
  c.learnResolved(resolved);
  await runFlowJobs(jobs, c, pool);
  const signals = c.signals().length;
  const seconds = (performance.now() - t) / 1000;
  await pool.close();
  return { seconds, signals };
}

/** One read_csv per flow log (each has its own format, as its ID in the file name says), then one aggregation. */
async function duckdb(threads: number) {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const db = await instance.connect();
  const p2p = Object.values(indicators.p2p)
    .flatMap((x) => x.ports)
    .join(', ');
  const stratum = indicators.stratum_ports.join(', ');
  await db.run(
    `CREATE TABLE resolved AS SELECT 'A' || lpad(CAST(a AS VARCHAR), 7, '0') AS account, ip FROM range(${POOL_ACCOUNTS}) t(a), (SELECT unnest([${POOL_IPS.map((ip) => `'${ip}'`).join(', ')}]) AS ip)`,
  );
  const type = (f: string) =>
    FLOW_FIELDS[f]!.kind === 'number'
      ? ['packets', 'bytes', 'start', 'end'].includes(f)
        ? 'BIGINT'
        : 'INTEGER'
      : 'VARCHAR';
  const reads = Object.entries(FLOW_LOGS).map(([id, fields]) => {
    const columns = fields.map((f) => `'${f}': '${type(f)}'`).join(', ');
    const remote = fields.includes('pkt-dstaddr') ? 'coalesce("pkt-dstaddr", dstaddr)' : 'dstaddr';
    return `SELECT "account-id" AS account, ${remote} AS remote, srcport, dstport, bytes, packets, "start" AS s,
                   "end" AS e, action, "log-status" AS status
            FROM read_csv('${dir}/AWSLogs/*/vpcflowlogs/*/*/*/*/*_${id}_*.log.gz', delim = ' ', header = true,
                          auto_detect = false, nullstr = '-', columns = {${columns}})`;
  });
  const t = performance.now();
  const r = await db.runAndReadAll(`
    WITH f AS (SELECT account, strftime(to_timestamp(s), '%Y-%m') AS period, remote, srcport, dstport, bytes, packets,
                      s, e FROM (${reads.join(' UNION ALL ')}) WHERE action = 'ACCEPT' AND status = 'OK'),
    labelled AS (
      SELECT f.*, CASE WHEN dstport IN (${p2p}) OR srcport IN (${p2p}) THEN 'node'
                       WHEN r.ip IS NOT NULL OR dstport IN (${stratum}) THEN 'miner' END AS signal
      FROM f LEFT JOIN resolved r ON r.account = f.account AND r.ip = f.remote)
    SELECT account, period, signal, count(*) AS records, sum(bytes) AS bytes, sum(packets) AS packets,
           count(DISTINCT remote) AS peers, min(s) AS first, max(e) AS last
    FROM labelled WHERE signal IS NOT NULL GROUP BY ALL`);
  const groups = r.currentRowCount;
  const seconds = (performance.now() - t) / 1000;
  db.closeSync();
  instance.closeSync();
  return { seconds, groups };
}

generate();
const flows = files();
const out: Record<string, unknown> = {
  records: RECORDS,
  files: flows.length,
  flowLogs: Object.keys(FLOW_LOGS).length,
};
const ours = [await daylight(1, flows), await daylight(2, flows)];
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
    duckdbGroups: theirs.groups,
  };
}
out.secondThread = +(ours[0]!.seconds / ours[1]!.seconds).toFixed(2);
process.stdout.write(`${JSON.stringify(out)}\n`);
