import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { StorageType } from '@nats-io/jetstream';
import { Objm } from '@nats-io/obj';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterRun } from '../src/cluster/coordinator.ts';
import { JOBS_STREAM, openCluster, RESULTS_BUCKET } from '../src/cluster/nats.ts';
import { loadBundle } from '../src/ingest/bundle.ts';
import { bundleTelemetry, indicatorsFor } from '../src/usecases/telemetry.ts';
import { copyOfSample, setCell, tempDir, toS3Layout } from './support/bundles.ts';
import { haveNats, type NatsCluster, startNatsCluster } from './support/nats-cluster.ts';

const ACK_WAIT_MS = 2000;
/** A run's jobs small enough that the sample makes several: 2 flow-log files a job, invoice parts of 0.5 MB. */
const SPREAD_ENV = {
  DAYLIGHT_ACK_WAIT_MS: String(ACK_WAIT_MS),
  DAYLIGHT_JOB_FILES: '2',
  DAYLIGHT_SCREEN_PART_BYTES: String(500_000),
};
const run = promisify(execFile);
const CLI = join(process.cwd(), 'bin', 'daylight.mjs');

/** A flow-log file that is a FIFO: a worker reading it waits until the test writes it, so "mid-job" is certain. */
function withFifo(bundle: string): { fifo: string; content: Buffer } {
  const files = toS3Layout(bundle);
  const victim = files[Math.floor(files.length / 2)]!;
  const content = readFileSync(victim);
  rmSync(victim);
  execFileSync('mkfifo', [victim]);
  return { fifo: victim, content };
}

/** Waits for a reader of the FIFO (the worker is then in the middle of its job) and hands it the file, or nothing. */
async function feed(fifo: string, content: Buffer | null): Promise<void> {
  const handle = await open(fifo, 'w');
  if (content) await handle.write(content);
  await handle.close();
}

