import { z } from 'zod';
import { canonicalJson } from '../util/canonical-json.ts';
import { sha256Hex } from '../util/hash.ts';
import type { Db } from './db.ts';

export const GENESIS = '0'.repeat(64);

export type LedgerKind = 'ingest' | 'telemetry-reading' | 'audit-run' | 'case-change' | 'user-change';

export interface LedgerEntry {
  seq: number;
  at: string;
  kind: LedgerKind;
  actor: string;
  body: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** A ledger row as stored: the body as its canonical text, so verification sees exactly what was written. */
export const storedEntrySchema = z.object({
  seq: z.coerce.number().int(),
  recorded_at: z.string(),
  kind: z.string(),
  actor: z.string(),
  body: z.string(),
  prev_hash: z.string(),
  hash: z.string(),
});
export type StoredEntry = z.infer<typeof storedEntrySchema>;

/** Where ledger entries are kept: DuckDB in the store, memory in tests. */
export interface LedgerRepository {
  last(): Promise<StoredEntry | null>;
  insert(entry: StoredEntry): Promise<void>;
  all(): Promise<StoredEntry[]>;
}

export class DuckLedgerRepository implements LedgerRepository {
  constructor(private readonly db: Db) {}

  async last(): Promise<StoredEntry | null> {
    return (await this.db.first(storedEntrySchema, 'SELECT * FROM ledger ORDER BY seq DESC LIMIT 1')) ?? null;
  }

  async insert(e: StoredEntry): Promise<void> {
    await this.db.run('INSERT INTO ledger VALUES ($seq, $at, $kind, $actor, $body, $prev, $hash)', {
      seq: e.seq,
      at: e.recorded_at,
      kind: e.kind,
      actor: e.actor,
      body: e.body,
      prev: e.prev_hash,
      hash: e.hash,
    });
  }

