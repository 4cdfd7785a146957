import { statSync } from 'node:fs';
import { promisify } from 'node:util';
import { deflateRaw, inflateRaw } from 'node:zlib';
import type { Indicators } from '../contract/indicators.ts';
import type { TableName } from '../contract/tables.ts';
import type { ResolvedAddresses } from '../engine/network/classify.ts';
import type { ByteRange } from '../ingest/csv-parts.ts';
import type { ScreenInput } from '../store/screen.ts';
import { canonicalJson } from '../util/canonical-json.ts';
import { sha256Hex } from '../util/hash.ts';

/** What every job of a run shares, stored once in the object store under `spec/RUN`: telemetry, or a screen. */
export type RunSpec = TelemetrySpec | ScreenSpec;

/** A run of flow-log or DNS files. */
export interface TelemetrySpec {
  indicators: Indicators;
  accounts: string[];
  resolved: ResolvedAddresses;
  skipBad: boolean;
  /** What the files are: Resolver query logs (read first, their answers label addresses) or flow logs (default). */
  kind?: 'dns' | 'flow';
}

/**
 * A run that screens a large table's CSV file a part at a time (see SnapshotWriter.screen): each job loads and
 * checks one part into a row file at the path the job names, which the coordinator's store lists.
 */
export interface ScreenSpec {
  kind: 'screen';
  table: TableName;
  header: string[];
  rates: readonly string[];
  reportingCurrency: string;
  /** The file's header line, written before each part. */
  headerBytes: ByteRange;
  /** The folder of the store's screens (see RowFiles.screenParts): the same file screened for another store is another run. */
  into: string;
}

/** A file of a job: where workers read it (a path they share with the coordinator) and its place in the input. */
export interface JobFile {
  path: string;
  file: string;
  order: number;
}

/** A job as published: its run, its number, the digest of its inputs, and its files. */
export interface ClusterJob {
  run: string;
  index: number;
  digest: string;
  files: JobFile[];
  /** A screen's job: the part of its one file, and the row file to write it to. */
  part?: ByteRange & { out: string };
}

/** What a worker stores for a job: per-file counts and timing; the packed state follows in the same object. */
export interface JobResultHead {
  index: number;
  digest: string;
  worker: string;
  ms: number;
  counts: { file: string; records: number; skipped: number }[];
  error?: { name: string; message: string; file: string; line: number };
  /** The state that follows is deflated. */
  deflated?: boolean;
  /**
   * A screen's job: the rows written, how many break a rule, or why the part could not be read strictly, or that
   * the worker does not see the file or the store's folder.
   */
  screened?: { rows: number; broken: number; reason?: string; unshared?: string };
  /** A DNS job's answers: the addresses its files labelled, in the order they were first labelled. */
  resolved?: ResolvedAddresses;
}

/** Small files grouped into jobs of about this many bytes (an S3 layout has tens of thousands of small files). */
export const JOB_BYTES = 8 << 20;
export const JOB_FILES = 400;

/**
 * The run's jobs: the files in their input order, grouped up to `limits` (JOB_BYTES, JOB_FILES) a job, and the run's id,
 * a digest of the spec and of every file's path, size and modification time (the same inputs give the same run,
 * so a coordinator started again finds the results already stored).
 */
export function planClusterJobs(
  files: { path: string; file: string }[],
  spec: RunSpec,
  limits: { bytes?: number; files?: number } = {},
): { run: string; jobs: ClusterJob[] } {
  const maxBytes = limits.bytes ?? JOB_BYTES;
  const maxFiles = limits.files ?? JOB_FILES;
  const stats = files.map((f, order) => {
    const s = statSync(f.path);
    return { ...f, order, size: s.size, mtime: s.mtimeMs };
  });
  const groups: (typeof stats)[] = [];
  let bytes = Number.POSITIVE_INFINITY;
  for (const f of stats) {
    const last = groups.at(-1);
    if (!last || bytes + f.size > maxBytes || last.length >= maxFiles) {
      groups.push([f]);
      bytes = f.size;
    } else {
      last.push(f);
      bytes += f.size;
    }
  }
  const digestOf = (g: typeof stats) =>
    sha256Hex(canonicalJson(g.map(({ path, size, mtime }) => [path, size, mtime]))).slice(0, 16);
  const run = runOf(spec, groups.map(digestOf));
  return {
    run,
    jobs: groups.map((g, index) => ({
      run,
      index,
      digest: digestOf(g),
      files: g.map(({ path, file, order }) => ({ path, file, order })),
    })),
  };
}

