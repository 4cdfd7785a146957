import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TABLES } from '../contract/tables.ts';
import {
  findTableFile,
  firstLines,
  type LoadedBundle,
  type LoadOptions,
  loadBundle,
} from '../ingest/bundle.ts';
import { BundleError, type Problem } from '../ingest/problems.ts';
import { telemetryFiles } from '../ingest/telemetry/files.ts';
import type { RemoteScreen } from '../store/screen.ts';
import { ExtensionRejected, ScreenRejected, type SnapshotWriter } from '../store/snapshot-writer.ts';
import type { Store } from '../store/store.ts';
import type { TelemetryReading } from '../store/telemetry.ts';
import { sha256FilesOffThread, sha256Hex } from '../util/hash.ts';
import { actor } from './actor.ts';
import { readTelemetry, type TelemetryOptions } from './telemetry-reading.ts';

type Fingerprint = Map<string, { sha256: string; stamp: string }>;

/**
 * A bundle folder's files: size and modification time now (to notice a change later), and content hashes worked
 * out on another thread. Throws at once when the folder cannot be listed.
 */
function fingerprint(dir: string): Promise<Fingerprint> {
  const names = TABLES.flatMap((t) => findTableFile(dir, t.name));
  if (readdirSync(dir).includes('daylight.json')) names.push('daylight.json');
  names.push(...telemetryFiles(dir).map((t) => t.file));
  const stamps = names.map((file) => stampOf(dir, file));
  return sha256FilesOffThread(names.map((file) => join(dir, file))).then(
    (hashes) => new Map(names.map((file, i) => [file, { sha256: hashes[i]!, stamp: stamps[i]! }])),
  );
}

function stampOf(dir: string, file: string): string {
  const s = statSync(join(dir, file));
  return `${s.size}:${s.mtimeMs}`;
}

/**
 * A bundle's identity: the content hashes of its files (and the snapshot it extends), so the same files are the
 * same snapshot.
 */
export function snapshotIdOf(files: Iterable<{ file: string; sha256: string }>, parent?: string): string {
  const lines = [...files].map((f) => `${f.file}\t${f.sha256}`).sort();
  if (parent) lines.push(`extends\t${parent}`);
  return sha256Hex(lines.join('\n')).slice(0, 16);
}

const idOf = (files: Map<string, { sha256: string }>, parent?: string) =>
  snapshotIdOf(
    [...files].map(([file, f]) => ({ file, sha256: f.sha256 })),
    parent,
  );

/** The snapshot `daylight.json` says the bundle extends, if it says one (its errors are the loader's to report). */
function declaredParent(dir: string): string | undefined {
  const path = join(dir, 'daylight.json');
  if (!existsSync(path)) return undefined;
  try {
    const meta = JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
    return typeof meta?.extends === 'string' ? meta.extends : undefined;
  } catch {
    return undefined;
  }
}

/** The stored snapshot an appended bundle extends: the one asked for, or the latest. */
async function parentSnapshot(
  store: Store,
  dir: string,
  asked: string | undefined,
): Promise<string | undefined> {
  const wanted = asked ?? declaredParent(dir);
  if (!wanted) return undefined;
  const snapshots = await store.snapshots.list();
  const matching = snapshots.filter((s) => s.snapshot_id.startsWith(wanted));
  const found = wanted === 'latest' ? snapshots.at(-1) : matching.length === 1 ? matching[0] : undefined;
  if (!found)
    throw new BundleError([
      {
        file: asked ? dir : 'daylight.json',
        column: asked ? undefined : 'extends',
        message:
          wanted === 'latest'
            ? 'there is no stored snapshot to append to: ingest a whole bundle first'
            : matching.length > 1
              ? `${wanted} is the start of ${matching.length} snapshot ids: give more of it`
              : `there is no snapshot ${wanted} in the store to append to`,
      },
    ]);
  return found.snapshot_id;
}

/** The conflicts the store found, pointed at the lines of the bundle that bring them. */
async function rejection(
  bundle: LoadedBundle,
  conflicts: ExtensionRejected['conflicts'],
): Promise<BundleError> {
  const invoices = bundle.streamed.invoices?.file ?? bundle.locations.invoices.file;
  const problems: Problem[] = [];
  for (const column of ['period', 'invoice_id']) {
    const mine = conflicts.filter((c) => c.inFile && c.column === column);
    if (mine.length === 0) continue;
    const lines = await firstLines(
      bundle.dir,
      invoices,
      TABLES.find((t) => t.name === 'invoices')!,
      column,
      new Set(mine.map((c) => c.value)),
    );
    for (const c of mine)
      problems.push({ file: invoices, line: lines.get(c.value), column, message: c.message });
  }
  for (const c of conflicts.filter((x) => !x.inFile))
    problems.push({ file: bundle.locations[c.table].file, column: c.column, message: c.message });
  return new BundleError(problems);
}

export interface IngestOutcome<T = never> {
  snapshotId: string;
  created: boolean;
  rows: Record<string, number>;
  /** The snapshot whose invoices this one extends with new periods. */
  extends?: string;
  /** The validated bundle when it was read now (its invoices are in the store, not in memory). */
  bundle?: LoadedBundle;
  /** What `beside` made while the snapshot was stored, when it ran (see IngestOptions.beside). */
  beside?: T;
}