  all(): Promise<StoredEntry[]> {
    return this.db.rows(storedEntrySchema, 'SELECT * FROM ledger ORDER BY seq');
  }
}

export class MemoryLedgerRepository implements LedgerRepository {
  readonly entries: StoredEntry[] = [];
  async last() {
    return this.entries.at(-1) ?? null;
  }
  async insert(e: StoredEntry) {
    this.entries.push({ ...e });
  }
  async all() {
    return this.entries.map((e) => ({ ...e }));
  }
}

/** The hash of an entry: over the previous hash and the canonical text of everything else in it. */
export function entryHash(e: Omit<LedgerEntry, 'hash'>): string {
  return sha256Hex(
    `${e.prev_hash}\n${canonicalJson({ seq: e.seq, at: e.at, kind: e.kind, actor: e.actor, body: e.body })}`,
  );
}

/** Stored lines (findings, signals) digested the way a ledger entry states them. */
export function linesDigest(lines: string[]): string {
  return sha256Hex(lines.join('\n'));
}

function toEntry(row: StoredEntry): LedgerEntry {
  return {
    seq: row.seq,
    at: row.recorded_at,
    kind: row.kind as LedgerKind,
    actor: row.actor,
    body: JSON.parse(row.body) as Record<string, unknown>,
    prev_hash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * The append-only, hash-chained log of everything that changes what an auditor sees: ingests, audit runs,
 * case and user changes. Appends run inside the caller's transaction when there is one.
 */
export class Ledger {
  constructor(readonly repository: LedgerRepository) {}

  async head(): Promise<LedgerEntry | null> {
    const last = await this.repository.last();
    return last ? toEntry(last) : null;
  }

  async append(kind: LedgerKind, actor: string, body: Record<string, unknown>): Promise<LedgerEntry> {
    const last = await this.repository.last();
    const partial = {
      seq: (last?.seq ?? 0) + 1,
      at: new Date().toISOString(),
      kind,
      actor,
      body: JSON.parse(canonicalJson(body)) as Record<string, unknown>,
      prev_hash: last?.hash ?? GENESIS,
    };
    const entry = { ...partial, hash: entryHash(partial) };
    await this.repository.insert({
      seq: entry.seq,
      recorded_at: entry.at,
      kind: entry.kind,
      actor: entry.actor,
      body: canonicalJson(entry.body),
      prev_hash: entry.prev_hash,
      hash: entry.hash,
    });
    return entry;
  }

  async entries(): Promise<LedgerEntry[]> {
    return (await this.repository.all()).map(toEntry);
  }
}

export interface Verification {
  ok: boolean;
  entries: number;
  head: string;
  /** The first entry that does not match, and why. */
  broken?: { seq: number; reason: string };
}

/** What the store holds now about what ledger entries recorded: checked against each entry by `verifyLedger`. */
export interface RecordedState {
  /** `file:sha256` of each stored file of a snapshot, sorted by file. */
  snapshotFiles(snapshotId: string): Promise<string[]>;
  /** The stored findings of a run, as the lines its digest was taken over. */
  runFindingLines(runId: string): Promise<string[]>;
  /** The stored signals of a telemetry reading, as the lines its digest was taken over. */
  readingSignalLines(readingId: string): Promise<string[]>;
}

/**
 * Recomputes the chain, and for each ingest and audit run what the store holds now (file hashes, findings)
 * against what the entry recorded. With `savedHead`, also proves the history up to that head is unchanged.
 */
export async function verifyLedger(
  repository: LedgerRepository,
  state: RecordedState,
  savedHead?: string,
): Promise<Verification> {
  const rows = await repository.all();
  let prev = GENESIS;
  let sawSaved = savedHead === undefined;
  const fail = (seq: number, reason: string): Verification => ({
    ok: false,
    entries: rows.length,
    head: prev,
    broken: { seq, reason },
  });
  for (const [i, row] of rows.entries()) {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(row.body) as Record<string, unknown>;
    } catch {
      return fail(row.seq, 'its body is not valid JSON');
    }
    if (row.body !== canonicalJson(body)) return fail(row.seq, 'its body is not in canonical form');
    const e = toEntry(row);
    if (e.seq !== i + 1) return fail(e.seq, `sequence number ${e.seq} where ${i + 1} was expected`);
    if (e.prev_hash !== prev) return fail(e.seq, 'it does not point to the hash of the entry before it');
    const { hash, ...rest } = e;
    if (entryHash(rest) !== hash) return fail(e.seq, 'its content does not match its hash');
    const recorded = await recordedStateDiffers(state, e);
    if (recorded) return fail(e.seq, recorded);
    prev = hash;
    if (hash === savedHead) sawSaved = true;
  }
  if (!sawSaved)
    return fail(
      0,
      `the saved head ${savedHead} is not in the ledger: the history it closed was changed or removed`,
    );
  return { ok: true, entries: rows.length, head: prev };
}

/** What an entry recorded about stored rows, checked against those rows now; null when they agree. */
async function recordedStateDiffers(state: RecordedState, e: LedgerEntry): Promise<string | null> {
  const reading = (
    e.kind === 'ingest' ? e.body.telemetry : e.kind === 'telemetry-reading' ? e.body : undefined
  ) as { reading_id: string; signals_digest: string } | undefined;
  if (reading && linesDigest(await state.readingSignalLines(reading.reading_id)) !== reading.signals_digest)
    return 'the stored network signals of its telemetry reading differ from the recorded digest';
  if (e.kind === 'ingest') {
    const now = (await state.snapshotFiles(String(e.body.snapshot_id))).sort();
    const then = (e.body.files as { file: string; sha256: string }[])
      .map((f) => `${f.file}:${f.sha256}`)
      .sort();
    return canonicalJson(now) === canonicalJson(then)
      ? null
      : 'the stored file hashes of its snapshot differ from the recorded ones';
  }
  if (e.kind === 'audit-run') {
    const digest = linesDigest(await state.runFindingLines(String(e.body.run_id)));
    return digest === e.body.findings_digest
      ? null
      : 'the stored findings of its run differ from the recorded digest';
  }
  return null;
}
