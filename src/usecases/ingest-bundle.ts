import { readdirSync, statSync } from 'node:fs';
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

/** A bundle folder's files: content hash, and size and modification time to notice a change later. */
async function fingerprint(dir: string): Promise<Map<string, { sha256: string; stamp: string }>> {
  const names = TABLES.flatMap((t) => findTableFile(dir, t.name));
  if (readdirSync(dir).includes('daylight.json')) names.push('daylight.json');
  names.push(...telemetryFiles(dir).map((t) => t.file));
  return new Map(
    await Promise.all(
      names.map(
        async (file) =>
          [file, { stamp: stampOf(dir, file), sha256: await sha256File(join(dir, file)) }] as const,
      ),
    ),
  );
}

function stampOf(dir: string, file: string): string {
  const s = statSync(join(dir, file));
  return `${s.size}:${s.mtimeMs}`;
}

/** The snapshot id of a bundle folder's files, from their hashes alone (no parsing). */
const idOf = (files: Map<string, { sha256: string }>) =>
  snapshotIdOf({
    files: [...files].map(([file, f]) => ({ file, sha256: f.sha256, table: 'daylight', rows: 0 })),
  });

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
  let files: Awaited<ReturnType<typeof fingerprint>>;
  try {
    files = await fingerprint(dir);
  } catch {
    throw new BundleError([{ file: dir, message: 'not a readable bundle folder' }]);
  }
  const known = idOf(files);
  if (await store.hasSnapshot(known)) return { snapshotId: known, created: false, rows: {} };
  // The invoices start loading into the store as soon as their header is read, while they are validated.
  const writer = store.beginSnapshot(known);
  let bundle: LoadedBundle;
  try {
    bundle = await loadBundle(dir, {
      ...options,
      streamed: ['invoices'],
      onStreamStart: (def, source) => writer.load(def, source),
      hashes: new Map([...files].map(([file, f]) => [file, f.sha256])),
    });
    // The hashes were taken before reading: the files must be the ones hashed (same names, sizes and times).
    const unchanged = [...files].every(([file, f]) => f.stamp === stampOf(dir, file));
    if (!unchanged || snapshotIdOf(bundle) !== known)
      throw new Error(`${dir}: files changed while they were read`);
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
