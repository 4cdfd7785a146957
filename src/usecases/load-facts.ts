import { bundleMetaSchema } from '../contract/meta.ts';
import type { BundleTables } from '../contract/tables.ts';
import { buildFacts, type Facts } from '../engine/facts.ts';
import type { NetworkSignal } from '../engine/network/classify.ts';
import type { SnapshotsRepository } from '../store/snapshots.ts';

/**
 * A snapshot as the engine's facts: small tables row by row (or as just validated, when the bundle was read
 * now), invoices summed and sign-ins counted in the store, and the signals of a telemetry reading.
 */
/** How far the invoices' summing, then the reading of the sums, has got (percent). */
export type FactsProgress = (stage: string, percent: number) => void;

export async function loadFacts(
  snapshots: SnapshotsRepository,
  snapshotId: string,
  signals: NetworkSignal[],
  inMemory?: Omit<BundleTables, 'invoices'>,
  onProgress?: FactsProgress,
): Promise<Facts> {
  const snapshot = await snapshots.get(snapshotId);
  if (!snapshot) throw new Error(`no snapshot ${snapshotId} in the store`);
  const tables = inMemory ?? (await snapshots.smallTables(snapshotId));
  return factsWith(snapshots, snapshotId, snapshot.meta, tables, signals, onProgress);
}

/**
 * The facts of a snapshot whose small tables and signals are in hand: its meta as stored (JSON text), its invoices
 * summed and sign-ins counted in the store (rows a staged snapshot has already committed will do).
 */
export async function factsWith(
  snapshots: SnapshotsRepository,
  snapshotId: string,
  storedMeta: string,
  tables: Omit<BundleTables, 'invoices'>,
  signals: NetworkSignal[],
  onProgress?: FactsProgress,
): Promise<Facts> {
  const meta = bundleMetaSchema.parse(JSON.parse(storedMeta));
  return buildFacts(
    tables,
    meta,
    await snapshots.invoiceTotals(snapshotId, meta.currency, onProgress),
    signals,
    await snapshots.signIns(snapshotId),
  );
}
