import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { flowOrderKey, TelemetryClassifier } from '../engine/network/classify.ts';
import { readIndicators } from '../ingest/rules.ts';
import { FlowFilter, scanFlowLog } from '../ingest/telemetry/flow-scan.ts';
import { DEFAULT_FORMAT, readFlowLog } from '../ingest/telemetry/flowlogs.ts';
import { FlowWorkers, planJobs, runFlowJobs } from './telemetry-jobs.ts';

function bigLog(): string {
  const dir = mkdtempSync(join(tmpdir(), 'daylight-jobs-'));
  const lines = [DEFAULT_FORMAT];
  for (let i = 0; i < 40_000; i++) {
    const account = `A${i % 37}`;
    const port = [30303, 443, 3333, 8333, 80][i % 5];
    lines.push(
      `2 ${account} eni-${i % 11} 10.0.${i % 200}.${i % 250} 52.${i % 97}.${i % 13}.${(i * 7) % 250} ${50000 + (i % 9000)} ${port} 6 ${10 + (i % 50)} ${600 + (i % 3000)} ${1667260800 + i * 60} ${1667260800 + i * 60 + 300} ACCEPT OK`,
    );
  }
  const path = join(dir, 'flows.log');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('flow-log jobs', () => {
  const path = bigLog();
  const base = { indicators: readIndicators(), accounts: null, resolved: [], skipBad: false };

  it('splits a plain file into byte ranges that together hold every record once', async () => {
    const jobs = planJobs([{ path, file: 'flows.log' }], 2, base);
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    let total = 0;
    const seen = new Set<string>();
    for (const job of jobs)
      total += (await readFlowLog(path, 'flows.log', (_r, raw) => seen.add(raw), { chunk: job.chunk }))
        .records;
    expect(total).toBe(40_000);
    expect(seen.size).toBe(40_000);
  });

  it('gives the same signals on two worker threads as in one thread', async () => {
    const signals = async (threads: number) => {
      const jobs = planJobs([{ path, file: 'flows.log' }], threads, base);
      const c = new TelemetryClassifier(base.indicators);
      const pool = await FlowWorkers.start(threads - 1);
      await runFlowJobs(jobs, c, pool).finally(() => pool.close());
      return c.signals();
    };
    const one = await signals(1);
    expect(one.length).toBeGreaterThan(0);
    expect(await signals(2)).toEqual(one);
  });

  it('reports the parts taken as it goes', async () => {
    const jobs = planJobs([{ path, file: 'flows.log' }], 2, base);
    const seen: [number, number][] = [];
    await runFlowJobs(jobs, new TelemetryClassifier(base.indicators), undefined, (taken, total) =>
      seen.push([taken, total]),
    );
    expect(seen).toEqual(jobs.map((_, i) => [i + 1, jobs.length]));
  });

  it('names the file and its real line when a bad line sits in a later chunk', async () => {
    const text = readFileSync(path, 'utf8').split('\n');
    text[30_001] = text[30_001]!.replace(' 6 ', ' six ');
    const bad = join(dirname(path), 'bad.log');
    writeFileSync(bad, text.join('\n'));
    const jobs = planJobs([{ path: bad, file: 'bad.log' }], 2, base);
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    const pool = await FlowWorkers.start(1);
    await expect(runFlowJobs(jobs, new TelemetryClassifier(base.indicators), pool)).rejects.toThrow(
      /^bad\.log:30002: field protocol: not a number/,
    );
  });

  it('reads many small gzipped files on one or two threads as it reads each one in turn, and names a broken one', async () => {
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n').slice(1);
    const dir = mkdtempSync(join(tmpdir(), 'daylight-gz-'));
    const files = Array.from({ length: 40 }, (_, k) => {
      const file = `part-${String(k).padStart(2, '0')}.log.gz`;
      const part = lines.slice(k * 1000, (k + 1) * 1000);
      writeFileSync(join(dir, file), gzipSync(`${DEFAULT_FORMAT}\n${part.join('\n')}\n`));
      return { path: join(dir, file), file };
    });
    const signals = async (threads: number) => {
      const c = new TelemetryClassifier(base.indicators);
      const pool = await FlowWorkers.start(threads - 1);
      const counts = await runFlowJobs(planJobs(files, threads, base), c, pool).finally(() => pool.close());
      return { counts, signals: c.signals() };
    };
    // The reference: each file scanned in turn on this thread, numbered as the jobs number it.
    const alone = new TelemetryClassifier(base.indicators);
    const filter = new FlowFilter(alone);
    const counts = [];
    for (const [k, f] of files.entries())
      counts.push(await scanFlowLog(f.path, f.file, filter, { order: (line) => flowOrderKey(k, line) }));
    expect(counts.every((c) => c.records === 1000)).toBe(true);
    const one = await signals(1);
    expect(one.signals.length).toBeGreaterThan(0);
    expect(one).toEqual({ counts, signals: alone.signals() });
    expect(await signals(2)).toEqual(one);

    writeFileSync(join(dir, 'part-07.log.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]));
    await expect(signals(1)).rejects.toThrow(/^part-07\.log\.gz:\d+: cannot be read/);
    await expect(signals(2)).rejects.toThrow(/^part-07\.log\.gz:\d+: cannot be read/);
  });
});

describe('DNS jobs', () => {
  // Six gzipped resolver logs in which the same addresses come back under listed pools, exchanges and names that
  // only hint at a pool, so the order the answers are learnt in matters.
  const names = ['eth-eu1.nanopool.org.', 'api.binance.com.', 'stratum-eu.rplant.xyz.', 'www.example.com.'];
  // Every file asks the same accounts for the same addresses, under a hint, a pool, a hint, an exchange, a hint and
  // an ordinary name in turn: read in order, the exchange label is the one that stands.
  const byFile = [2, 0, 2, 1, 2, 3];
  const dir = mkdtempSync(join(tmpdir(), 'daylight-dns-'));
  const dnsFiles = Array.from({ length: 6 }, (_, f) => {
    const lines = Array.from({ length: 200 }, (_, i) =>
      JSON.stringify({
        version: '1.100000',
        account_id: `A${i % 2 ? (i * 7 + f) % 23 : i % 10}`,
        region: 'ap-southeast-1',
        vpc_id: 'vpc-1',
        query_timestamp: new Date(Date.UTC(2022, f, 1 + (i % 28), i % 24)).toISOString(),
        query_name: names[i % 2 ? (i * (f + 1)) % names.length : byFile[f]!],
        query_type: 'A',
        query_class: 'IN',
        rcode: 'NOERROR',
        answers: [{ Rdata: `192.0.2.${i % 2 ? 100 + ((i * 3 + f) % 40) : i % 10}`, Type: 'A', Class: 'IN' }],
        srcaddr: '10.0.0.5',
        srcport: '50000',
        transport: 'UDP',
        srcids: { instance: 'i-1' },
      }),
    );
    const path = join(dir, `resolver-${f}.log.gz`);
    writeFileSync(path, gzipSync(`${lines.join('\n')}\n`));
    return { path, file: `dns/resolver-${f}.log.gz` };
  });
  const base = { indicators: readIndicators(), accounts: null, resolved: [], skipBad: false, dns: true };

  it('gives on two threads the signals and labelled addresses of one thread reading the files in turn', async () => {
    const read = async (threads: number) => {
      const c = new TelemetryClassifier(base.indicators);
      const pool = await FlowWorkers.start(threads - 1);
      const counts = await runFlowJobs(
        dnsFiles.map((f) => ({ ...base, ...f })),
        c,
        pool,
      ).finally(() => pool.close());
      return { counts, signals: c.signals(), resolved: c.resolvedAddresses() };
    };
    const one = await read(1);
    expect(one.counts.map((c) => c.records)).toEqual(dnsFiles.map(() => 200));
    expect(one.signals.length).toBeGreaterThan(10);
    const labels = one.resolved.flatMap(([, ips]) => ips.map(([, label]) => label.kind));
    expect(new Set(labels)).toEqual(new Set(['pool', 'exchange', 'pool-hint']));
    // The addresses every file asks for keep the last listed label, not the hints that came after it.
    const a0 = new Map(new Map(one.resolved).get('A0')!);
    expect(a0.get('192.0.2.0')!.kind).toBe('exchange');
    expect(await read(2)).toEqual(one);
  });

  it('names the file and line of a bad query on two threads as on one', async () => {
    const broken = join(dir, 'broken');
    mkdirSync(broken, { recursive: true });
    const files = dnsFiles.map((f, i) => {
      const lines = gunzipSync(readFileSync(f.path)).toString('utf8').split('\n');
      if (i === 3) lines[41] = '{"account_id": "A1", "query_name": 7}';
      const path = join(broken, `resolver-${i}.log.gz`);
      writeFileSync(path, gzipSync(lines.join('\n')));
      return { path, file: f.file };
    });
    const failure = async (threads: number) => {
      const pool = await FlowWorkers.start(threads - 1);
      return runFlowJobs(
        files.map((f) => ({ ...base, ...f })),
        new TelemetryClassifier(base.indicators),
        pool,
      )
        .then(() => 'read')
        .catch((e: Error) => e.message)
        .finally(() => pool.close());
    };
    const one = await failure(1);
    expect(one).toMatch(/^dns\/resolver-3\.log\.gz:42: /);
    expect(await failure(2)).toBe(one);
  });
});