/** A bundle validated, its large tables loaded (committed, staged) and its telemetry read: the snapshot to be. */
export interface ValidatedSnapshot {
  snapshotId: string;
  bundle: LoadedBundle;
  reading: TelemetryReading;
}

export type IngestOptions<T> = LoadOptions & {
  telemetry?: TelemetryOptions;
  /** Screen the invoices and sign-ins elsewhere, a part of the file each (a cluster's workers: clusterScreen). */
  remoteScreen?: RemoteScreen;
  onStep?: (step: string) => void;
  /** Add the bundle's invoices (new periods) to a stored snapshot's: its id (or a prefix), or `latest`. */
  append?: string;
  /**
   * Work on the validated snapshot run while the store checks its keys, digests it and commits (the store's
   * statements run on DuckDB's threads, this work on this one). Its result is kept only when the snapshot is
   * stored; when it is not, the work is awaited and dropped, and ingest fails as it would without it. It runs only
   * where the stored large tables are all the snapshot will hold: not for a bundle that extends another snapshot,
   * nor for one with exchange rates (the sums read the rates from the store once committed).
   */
  beside?: (ready: ValidatedSnapshot) => Promise<T>;
};

/** Validates a bundle and writes it to the store as one snapshot, unless the same files are already there. */
export async function ingestBundle<T = never>(
  store: Store,
  dirArg: string,
  options: IngestOptions<T> = {},
): Promise<IngestOutcome<T>> {
  const dir = resolve(dirArg);
  const unreadable = () => new BundleError([{ file: dir, message: 'not a readable bundle folder' }]);
  let hashing: Promise<Fingerprint>;
  try {
    hashing = fingerprint(dir);
  } catch {
    throw unreadable();
  }
  hashing.catch(() => {}); // awaited below
  const parent = await parentSnapshot(store, dir, options.append);
  // The large tables start loading into the store at once, while they are validated and the files are hashed on
  // another thread: the snapshot's id is known once the hashes are, and a bundle stored already stops there.
  const stop = new AbortController();
  const early = store.snapshots.begin(actor(), options.remoteScreen);
  const writing = hashing.then(async (files) => {
    const known = idOf(files, parent);
    if (await store.snapshots.has(known)) {
      stop.abort();
      await early.abort();
      return { known, writer: null };
    }
    await early.identify(known);
    return { known, writer: early };
  });
  writing.catch(() => stop.abort());
  const stored = (known: string): IngestOutcome<T> => ({ snapshotId: known, created: false, rows: {} });
  let bundle: LoadedBundle;
  let reading: Awaited<ReturnType<typeof readTelemetry>>;
  let written: Awaited<typeof writing> | undefined;
  let writer: SnapshotWriter;
  try {
    bundle = await loadBundle(dir, {
      ...options,
      signal: stop.signal,
      streamed: ['invoices', 'logins'],
      screen: (input) => early.screen(input),
      onStreamStart: (def, source) => void writing.then(({ writer }) => writer?.load(def, source)),
      hashes: hashing.then((files) => new Map([...files].map(([file, f]) => [file, f.sha256]))),
    });
    written = await writing.catch(() => {
      throw unreadable();
    });
    if (!written.writer) return stored(written.known);
    writer = written.writer;
    // The hashes were taken while reading: the files must be the ones hashed (same names, sizes and times).
    const files = await hashing;
    const unchanged = [...files].every(([file, f]) => f.stamp === stampOf(dir, file));
    if (!unchanged || snapshotIdOf(bundle.files, parent) !== written.known)
      throw new Error(`${dir}: files changed while they were read`);
    options.onStep?.('reading telemetry');
    reading = await readTelemetry(written.known, dir, bundle.tables, options.telemetry ?? {});
  } catch (e) {
    const settled = written ?? (await writing.catch(() => undefined));
    if (!settled) {
      await early.abort();
      throw e instanceof BundleError ? e : unreadable();
    }
    if (!settled.writer) return stored(settled.known);
    await settled.writer.abort();
    throw e;
  }
  const { known } = written;
  options.onStep?.('storing the snapshot');
  const alongside =
    options.beside && !parent && bundle.tables.fx_rates.length === 0
      ? options.beside({ snapshotId: known, bundle, reading })
      : undefined;
  alongside?.catch(() => {}); // awaited below
  let finished = false;
  // Done first, it hands the progress back to the store.
  alongside?.then(
    () => finished || options.onStep?.('storing the snapshot'),
    () => {},
  );
  try {
    await writer.finish(bundle, reading, parent);
    finished = true;
  } catch (e) {
    finished = true;
    await alongside?.catch(() => {});
    if (e instanceof ExtensionRejected) throw await rejection(bundle, e.conflicts);
    if (e instanceof ScreenRejected) {
      // The stored rows break a key: the row-by-row reader names the lines (and throws the bundle's problems).
      await loadBundle(dir, { ...options, streamed: ['invoices', 'logins'] });
      throw new Error(`${e.message}, but the row-by-row check found nothing: report this bundle`);
    }
    throw e;
  }
  return {
    snapshotId: known,
    created: true,
    bundle,
    ...(alongside ? { beside: await alongside } : {}),
    ...(parent ? { extends: parent } : {}),
    rows: Object.fromEntries(bundle.files.map((f) => [f.file, f.rows])),
  };
}
