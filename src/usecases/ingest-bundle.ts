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
import type { Store } from '../store/store.ts';
import { sha256Hex } from '../util/hash.ts';
import { actor } from './actor.ts';
import { readTelemetry, type TelemetryOptions } from './telemetry-reading.ts';

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

/** A bundle's identity: the content hashes of its files, so the same files are the same snapshot. */
export function snapshotIdOf(files: Iterable<{ file: string; sha256: string }>): string {
  const lines = [...files].map((f) => `${f.file}\t${f.sha256}`).sort();
  return sha256Hex(lines.join('\n')).slice(0, 16);
}

const idOf = (files: Map<string, { sha256: string }>) =>
  snapshotIdOf([...files].map(([file, f]) => ({ file, sha256: f.sha256 })));

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
  options: LoadOptions & { telemetry?: TelemetryOptions; onStep?: (step: string) => void } = {},
): Promise<IngestOutcome> {
  const dir = resolve(dirArg);
  let files: Awaited<ReturnType<typeof fingerprint>>;
  try {
    files = await fingerprint(dir);
  } catch {
    throw new BundleError([{ file: dir, message: 'not a readable bundle folder' }]);
  }
  const known = idOf(files);
  if (await store.snapshots.has(known)) return { snapshotId: known, created: false, rows: {} };
  // The invoices start loading into the store as soon as their header is read, while they are validated.
  const writer = store.snapshots.begin(known, actor());
  let bundle: LoadedBundle;
  let reading: Awaited<ReturnType<typeof readTelemetry>>;
  try {
    bundle = await loadBundle(dir, {
      ...options,
      streamed: ['invoices'],
      onStreamStart: (def, source) => writer.load(def, source),
      hashes: new Map([...files].map(([file, f]) => [file, f.sha256])),
    });
    // The hashes were taken before reading: the files must be the ones hashed (same names, sizes and times).
    const unchanged = [...files].every(([file, f]) => f.stamp === stampOf(dir, file));
    if (!unchanged || snapshotIdOf(bundle.files) !== known)
      throw new Error(`${dir}: files changed while they were read`);
    options.onStep?.('reading telemetry');
    reading = await readTelemetry(known, dir, bundle.tables, options.telemetry ?? {});
  } catch (e) {
    await writer.abort();
    throw e;
  }
  await writer.finish(bundle, reading);
  return {
    snapshotId: known,
    created: true,
    bundle,
    rows: Object.fromEntries(bundle.files.map((f) => [f.file, f.rows])),
  };
}
