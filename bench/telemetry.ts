// Flow-log classification, side by side with DuckDB SQL doing the same port/CIDR matching and per-account
// aggregation over the same generated files, at 1 and 2 threads. Prints one JSON line.

import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_FORMAT } from '../src/ingest/telemetry/flowlogs.ts';
import { Rng } from '../src/sample/rng.ts';
import { POOL_ACCOUNTS, POOL_IPS, sideBySide } from './flow-classification.ts';

const RECORDS = Number(process.env.BENCH_FLOW_RECORDS ?? 2_000_000);
const FILES = 4;
const dir = resolve(`.daylight/bench/flowlogs-v2-${RECORDS}`);
const HEADER = `${DEFAULT_FORMAT} flow-direction`;

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

const files = Array.from({ length: FILES }, (_, f) => ({
  path: join(dir, `flows-${f}.log`),
  file: `flows-${f}.log`,
}));
const duckdbRecords = `SELECT "account-id" AS account, dstaddr AS remote, srcport, dstport, bytes, packets, "start" AS s,
         "end" AS e, action, "log-status" AS status
  FROM read_csv('${join(dir, 'flows-*.log')}', delim = ' ', header = true, auto_detect = false,
    columns = {'version': 'INTEGER', 'account-id': 'VARCHAR', 'interface-id': 'VARCHAR', 'srcaddr': 'VARCHAR',
               'dstaddr': 'VARCHAR', 'srcport': 'INTEGER', 'dstport': 'INTEGER', 'protocol': 'INTEGER',
               'packets': 'BIGINT', 'bytes': 'BIGINT', 'start': 'BIGINT', 'end': 'BIGINT', 'action': 'VARCHAR',
               'log-status': 'VARCHAR', 'flow-direction': 'VARCHAR'})`;

await generate();
process.stdout.write(
  `${JSON.stringify({ records: RECORDS, files: FILES, ...(await sideBySide(RECORDS, files, duckdbRecords)) })}\n`,
);
