import { type Command, InvalidArgumentError } from 'commander';
import type { Finding } from '../../contract/finding.ts';
import { type IndicatorSpec, parseIndicatorSpec } from '../../ingest/indicator-lists.ts';
import { DEFAULT_STORE, Store } from '../../store/store.ts';
import type { Progress } from '../ui.ts';

export const storeOption = (cmd: Command) =>
  cmd.option(
    '--store <path>',
    'DuckDB store file (env DAYLIGHT_STORE)',
    process.env.DAYLIGHT_STORE ?? DEFAULT_STORE,
  );

export async function withStore<T>(path: string, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(path);
  try {
    return await work(store);
  } finally {
    store.close();
  }
}

/** `--set name=value`, repeatable: numbers stay numbers, the rest strings. */
export function collectSetting(value: string, previous: Record<string, unknown>): Record<string, unknown> {
  const at = value.indexOf('=');
  if (at < 1) throw new Error(`--set needs name=value, got ${JSON.stringify(value)}`);
  const name = value.slice(0, at);
  const raw = value.slice(at + 1);
  return { ...previous, [name]: /^-?\d+(\.\d+)?$/.test(raw) && !raw.includes('.') ? Number(raw) : raw };
}

/** The snapshot named, or the newest one in the store. */
export async function pickSnapshot(store: Store, id?: string): Promise<string> {
  const snapshots = await store.snapshots.list();
  if (id) {
    const match = snapshots.filter((s) => s.snapshot_id.startsWith(id));
    if (match.length !== 1) throw new Error(`no single snapshot matches ${id}`);
    return match[0]!.snapshot_id;
  }
  const latest = snapshots[snapshots.length - 1];
  if (!latest)
    throw new Error(`the store ${store.path} holds no snapshot yet: run daylight ingest BUNDLE first`);
  return latest.snapshot_id;
}

export function printJson(value: unknown): void {
  process.stdout.write(
    `${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`,
  );
}

/** A whole number of at least 1, for options such as --threads. */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number of at least 1');
  return n;
}

export const APPEND_HELP =
  "the bundle's invoices are new periods to add to a stored snapshot's (the latest, or this id); its other tables are whole";

export const THREADS_HELP =
  'threads for DNS and flow logs (default: every core up to 8 for 300 MB of logs or more, gzipped bytes counted six times and DNS bytes four, else 1)';

/** The findings of the newest audit run of a snapshot, or null when it was never audited. */
export async function latestFindings(store: Store, snapshotId: string): Promise<Finding[] | null> {
  const run = await store.runs.latest(snapshotId);
  return run ? store.runs.findings(run.run_id) : null;
}

export const INDICATORS_HELP =
  'more network indicators, repeatable: KIND=PATH (KIND mining, exchange or crypto; PATH a hosts file, a plain list ' +
  'or a MISP warninglist JSON), or a folder of pool-domains.txt, exchange-domains.txt, crypto-domains.txt, ' +
  'stratum-ports.txt, pool-cidrs.txt, exchange-cidrs.txt';

/** `--indicators KIND=PATH|DIR`, repeatable: each checked when given, so a missing list is named at once. */
export function collectIndicators(value: string, previous: IndicatorSpec[] = []): IndicatorSpec[] {
  try {
    return [...previous, parseIndicatorSpec(value)];
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

/** The bar's words while the store loads and checks a large table (`ingest`, `audit`). */
export const screenProgress = (progress: Progress) => (table: string, percent: number) =>
  progress.detail(`loading and checking ${table}: ${percent} %`);
