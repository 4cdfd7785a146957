import type { CoordinateOptions } from '../cluster/coordinator.ts';
import type { BundleTables } from '../contract/tables.ts';
import type { NetworkSignal } from '../engine/network/classify.ts';
import type { IndicatorSpec } from '../ingest/indicator-lists.ts';
import { linesDigest } from '../store/ledger.ts';
import type { Store } from '../store/store.ts';
import type { TelemetryReading } from '../store/telemetry.ts';
import { canonicalJson } from '../util/canonical-json.ts';
import { sha256Hex } from '../util/hash.ts';
import { bundleTelemetry, indicatorsFor } from './telemetry.ts';

export interface TelemetryOptions {
  /** Count and skip malformed telemetry lines instead of refusing the file. */
  skipBad?: boolean;
  /** User indicator lists (KIND=PATH, or folders of named lists), on top of the bundle's indicators/. */
  indicators?: IndicatorSpec[];
  /** Threads for flow logs (default: by their size, see bundleTelemetry). */
  threads?: number;
  /** Parts of the flow logs read so far, of how many. */
  onProgress?: (taken: number, total: number) => void;
  /** Spread the flow logs over the workers of a NATS cluster (see cluster/coordinator.ts). */
  cluster?: CoordinateOptions;
}

/**
 * Reads a bundle folder's telemetry into a reading of the snapshot: its identity is the snapshot, the indicators
 * (their content, not where they came from) and whether bad lines were skipped, so the same inputs give the same
 * reading.
 */
export async function readTelemetry(
  snapshotId: string,
  bundleDir: string,
  tables: Pick<BundleTables, 'accounts' | 'ip_allocations' | 'public_nodes'>,
  options: TelemetryOptions,
): Promise<TelemetryReading> {
  const { indicators, lists } = indicatorsFor(bundleDir, options.indicators);
  const indicatorsDigest = sha256Hex(canonicalJson(indicators));
  const skipBad = options.skipBad ?? false;
  const read = await bundleTelemetry(bundleDir, tables, {
    indicators,
    skipBad,
    threads: options.threads,
    onProgress: options.onProgress,
    cluster: options.cluster,
  });
  const signalLines = read.signals.map((s) => JSON.stringify(s));
  return {
    readingId: readingIdOf(snapshotId, indicatorsDigest, skipBad),
    snapshotId,
    readAt: new Date().toISOString(),
    made: { indicators_digest: indicatorsDigest, skip_bad: skipBad, lists, files: read.files },
    signalsDigest: linesDigest(signalLines),
    signalLines,
  };
}

export const readingIdOf = (snapshotId: string, indicatorsDigest: string, skipBad: boolean) =>
  sha256Hex(`${snapshotId}\n${indicatorsDigest}\n${skipBad}`).slice(0, 16);

/** The id a reading of this folder with these options would have, without reading the logs. */
export function expectedReadingId(snapshotId: string, bundleDir: string, options: TelemetryOptions): string {
  const { indicators } = indicatorsFor(bundleDir, options.indicators);
  return readingIdOf(snapshotId, sha256Hex(canonicalJson(indicators)), options.skipBad ?? false);
}

/** A reading of a stored snapshot made after its ingest (other indicators), recorded in the ledger. */
export async function storeReading(store: Store, reading: TelemetryReading, who: string): Promise<void> {
  await store.transaction(async () => {
    await store.telemetry.insert(reading);
    await store.ledger.append('telemetry-reading', who, {
      snapshot_id: reading.snapshotId,
      reading_id: reading.readingId,
      read_at: reading.readAt,
      signals_digest: reading.signalsDigest,
      made: reading.made,
    });
  });
}

export async function storedSignals(store: Store, readingId: string): Promise<NetworkSignal[]> {
  return (await store.telemetry.signalLines(readingId)).map((line) => JSON.parse(line) as NetworkSignal);
}
