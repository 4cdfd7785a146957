import { hostname } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { JsMsg } from '@nats-io/jetstream';
import { TelemetryClassifier } from '../engine/network/classify.ts';
import { FlowFilter } from '../ingest/telemetry/flow-scan.ts';
import { TelemetryError } from '../ingest/telemetry/flowlogs.ts';
import { scanJob } from '../usecases/telemetry-jobs.ts';
import {
  type ClusterJob,
  encodeResult,
  type JobResultHead,
  type RunSpec,
  resultName,
  specName,
  type TelemetrySpec,
} from './jobs.ts';
import {
  type ClusterOptions,
  DONE_SUBJECT,
  JOBS_STREAM,
  objectMeta,
  openCluster,
  readObject,
  retrying,
  WORKERS,
  within,
} from './nats.ts';
import { PartScreener } from './screen-part.ts';
import { encodeState } from './wire.ts';

/** A telemetry job's files scanned into a classifier of its own: its packed state, or null when bad input stopped it. */
async function scanFiles(
  spec: TelemetrySpec,
  job: ClusterJob,
  head: JobResultHead,
): Promise<Uint8Array | null> {
  const classifier = new TelemetryClassifier(spec.indicators, new Set(spec.accounts));
  classifier.learnResolved(spec.resolved);
  try {
    const filter = new FlowFilter(classifier);
    const dns = spec.kind === 'dns';
    let yielded = performance.now();
    for (const f of job.files) {
      const counts = await scanJob(filter, classifier, { ...f, dns, skipBad: spec.skipBad }, f.order);
      head.counts.push({ file: f.file, ...counts });
      // Small files are read and inflated without a pause: let the previous result's delivery and the
      // server's heartbeats through now and then.
      if (performance.now() - yielded > 5) {
        await nextTurn();
        yielded = performance.now();
      }
    }
    if (dns) head.resolved = classifier.resolvedAddresses();
    return encodeState(classifier.exportState());
  } catch (e) {
    if (!(e instanceof TelemetryError)) throw e;
    head.error = { name: e.name, message: e.message, file: e.file, line: e.line };
    return null;
  }
}

export interface WorkerOptions extends ClusterOptions {
  /** Jobs worked on at once (reading and gunzip overlap the scanning of another job). */
  concurrency?: number;
  name?: string;
  /** Called after each job. */
  onJob?: (head: JobResultHead) => void;
}

/**
 * `daylight worker`: takes flow-log, DNS and screen jobs (the run's spec says which) from the work queue until
 * `stop` is called. A telemetry job is scanned into a classifier of its own and its packed state (and a DNS job's
 * answers) stored in the object store; a screen job writes its part's row file on the shared path and stores its
 * counts. The worker then tells the coordinator, and only then acknowledges the job, so a worker that dies mid-job
 * leaves it to be handed to another after the ack wait. A job whose input breaks the contract stores the error
 * (file, line, message) for the coordinator and is acknowledged: no other worker would read it differently. `stop`
 * finishes the jobs in hand and hands back those not started.
 */
export async function startWorker(
  options: WorkerOptions,
): Promise<{ stop(): Promise<void>; done: Promise<void> }> {
  const cluster = await openCluster(options);
  const name = options.name ?? `${hostname()}-${process.pid}`;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const ackWait = options.ackWaitMs ?? 60_000;
  const specs = new Map<string, Promise<RunSpec>>();
  const screener = new PartScreener();
  const consumer = await retrying(() => cluster.js.consumers.get(JOBS_STREAM, WORKERS));
  // Pulls that expire after 5 s, with heartbeats every 2.5 s: a pull lost with a server (the consumer's leader
  // killed) is noticed and made again within seconds, not the default 30 s.
  const messages = await consumer.consume({ max_messages: concurrency, expires: 5_000 });
  let stopping = false;
  const inHand = new Set<Promise<void>>();
  /** Jobs scanned whose result is being stored, announced and acknowledged. */
  const delivering = new Set<Promise<void>>();

  const deliver = async (m: JsMsg, job: ClusterJob, head: JobResultHead, state: Uint8Array | null) => {
    const result = await encodeResult(head, state);
    await retrying(() => cluster.results.putBlob(objectMeta(resultName(job)), result));
    cluster.nc.publish(
      `${DONE_SUBJECT}.${job.run}`,
      JSON.stringify({
        index: job.index,
        name: resultName(job),
        worker: name,
        ms: head.ms,
        records: head.counts.reduce((n, c) => n + c.records, 0),
      }),
    );
    // The ack lost: the job comes back after the ack wait, and its result is merged once.
    await retrying(() => m.ackAck(), 10_000).catch(() => {});
    options.onJob?.(head);
  };

  const specOf = (run: string) => {
    let spec = specs.get(run);
    if (!spec) {
      spec = retrying(within(15_000, () => readObject(cluster, specName(run)))).then((b) => {
        if (!b) throw new Error(`no spec for run ${run}`);
        return JSON.parse(Buffer.from(b).toString('utf8')) as RunSpec;
      });
      spec.catch(() => specs.delete(run));
      specs.set(run, spec);
    }
    return spec;
  };

  const work = async (m: JsMsg) => {
    // Tell the server the job is alive while it runs longer than the ack wait allows.
    const alive = setInterval(() => m.working(), Math.max(250, ackWait / 3));
    const started = performance.now();
    const job = JSON.parse(m.string()) as ClusterJob;
    try {
      const spec = await specOf(job.run);
      const head: JobResultHead = { index: job.index, digest: job.digest, worker: name, ms: 0, counts: [] };
      let state: Uint8Array | null = null;
      if (spec.kind === 'screen') {
        head.screened = await screener.screen(spec, job);
        head.counts.push({ file: job.files[0]!.file, records: head.screened.rows, skipped: 0 });
      } else state = await scanFiles(spec, job, head);
      head.ms = Math.round(performance.now() - started);
      // The next job starts scanning while this one's result is stored, announced and acknowledged.
      const delivered = deliver(m, job, head, state)
        .catch((e: Error) => {
          process.stderr.write(`daylight worker ${name}: job ${job.run}/${job.index}: ${e.message}\n`);
          m.nak(1000);
        })
        .finally(() => {
          clearInterval(alive);
          delivering.delete(delivered);
        });
      delivering.add(delivered);
    } catch (e) {
      clearInterval(alive);
      // Not the input's fault (a file this host cannot see, the cluster busy): another try, maybe elsewhere.
      process.stderr.write(`daylight worker ${name}: job ${job.run}/${job.index}: ${(e as Error).message}\n`);
      m.nak(1000);
    }
  };

  const done = (async () => {
    for await (const m of messages) {
      if (stopping) {
        m.nak();
        continue;
      }
      const p = work(m).finally(() => inHand.delete(p));
      inHand.add(p);
      // At most `concurrency` jobs scanning, and as many results on their way besides (a slow store holds the
      // next job).
      while (inHand.size >= concurrency || delivering.size > concurrency)
        await Promise.race([...inHand, ...delivering]);
    }
    await Promise.all(inHand);
    await Promise.all(delivering);
  })();

  return {
    done,
    stop: async () => {
      stopping = true;
      await Promise.all(inHand);
      await Promise.all(delivering);
      await messages.close();
      await done.catch(() => {});
      await cluster.close();
      screener.close();
    },
  };
}