/** A run's id: a digest of its spec and of its jobs' input digests (the same inputs give the same run). */
const runOf = (spec: RunSpec, digests: string[]) =>
  sha256Hex(canonicalJson({ spec: sha256Hex(canonicalJson(spec)), jobs: digests })).slice(0, 16);

/** A screen's spec: what every part of the file shares (see screenOnCluster). */
export function screenSpec(input: ScreenInput, headerBytes: ByteRange, into: string): ScreenSpec {
  const { def, header, rates, reportingCurrency } = input;
  return { kind: 'screen', table: def.name, header, rates, reportingCurrency, headerBytes, into };
}

/** A screen's jobs, one a part of its file, each writing the row file `out` names for the run's part. */
export function planScreenJobs(
  input: { path: string; file: string },
  parts: ByteRange[],
  spec: ScreenSpec,
  out: (run: string, index: number) => { path: string },
): { run: string; jobs: ClusterJob[] } {
  const { size, mtimeMs } = statSync(input.path);
  const digestOf = (part: ByteRange) =>
    sha256Hex(canonicalJson([input.path, size, mtimeMs, part.start, part.end])).slice(0, 16);
  const run = runOf(spec, parts.map(digestOf));
  return {
    run,
    jobs: parts.map((part, index) => ({
      run,
      index,
      digest: digestOf(part),
      files: [{ path: input.path, file: input.file, order: 0 }],
      part: { ...part, out: out(run, index).path },
    })),
  };
}

export const specName = (run: string) => `spec/${run}`;
export const resultPrefix = (run: string) => `result/${run}/`;
export const resultName = (job: Pick<ClusterJob, 'run' | 'index' | 'digest'>) =>
  `${resultPrefix(job.run)}${job.index}-${job.digest}`;

/**
 * A job's result as one object: the head's length, the head as JSON, then its packed state deflated (none for an
 * error). The state's sample lines and keys are text: about a quarter of the bytes cross the cluster, for a few
 * milliseconds a megabyte.
 */
const deflating = promisify(deflateRaw);
const inflating = promisify(inflateRaw);

/**
 * Compressed on a libuv thread while the next job's scan goes on, in one piece: in zlib's default 16 kB pieces
 * each goes back through the busy main thread (a 2.4 MB state then took 290 ms, not 20).
 */
export async function encodeResult(head: JobResultHead, raw: Uint8Array | null): Promise<Uint8Array> {
  const state = raw && (await deflating(raw, { level: 1, chunkSize: Math.max(1 << 16, raw.length) }));
  const json = Buffer.from(JSON.stringify(state ? { ...head, deflated: true } : head));
  const out = Buffer.alloc(4 + json.length + (state?.length ?? 0));
  out.writeUInt32LE(json.length, 0);
  json.copy(out, 4);
  if (state) out.set(state, 4 + json.length);
  return out;
}

export async function decodeResult(
  bytes: Uint8Array,
): Promise<{ head: JobResultHead; state: Uint8Array | null }> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = buf.readUInt32LE(0);
  const head = JSON.parse(buf.subarray(4, 4 + n).toString('utf8')) as JobResultHead;
  const state = buf.length > 4 + n ? buf.subarray(4 + n) : null;
  // In one piece (see encodeResult): a state inflates to about four times its size.
  return {
    head,
    state:
      state && head.deflated
        ? await inflating(state, { chunkSize: Math.max(1 << 16, state.length * 8) })
        : state,
  };
}
