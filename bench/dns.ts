// Route 53 Resolver query logs, side by side with DuckDB SQL doing the same reading and matching: each query's name
// against the mining-pool and exchange API domains (the name or any of its parent domains), counted per account,
// month and signal, at 1 and 2 threads. Daylight also checks every record against the contract and keeps what the
// answers labelled; DuckDB reads the columns it is given. BENCH_DNS_RECORDS (default 500000) queries in 16 gzipped
// NDJSON files. Prints one JSON line.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { TelemetryClassifier } from '../src/engine/network/classify.ts';
import { Rng } from '../src/sample/rng.ts';
import { FlowWorkers, runFlowJobs } from '../src/usecases/telemetry-jobs.ts';
import { gzippedFiles, indicators, type Run, sideBySideRuns } from './flow-classification.ts';

const RECORDS = Number(process.env.BENCH_DNS_RECORDS ?? 500_000);
const FILES = 16;
const dir = resolve(`.daylight/bench/dns-${RECORDS}`);
const ORDINARY = [
  'www.example.com.',
  'api.github.com.',
  's3.ap-southeast-1.amazonaws.com.',
  'cdn.jsdelivr.net.',
];

function generate(): void {
  if (existsSync(join(dir, 'done'))) return;
  mkdirSync(dir, { recursive: true });
  const rng = new Rng(5);
  const r = (n: number) => rng.int(0, n - 1);
  const crypto = [...indicators.pool_domains, ...indicators.exchange_api_domains];
  for (let f = 0; f < FILES; f++) {
    const lines: string[] = [];
    for (let i = 0; i < RECORDS / FILES; i++) {
      const kind = r(100);
      const name =
        kind < 5
          ? `${['eth', 'stratum', 'us1'][r(3)]}.${crypto[r(crypto.length)]}.`
          : ORDINARY[r(ORDINARY.length)];
      const at = new Date(Date.UTC(2022, 9, 1) + r(90 * 86_400) * 1000).toISOString().replace('.000', '');
      lines.push(
        JSON.stringify({
          version: '1.100000',
          account_id: `A${String(r(20_000)).padStart(7, '0')}`,
          region: 'ap-southeast-1',
          vpc_id: `vpc-${r(5000)}`,
          query_timestamp: at,
          query_name: name,
          query_type: 'A',
          query_class: 'IN',
          rcode: 'NOERROR',
          answers: [{ Rdata: `198.51.${r(250)}.${r(250)}`, Type: 'A', Class: 'IN' }],
          srcaddr: `10.${r(250)}.${r(250)}.${r(250)}`,
          srcport: String(1024 + r(60_000)),
          transport: 'UDP',
          srcids: { instance: `i-${r(99_999)}` },
        }),
      );
    }
    writeFileSync(
      join(dir, `resolver-${String(f).padStart(2, '0')}.log.gz`),
      gzipSync(`${lines.join('\n')}\n`),
    );
  }
  writeFileSync(join(dir, 'done'), '');
}

async function daylight(threads: number, files: { path: string; file: string }[]): Promise<Run> {
  const pool = await FlowWorkers.start(threads - 1);
  const base = { indicators, accounts: null, resolved: [], skipBad: false, dns: true };
  const t = performance.now();
  const c = new TelemetryClassifier(indicators);
  await runFlowJobs(
    files.map((f) => ({ ...base, ...f })),
    c,
    pool,
  );
  const signals = c.signals().length;
  const seconds = (performance.now() - t) / 1000;
  await pool.close();
  return { seconds, signals };
}

async function duckdb(threads: number): Promise<Run> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const db = await instance.connect();
  const list = (xs: string[]) => `[${xs.map((x) => `'${x}'`).join(', ')}]`;
  const t = performance.now();
  const r = await db.runAndReadAll(`
    SELECT account, period, signal, count(*) AS records, min(ts) AS first, max(ts) AS last
    FROM (
      SELECT account_id AS account, strftime(ts, '%Y-%m') AS period, ts,
             CASE WHEN list_has_any(names, ${list(indicators.pool_domains)}) THEN 'miner'
                  WHEN list_has_any(names, ${list(indicators.exchange_api_domains)}) THEN 'exchange-client' END AS signal
      FROM (
        SELECT account_id, CAST(query_timestamp AS TIMESTAMP) AS ts,
               list_transform(range(1, len(l)), i -> array_to_string(list_slice(l, i, len(l)), '.')) AS names
        FROM (SELECT account_id, query_timestamp, string_split(lower(rtrim(query_name, '.')), '.') AS l
              FROM read_json('${dir}/*.log.gz', format = 'newline_delimited',
                columns = {version: 'VARCHAR', account_id: 'VARCHAR', region: 'VARCHAR', vpc_id: 'VARCHAR',
                           query_timestamp: 'VARCHAR', query_name: 'VARCHAR', query_type: 'VARCHAR',
                           query_class: 'VARCHAR', rcode: 'VARCHAR',
                           answers: 'STRUCT("Rdata" VARCHAR, "Type" VARCHAR, "Class" VARCHAR)[]',
                           srcaddr: 'VARCHAR', srcport: 'VARCHAR', transport: 'VARCHAR',
                           srcids: 'STRUCT(instance VARCHAR)'}))))
    WHERE signal IS NOT NULL GROUP BY ALL`);
  const signals = r.currentRowCount;
  const seconds = (performance.now() - t) / 1000;
  db.closeSync();
  instance.closeSync();
  return { seconds, signals };
}

generate();
const files = gzippedFiles(dir);
for (const f of files) readFileSync(f.path);
process.stdout.write(
  `${JSON.stringify({
    records: RECORDS,
    files: files.length,
    ...(await sideBySideRuns(
      RECORDS,
      (threads) => daylight(threads, files),
      (threads) => duckdb(threads),
    )),
  })}\n`,
);
