import { createHash } from 'node:crypto';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { type ObjectStore, Objm, setSha256Backend } from '@nats-io/obj';
import { connect } from '@nats-io/transport-node';

/** The work-queue stream of jobs, its durable consumer, and the object store of run specs and partial results. */
export const JOBS_STREAM = 'DAYLIGHT_JOBS';
export const JOBS_SUBJECT = 'daylight.jobs';
export const WORKERS = 'daylight-workers';
export const RESULTS_BUCKET = 'daylight-results';
/** Core-NATS subject a worker tells a finished job on (the coordinator also lists the bucket: none is missed). */
export const DONE_SUBJECT = 'daylight.done';

/**
 * How an object is cut for the object store: chunks as large as a message may be (the client clamps this to the
 * server's limit, 1 MiB by default), so a job's result (about 0.7 MB in the bench) is one acknowledged publish, not
 * six of 128 KiB one after the other.
 */
export const objectMeta = (name: string) => ({ name, options: { max_chunk_size: 8 << 20 } });

// The object store digests every object it puts and gets with SHA-256, by default in JavaScript; Node's own is
// twice as quick (a 0.72 MB result on a 3-server cluster on loopback: put 66 → 34 ms, get 33 → 12–17 ms).
setSha256Backend('native');

export interface ClusterOptions {
  /** Server addresses, e.g. nats://10.0.0.1:4222 (any of them will do; the client learns the others). */
  servers: string[];
  /** How long a job may go without an acknowledgement before it is given to another worker (ms). */
  ackWaitMs?: number;
  /** Copies of the stream and the results (at most the number of servers; 3 survives one server lost). */
  replicas?: number;
}

export interface Cluster {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  results: ObjectStore;
  close(): Promise<void>;
}

export const parseServers = (list: string) =>
  list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Connects and makes sure the stream, the consumer and the bucket exist (creating them is idempotent, so the
 * coordinator and every worker may each do it).
 */
export async function openCluster(options: ClusterOptions): Promise<Cluster> {
  const nc = await connect({
    servers: options.servers,
    name: `daylight-${process.pid}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
  });
  const jsm = await retrying(() => jetstreamManager(nc, { timeout: 4_000 }));
  const replicas = options.replicas ?? Math.min(3, options.servers.length);
  const ackWait = (options.ackWaitMs ?? 60_000) * 1_000_000;
  // The stream and its consumer, and the bucket, asked for at once (each a round trip to the cluster's leaders).
  const queue = (async () => {
    await ensure(() =>
      retrying(() =>
        jsm.streams.add({
          name: JOBS_STREAM,
          subjects: [`${JOBS_SUBJECT}.>`],
          retention: RetentionPolicy.Workqueue,
          num_replicas: replicas,
          duplicate_window: 10 * 60 * 1_000_000_000,
          // A job nobody took in a day belongs to a run given up on.
          max_age: 24 * 3600 * 1_000_000_000,
        }),
      ),
    );
    await ensure(() =>
      retrying(() =>
        jsm.consumers.add(JOBS_STREAM, {
          durable_name: WORKERS,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          ack_wait: ackWait,
          max_ack_pending: 1000,
        }),
      ),
    );
  })();
  // Partial results live as long as their run: in the servers' memory, replicated (a lost server loses none).
  // A bucket made earlier with other settings is used as it is.
  const objm = new Objm(nc);
  const bucket = retrying(() =>
    objm
      .create(RESULTS_BUCKET, { replicas, storage: StorageType.Memory })
      .catch((e: Error) =>
        /already in use/.test(e.message) ? objm.open(RESULTS_BUCKET) : Promise.reject(e),
      ),
  );
  const [results] = await Promise.all([bucket, queue]);
  return {
    nc,
    js: jetstream(nc, { timeout: 4_000 }),
    jsm,
    results,
    close: async () => {
      await nc.drain().catch(() => nc.close());
    },
  };
}

/** Creating what exists already with the same settings is fine; with other settings it keeps the first ones. */
async function ensure(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (e) {
    if (!/already in use|already exists/i.test((e as Error).message)) throw e;
  }
}

/**
 * Runs a JetStream request again while the cluster cannot answer it (a server lost, a leader being elected: the
 * requests time out, find no responder, or JetStream says it is temporarily unavailable, for a few seconds), up to
 * `forMs`.
 */
export async function retrying<T>(work: () => Promise<T>, forMs = 60_000): Promise<T> {
  const until = Date.now() + forMs;
  for (let wait = 100; ; wait = Math.min(wait * 2, 2000)) {
    try {
      return await work();
    } catch (e) {
      const transient =
        /timeout|no responders|503|not in service|no suitable peers|leader|stream not found|temporarily unavailable/i.test(
          `${(e as Error).name} ${(e as Error).message}`,
        );
      if (!transient || Date.now() + wait > until) throw e;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/**
 * A request that could wait forever given up after `ms` (a TimeoutError, which `retrying` tries again): reading an
 * object goes through a consumer that can stall while the stream's leader changes.
 */
export function within<T>(ms: number, work: () => Promise<T>): () => Promise<T> {
  return () =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const e = new Error(`no answer within ${ms} ms`);
        e.name = 'TimeoutError';
        reject(e);
      }, ms);
      work().then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
}

const RESULTS_STREAM = `OBJ_${RESULTS_BUCKET}`;
/** The object store's names in subjects: base64url with its padding. */
const subjectName = (name: string) => {
  const plain = Buffer.from(name).toString('base64url');
  return plain.padEnd(Math.ceil(plain.length / 4) * 4, '=');
};

/**
 * An object of the results bucket read with direct gets, which any of the stream's servers answers, rather than
 * through a consumer made for it on the stream's leader: quicker, and a leader being elected does not hold it up
 * (with a consumer, every read timed out once after the leader was killed). The digest is checked as the object
 * store's own reader does. A server that has not seen the object yet sends the read to the object store's reader.
 */
export async function readObject(cluster: Cluster, name: string): Promise<Uint8Array | null> {
  const meta = await cluster.jsm.direct.getMessage(RESULTS_STREAM, {
    last_by_subj: `$O.${RESULTS_BUCKET}.M.${subjectName(name)}`,
  });
  if (!meta) return cluster.results.getBlob(name);
  const info = meta.json<{ nuid: string; size: number; chunks: number; digest: string; deleted?: boolean }>();
  if (info.deleted) return null;
  const out = Buffer.allocUnsafe(info.size);
  const subject = `$O.${RESULTS_BUCKET}.C.${info.nuid}`;
  let at = 0;
  let seq = 0;
  for (let i = 0; i < info.chunks; i++) {
    const chunk = await cluster.jsm.direct.getMessage(RESULTS_STREAM, {
      seq: seq + 1,
      next_by_subj: subject,
    });
    if (!chunk) return cluster.results.getBlob(name);
    out.set(chunk.data, at);
    at += chunk.data.length;
    seq = chunk.seq;
  }
  const digest = createHash('sha256').update(out).digest('base64url');
  if (at !== info.size || `SHA-256=${digest}` !== info.digest.replace(/=+$/, ''))
    throw new Error(`${name}: the object read does not match its digest`);
  return out;
}
