import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TABLES } from '../contract/tables.ts';
import {
  findTableFile,
  type LoadedBundle,
  type LoadOptions,
  loadBundle,
  sha256File,
} from '../ingest/bundle.ts';
import { BundleError } from '../ingest/problems.ts';
import { telemetryFiles } from '../ingest/telemetry/files.ts';
import { type Store, snapshotIdOf } from '../store/store.ts';

/** The snapshot id a bundle folder would get, from file hashes alone (no parsing). */
export async function bundleSnapshotId(dir: string): Promise<string> {
  const names = TABLES.flatMap((t) => findTableFile(dir, t.name));
  if (readdirSync(dir).includes('daylight.json')) names.push('daylight.json');
  names.push(...telemetryFiles(dir).map((t) => t.file));
  const files = await Promise.all(
    names.map(async (file) => ({ file, sha256: await sha256File(join(dir, file)) })),
  );
  return snapshotIdOf({ files: files.map((f) => ({ ...f, table: 'daylight', rows: 0 })) });
}

export interface IngestOutcome {
  snapshotId: string;
  created: boolean;
  rows: Record<string, number>;
  /** The validated bundle when it was read now (its invoices are in the store, not in memory). */
  bundle?: LoadedBundle;
}

/** Validates a bundle and writes it to the store as one snapshot, unless the same files are already there. */
export async function ingestBundle(
  store: Store,
  dirArg: string,
  options: LoadOptions = {},
): Promise<IngestOutcome> {
  const dir = resolve(dirArg);
  let known: string | null = null;
  try {
    known = await bundleSnapshotId(dir);
  } catch {
    throw new BundleError([{ file: dir, message: 'not a readable bundle folder' }]);
  }
  if (await store.hasSnapshot(known)) return { snapshotId: known, created: false, rows: {} };
  // The invoices start loading into the store as soon as their header is read, while they are validated.
  const writer = store.beginSnapshot(known, true);
  let bundle: LoadedBundle;
  try {
    bundle = await loadBundle(dir, {
      ...options,
      streamed: ['invoices'],
      onStreamStart: (def, source) => writer.load(def, source),
    });
    if (snapshotIdOf(bundle) !== known) throw new Error(`${dir}: files changed while they were read`);
  } catch (e) {
    await writer.abort();
    throw e;
  }
  await writer.finish(bundle);
  return {
    snapshotId: known,
    created: true,
    bundle,
    rows: Object.fromEntries(bundle.files.map((f) => [f.file, f.rows])),
  };
}