describe.skipIf(!haveNats)(
  'an audit spread over NATS JetStream workers (a 3-node cluster on loopback)',
  () => {
    let cluster: NatsCluster;
    const workers: ChildProcess[] = [];
    let bundle = '';
    let expected: string[] = [];
    let tables: Awaited<ReturnType<typeof loadBundle>>['tables'];

    const startWorker = (name: string) => {
      const w = spawn(process.execPath, [CLI, 'worker', '--nats', cluster.urls.join(','), '--name', name], {
        env: { ...process.env, DAYLIGHT_ACK_WAIT_MS: String(ACK_WAIT_MS) },
        stdio: 'ignore',
      });
      workers.push(w);
      return w;
    };
    const telemetryOf = async (
      dir: string,
      extra: { onProgress?: (done: number, total: number) => void } = {},
    ) => {
      const read = await bundleTelemetry(dir, tables, {
        indicators: indicatorsFor(dir).indicators,
        cluster: {
          servers: cluster.urls,
          ackWaitMs: ACK_WAIT_MS,
          jobFiles: 2,
          onProgress: (done, total) => extra.onProgress?.(done, total),
        },
      });
      return { ...read, lines: read.signals.map((s) => JSON.stringify(s)) };
    };
    /** A run on a fresh copy, held mid-job: a worker has opened the FIFO (`handle` is its writing end). */
    const runHeldMidJob = async () => {
      const dir = await copyOfSample();
      const { fifo, content } = withFifo(dir);
      const running = telemetryOf(dir);
      const handle = await open(fifo, 'w');
      return { fifo, content, running, handle };
    };

    /** `daylight audit` of a bad bundle alone and over the cluster: both must exit 2 (stderr, and the spread run's out). */
    const failedAloneAndSpread = async (dir: string) => {
      const attempt = async (extra: string[], out: string) =>
        run(process.execPath, [CLI, 'audit', dir, '--out', out, '--store', ':memory:', ...extra], {
          env: { ...process.env, ...SPREAD_ENV },
        }).then(
          () => ({ code: 0, stderr: '' }),
          (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
        );
      const alone = await attempt([], join(tempDir('daylight-bad-'), 'out'));
      const outDir = join(tempDir('daylight-bad-'), 'out');
      const spread = await attempt(['--nats', cluster.urls.join(',')], outDir);
      expect(alone.code, alone.stderr).toBe(2);
      expect(spread.code, spread.stderr).toBe(2);
      return { alone, spread, outDir };
    };

    beforeAll(async () => {
      cluster = await startNatsCluster(3);
      bundle = await copyOfSample();
      toS3Layout(bundle);
      tables = (await loadBundle(bundle, { only: ['accounts', 'ip_allocations', 'public_nodes'] })).tables;
      const local = await bundleTelemetry(bundle, tables, {
        indicators: indicatorsFor(bundle).indicators,
        threads: 1,
      });
      expected = local.signals.map((s) => JSON.stringify(s));
      expect(expected.length).toBeGreaterThan(5);
      startWorker('w1');
      startWorker('w2');
    }, 60_000);
    afterAll(async () => {
      for (const w of workers) w.kill('SIGKILL');
      await cluster?.stop();
    });

    it('gives the signals of one process, the jobs spread over the workers', async () => {
      const read = await telemetryOf(bundle);
      expect(read.lines).toEqual(expected);
      expect(read.cluster!.jobs).toBeGreaterThan(5);
      expect(read.cluster!.perJob.map((j) => j.index)).toEqual([...Array(read.cluster!.jobs).keys()]);
      // Which worker takes which job is theirs to race for; every job is done by one of them.
      expect(Object.keys(read.cluster!.workers).every((w) => ['w1', 'w2'].includes(w))).toBe(true);
      expect(Object.values(read.cluster!.workers).reduce((n, w) => n + w.jobs, 0)).toBe(read.cluster!.jobs);
    }, 60_000);

    it('reads DNS logs split over many files on the workers first, as one process reads them in turn', async () => {
      const dir = await copyOfSample();
      toS3Layout(dir);
      const log = join(dir, 'dns', 'resolver-queries.log');
      const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
      rmSync(log);
      for (let i = 0; i < lines.length; i += 3)
        writeFileSync(
          join(dir, 'dns', `resolver-${String(i).padStart(4, '0')}.log.gz`),
          gzipSync(`${lines.slice(i, i + 3).join('\n')}\n`),
        );
      const read = await telemetryOf(dir);
      // The same signals, samples included, as the one file read by one process — and by two threads of one.
      expect(read.lines).toEqual(expected);
      const threads = await bundleTelemetry(dir, tables, {
        indicators: indicatorsFor(dir).indicators,
        threads: 2,
      });
      expect(threads.signals.map((x) => JSON.stringify(x))).toEqual(expected);
      expect(threads.files).toEqual(read.files);
      const dns = read.cluster!.dns!;
      expect(dns.jobs).toBe(Math.ceil(Math.ceil(lines.length / 3) / 2));
      expect(dns.perJob.map((j) => j.index)).toEqual([...Array(dns.jobs).keys()]);
      const dnsRecords = read.files.filter((f) => f.file.startsWith('dns/'));
      expect(dnsRecords).toHaveLength(Math.ceil(lines.length / 3));
      expect(dnsRecords.reduce((n, f) => n + f.records, 0)).toBe(lines.filter((l) => l.trim()).length);
    }, 60_000);

    it('fails on a bad DNS line with the message of one process', async () => {
      const dir = await copyOfSample();
      toS3Layout(dir);
      const log = join(dir, 'dns', 'resolver-queries.log');
      const lines = readFileSync(log, 'utf8').split('\n');
      lines[4] = '{"account_id": ';
      writeFileSync(log, lines.join('\n'));
      const alone = await bundleTelemetry(dir, tables, {
        indicators: indicatorsFor(dir).indicators,
        threads: 1,
      }).catch((e: Error) => e.message);
      const spread = await telemetryOf(dir).catch((e: Error) => e.message);
      expect(alone).toMatch(/dns\/resolver-queries\.log:5: /);
      expect(spread).toBe(alone);
    }, 60_000);

    it('hands the job of a worker killed mid-job to another after the ack wait, and counts it once', async () => {
      // Whichever worker opens the FIFO is mid-job: kill it outright.
      const { fifo, content, running, handle } = await runHeldMidJob();
      const alive = workers.filter((w) => w.exitCode === null && w.signalCode === null);
      const before = alive.map((w) => w.pid);
      const holds = (w: ChildProcess) => {
        try {
          return readdirSync(`/proc/${w.pid}/fd`).some((fd) => {
            try {
              return readlinkSync(`/proc/${w.pid}/fd/${fd}`) === fifo;
            } catch {
              return false;
            }
          });
        } catch {
          return false;
        }
      };
      const killed = alive.find(holds)!;
      expect(killed, `one of ${before.join(', ')} holds the FIFO`).toBeDefined();
      killed.kill('SIGKILL');
      await once(killed, 'exit');
      await handle.close();
      // The job comes back after the ack wait, to the worker left (or a new one).
      startWorker('w3');
      await feed(fifo, content);
      const read = await running;
      expect(read.lines).toEqual(expected);
      const records = read.files.reduce((n, f) => n + f.records, 0);
      const plain = await bundleTelemetry(bundle, tables, {
        indicators: indicatorsFor(bundle).indicators,
        threads: 1,
      });
      expect(records).toBe(plain.files.reduce((n, f) => n + f.records, 0));
    }, 60_000);

    it('resumes a run whose coordinator was killed from the results already stored', async () => {
      const dir = await copyOfSample();
      const { fifo, content } = withFifo(dir);
      const nats = await openCluster({ servers: cluster.urls, ackWaitMs: ACK_WAIT_MS });
      let stored = 0;
      // The DNS file's job is done first, then the flow logs' jobs: five of those stored.
      const fiveStored = new Promise<void>((resolve) => {
        nats.nc.subscribe('daylight.done.>', {
          callback: () => {
            if (++stored === 6) resolve();
          },
        });
      });
      const coordinator = spawn(
        process.execPath,
        [
          join(process.cwd(), 'bin', 'run-ts.mjs'),
          'test/support/coordinate.ts',
          dir,
          bundle,
          cluster.urls.join(','),
          '2',
          String(ACK_WAIT_MS),
        ],
        { stdio: 'ignore' },
      );
      // A worker is held on the FIFO's job; once five others are stored, the coordinator dies.
      const handle = await open(fifo, 'w');
      await fiveStored;
      coordinator.kill('SIGKILL');
      await once(coordinator, 'exit');
      await nats.close();
      // The held job (its first holder, or a second after the ack wait, blocked on the FIFO) is let go once the
      // new coordinator has taken what was stored of the flow logs' run; the DNS file's job, done again first,
      // needs a worker not holding it.
      startWorker('w4');
      let released: Promise<void> | null = null;
      const read = await telemetryOf(dir, {
        onProgress: (_done, total) => {
          if (total > 1) released ??= handle.write(content).then(() => handle.close());
        },
      });
      await released;
      expect(read.lines).toEqual(expected);
      expect(read.cluster!.resumed).toBeGreaterThanOrEqual(5);
      expect(read.cluster!.resumed).toBeLessThan(read.cluster!.jobs);
    }, 90_000);

    it('merges a result stored and announced twice once', async () => {
      const nats = await openCluster({ servers: cluster.urls, ackWaitMs: ACK_WAIT_MS });
      const announcements: { subject: string; index: number; name: string }[] = [];
      const listening = nats.nc.subscribe('daylight.done.>', {
        callback: (_e, m) => {
          announcements.push({ subject: m.subject, ...(m.json() as { index: number; name: string }) });
        },
      });
      let duplicated = -1;
      let duplicatedSubject = '';
      let copying: Promise<void> | null = null;
      const read = await telemetryOf(bundle, {
        onProgress: (done, total) => {
          // The flow logs' run (the DNS file's, of one job, came first), while jobs are still to come.
          if (done >= total || total < 2 || copying || !announcements[0]) return;
          // The coordinator may count a job before this connection hears its announcement: take one heard.
          const dns = announcements[0].subject;
          const first = announcements.filter((a) => a.subject !== dns).at(-1);
          if (!first) return;
          // A slow worker, after its job was redelivered and done by another, stores and announces it again.
          copying = (async () => {
            const bytes = await nats.results.getBlob(first.name);
            if (bytes) await nats.results.putBlob({ name: first.name }, bytes);
            nats.nc.publish(
              first.subject,
              JSON.stringify({ index: first.index, name: first.name, worker: 'late' }),
            );
            duplicated = first.index;
            duplicatedSubject = first.subject;
          })();
        },
      });
      await copying;
      listening.unsubscribe();
      await nats.close();
      expect(duplicated).toBeGreaterThanOrEqual(0);
      expect(duplicatedSubject).toBe(`daylight.done.${read.cluster!.run}`);
      expect(read.lines).toEqual(expected);
      expect(read.cluster!.perJob).toHaveLength(read.cluster!.jobs);
      expect(read.cluster!.perJob.filter((j) => j.index === duplicated)).toHaveLength(1);
    }, 60_000);

    it("writes the audit's files byte for byte as one process does, the invoices and sign-ins screened in parts", async () => {
      const audit = async (extra: string[], store = ':memory:') => {
        const out = join(tempDir('daylight-same-'), 'out');
        const { stdout } = await run(
          process.execPath,
          [CLI, 'audit', bundle, '--out', out, '--store', store, ...extra],
          { env: { ...process.env, ...SPREAD_ENV } },
        );
        return { out, stdout };
      };
      const alone = (await audit([])).out;
      const store = join(tempDir('daylight-spread-store-'), 'store.duckdb');
      const spread = await audit(['--nats', cluster.urls.join(','), '--json'], store);
      const names = readdirSync(alone).sort();
      expect(names).toEqual(
        expect.arrayContaining([
          'findings.ndjson',
          'reconciliation.csv',
          'report.html',
          'revenue.csv',
          'segments.csv',
        ]),
      );
      expect(readdirSync(spread.out).sort()).toEqual(names);
      for (const name of names)
        expect(readFileSync(join(spread.out, name)).equals(readFileSync(join(alone, name))), name).toBe(true);
      // Findings rest on signals the workers read: DNS answers and the flows to the addresses they labelled.
      expect(readFileSync(join(alone, 'findings.ndjson'), 'utf8')).toMatch(
        /"table":"telemetry"[^}]*DNS query for [^}]*flows to [^}]*an address of/,
      );
      // The workers screened each large file in parts, every row once, each part into a row file of the store.
      const report = JSON.parse(spread.stdout) as { snapshot_id: string; cluster_screens: ClusterRun[] };
      const invoiceRows = readFileSync(join(bundle, 'invoices.csv'), 'utf8').trimEnd().split('\n').length - 1;
      expect(report.cluster_screens.map((r) => r.kind)).toEqual(['screen', 'screen']);
      const invoices = report.cluster_screens.find((r) => r.jobs > 5)!;
      expect(invoices.perJob.reduce((n, j) => n + j.records, 0)).toBe(invoiceRows);
      const stored = readdirSync(join(`${store}.rows`, report.snapshot_id));
      expect(stored.filter((f) => f.startsWith('invoices-'))).toHaveLength(invoices.jobs);
      const verified = await run(process.execPath, [CLI, 'ledger', 'verify', '--store', store, '--json']);
      expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true });
    }, 90_000);

    it('ingests with the screens and telemetry on the workers: the same snapshot, a ledger that verifies, the same audit', async () => {
      const ingest = async (store: string, extra: string[]) =>
        JSON.parse(
          (
            await run(process.execPath, [CLI, 'ingest', bundle, '--store', store, '--json', ...extra], {
              env: { ...process.env, ...SPREAD_ENV },
            })
          ).stdout,
        ) as { snapshotId: string; created: boolean };
      const dir = tempDir('daylight-ingest-spread-');
      const alone = await ingest(join(dir, 'alone.duckdb'), []);
      const spread = await ingest(join(dir, 'spread.duckdb'), ['--nats', cluster.urls.join(',')]);
      expect(spread).toMatchObject({ snapshotId: alone.snapshotId, created: true });
      expect(readdirSync(join(dir, 'spread.duckdb.rows', spread.snapshotId)).length).toBeGreaterThan(5);
      // Each store verifies, and its snapshot audits to the same files.
      const audited = async (store: string) => {
        const verified = await run(process.execPath, [CLI, 'ledger', 'verify', '--store', store, '--json']);
        expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true });
        const out = join(dir, `out-${store.split('/').at(-1)}`);
        await run(process.execPath, [CLI, 'audit', '--snapshot', 'latest', '--store', store, '--out', out]);
        return readdirSync(out)
          .sort()
          .map((f) => `${f}:${readFileSync(join(out, f)).toString('base64')}`);
      };
      const files = await audited(join(dir, 'alone.duckdb'));
      expect(files.length).toBeGreaterThanOrEqual(5);
      expect(await audited(join(dir, 'spread.duckdb'))).toEqual(files);
    }, 90_000);

    it('hands the screen of a part whose worker was killed mid-part to another after the ack wait, counting its rows once', async () => {
      const dir = await copyOfSample();
      const store = join(tempDir('daylight-killed-screen-'), 'store.duckdb');
      const screens = join(`${store}.rows`, 'screens');
      const pending = () =>
        existsSync(screens)
          ? readdirSync(screens, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tmp'))
          : [];
      // A part being written is a worker mid-job: both workers die then (whichever holds it), two others start.
      let killed = false;
      const watching = setInterval(() => {
        if (killed || pending().length === 0) return;
        killed = true;
        for (const w of workers.splice(0)) w.kill('SIGKILL');
        startWorker('w5');
        startWorker('w6');
      }, 2);
      const out = join(tempDir('daylight-killed-screen-'), 'out');
      const args = [
        CLI,
        'audit',
        dir,
        '--out',
        out,
        '--store',
        store,
        '--nats',
        cluster.urls.join(','),
        '--json',
      ];
      const spread = await run(process.execPath, args, { env: { ...process.env, ...SPREAD_ENV } }).finally(
        () => clearInterval(watching),
      );
      expect(killed).toBe(true);
      const alone = join(tempDir('daylight-killed-screen-'), 'alone');
      await run(process.execPath, [CLI, 'audit', dir, '--out', alone, '--store', ':memory:']);
      for (const name of readdirSync(alone))
        expect(readFileSync(join(out, name)).equals(readFileSync(join(alone, name))), name).toBe(true);
      // Every part once, the one handed back included: the screens' rows are the files' rows.
      const report = JSON.parse(spread.stdout) as { cluster_screens: ClusterRun[] };
      const rowsOf = (file: string) => readFileSync(join(dir, file), 'utf8').trimEnd().split('\n').length - 1;
      const screened = report.cluster_screens.map((r) => {
        expect(r.perJob.map((j) => j.index)).toEqual([...Array(r.jobs).keys()]);
        return r.perJob.reduce((n, j) => n + j.records, 0);
      });
      expect(screened.sort((a, b) => a - b)).toEqual(
        [rowsOf('logins.csv'), rowsOf('invoices.csv')].sort((a, b) => a - b),
      );
      const verified = await run(process.execPath, [CLI, 'ledger', 'verify', '--store', store, '--json']);
      expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true });
      // The killed worker's half-written part went with its run's folder.
      expect(existsSync(screens) ? readdirSync(screens) : []).toEqual([]);
    }, 120_000);

    it('resumes the screens of an audit whose coordinator was killed from the parts the workers stored', async () => {
      const dir = await copyOfSample();
      const store = join(tempDir('daylight-resumed-store-'), 'store.duckdb');
      const screens = join(`${store}.rows`, 'screens');
      // Parts of 0.2 MB: the sample's invoices make about twenty jobs, so some are stored before the kill.
      const env = { ...process.env, ...SPREAD_ENV, DAYLIGHT_SCREEN_PART_BYTES: String(200_000) };
      const args = (out: string) => [
        CLI,
        'audit',
        dir,
        '--out',
        out,
        '--store',
        store,
        '--nats',
        cluster.urls.join(','),
        '--json',
      ];
      const stored = () =>
        existsSync(screens)
          ? readdirSync(screens, { recursive: true, encoding: 'utf8' }).filter((f) =>
              /invoices-\d+\.parquet$/.test(f),
            )
          : [];
      const killed = join(tempDir('daylight-resumed-'), 'out');
      const coordinator = spawn(process.execPath, args(killed), { env, stdio: 'ignore' });
      while (stored().length < 3) {
        expect(coordinator.exitCode).toBeNull();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      coordinator.kill('SIGKILL');
      await once(coordinator, 'exit');
      expect(existsSync(killed) ? readdirSync(killed) : []).toEqual([]);
      // The parts are kept when the store opens again, and taken by the run started again.
      const out = join(tempDir('daylight-resumed-'), 'out');
      const again = await run(process.execPath, args(out), { env });
      const report = JSON.parse(again.stdout) as { cluster_screens: ClusterRun[] };
      const invoices = report.cluster_screens.find((r) => r.jobs > 5)!;
      expect(invoices.resumed).toBeGreaterThanOrEqual(3);
      expect(invoices.perJob).toHaveLength(invoices.jobs);
      const alone = join(tempDir('daylight-resumed-'), 'alone');
      await run(process.execPath, [CLI, 'audit', dir, '--out', alone, '--store', ':memory:']);
      for (const name of readdirSync(alone))
        expect(readFileSync(join(out, name)).equals(readFileSync(join(alone, name))), name).toBe(true);
      const verified = await run(process.execPath, [CLI, 'ledger', 'verify', '--store', store, '--json']);
      expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true });
      // Every part was placed under the snapshot: none is left waiting.
      expect(stored()).toEqual([]);
    }, 120_000);

    it('fails on a bad invoice row in a part a worker screened with exit 2 and the message of one process', async () => {
      const dir = await copyOfSample();
      const rows = readFileSync(join(dir, 'invoices.csv'), 'utf8').split('\n').length;
      const line = rows - 5;
      setCell(dir, 'invoices.csv', line, 'net_amount', '12.345');
      const { alone, spread, outDir } = await failedAloneAndSpread(dir);
      const message = (s: string) => s.split('\n').find((l) => l.includes('invoices.csv:'))!;
      expect(message(alone.stderr)).toMatch(new RegExp(`invoices\\.csv:${line}: column net_amount: `));
      expect(message(spread.stderr)).toBe(message(alone.stderr));
      expect(existsSync(outDir) ? readdirSync(outDir) : []).toEqual([]);
    }, 90_000);

    it('fails a run on bad input with exit 2 and the message of one process, writing nothing', async () => {
      const dir = await copyOfSample();
      const files = toS3Layout(dir);
      // A record whose port is not a number, in the middle of the run.
      const bad = files[3]!;
      const lines = gunzipSync(readFileSync(bad)).toString('utf8').split('\n');
      const fields = lines[2]!.split(' ');
      fields[5] = 'port';
      lines[2] = fields.join(' ');
      writeFileSync(bad, gzipSync(lines.join('\n')));
      const { alone, spread, outDir } = await failedAloneAndSpread(dir);
      const message = (s: string) => s.split('\n').find((l) => l.includes('flowlogs/'))!;
      expect(message(alone.stderr)).toMatch(/flowlogs\/AWSLogs\/.+\.log\.gz:3: /);
      expect(message(spread.stderr)).toBe(message(alone.stderr));
      expect(existsSync(outDir) ? readdirSync(outDir) : []).toEqual([]);
      // Nothing of the failed run is left queued for the workers.
      const nats = await openCluster({ servers: cluster.urls, ackWaitMs: ACK_WAIT_MS });
      const queued = (await nats.jsm.streams.info(JOBS_STREAM)).state.messages;
      await nats.close();
      expect(queued).toBe(0);
    }, 90_000);

    it('uses a results bucket made earlier with file storage as it is', async () => {
      const setup = await openCluster({ servers: cluster.urls, ackWaitMs: ACK_WAIT_MS });
      await setup.results.destroy();
      await new Objm(setup.nc).create(RESULTS_BUCKET, { replicas: 3, storage: StorageType.File });
      await setup.close();
      try {
        const read = await telemetryOf(bundle);
        expect(read.lines).toEqual(expected);
        const nats = await openCluster({ servers: cluster.urls, ackWaitMs: ACK_WAIT_MS });
        expect((await nats.results.status()).storage).toBe(StorageType.File);
        // Made again as a run makes it: in memory.
        await nats.results.destroy();
        await nats.close();
        const remade = await openCluster({ servers: cluster.urls, ackWaitMs: ACK_WAIT_MS });
        expect((await remade.results.status()).storage).toBe(StorageType.Memory);
        await remade.close();
      } finally {
        await openCluster({ servers: cluster.urls, ackWaitMs: ACK_WAIT_MS }).then((n) => n.close());
      }
    }, 60_000);

    // Last: the cluster goes on with two servers of three.
    it('completes when the server leading the stream is killed mid-run', async () => {
      const { content, running, handle } = await runHeldMidJob();
      const leader = await cluster.leaderOf(JOBS_STREAM);
      expect(leader).toBeGreaterThanOrEqual(0);
      cluster.kill(leader);
      await handle.write(content);
      await handle.close();
      const read = await running;
      expect(read.lines).toEqual(expected);
    }, 180_000);
  },
);
