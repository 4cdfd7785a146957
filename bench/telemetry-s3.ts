// Flow-log classification on logs laid out as AWS writes them to S3 — many small gzipped files under
// AWSLogs/<account>/vpcflowlogs/<region>/<yyyy>/<mm>/<dd>/, three flow logs of different versions and custom
// formats mixed — side by side with DuckDB SQL doing the same matching and aggregation, at 1 and 2 threads.
// BENCH_S3_RECORDS (default 2000000). Prints one JSON line.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FLOW_FIELDS } from '../src/ingest/telemetry/flowlogs.ts';
import { Rng } from '../src/sample/rng.ts';
import { gzippedFiles, POOL_ACCOUNTS, POOL_IPS, sideBySide } from './flow-classification.ts';

const RECORDS = Number(process.env.BENCH_S3_RECORDS ?? 2_000_000);
const dir = resolve(`.daylight/bench/flowlogs-s3-mixed-${RECORDS}`);
const OWNER = '111122223333';
const REGION = 'ap-southeast-1';

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

/** One read_csv per flow log (each has its own format, as its ID in the file name says). */
function duckdbRecords(): string {
  const type = (f: string) =>
    FLOW_FIELDS[f]!.kind === 'number'
      ? ['packets', 'bytes', 'start', 'end'].includes(f)
        ? 'BIGINT'
        : 'INTEGER'
      : 'VARCHAR';
  return Object.entries(FLOW_LOGS)
    .map(([id, fields]) => {
      const columns = fields.map((f) => `'${f}': '${type(f)}'`).join(', ');
      const remote = fields.includes('pkt-dstaddr') ? 'coalesce("pkt-dstaddr", dstaddr)' : 'dstaddr';
      return `SELECT "account-id" AS account, ${remote} AS remote, srcport, dstport, bytes, packets, "start" AS s,
                   "end" AS e, action, "log-status" AS status
            FROM read_csv('${dir}/AWSLogs/*/vpcflowlogs/*/*/*/*/*_${id}_*.log.gz', delim = ' ', header = true,
                          auto_detect = false, nullstr = '-', columns = {${columns}})`;
    })
    .join(' UNION ALL ');
}

generate();
const flows = gzippedFiles(dir);
process.stdout.write(
  `${JSON.stringify({
    records: RECORDS,
    files: flows.length,
    flowLogs: Object.keys(FLOW_LOGS).length,
    ...(await sideBySide(RECORDS, flows, duckdbRecords())),
  })}\n`,
);
