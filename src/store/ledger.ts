import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../util/canonical-json.ts';
import { sha256Hex } from '../util/hash.ts';
import { compareState, foldLedger, type StoredState } from './anchored-state.ts';
import type { Db } from './db.ts';

export const GENESIS = '0'.repeat(64);

export type LedgerKind =
  | 'ingest'
  | 'telemetry-reading'
  | 'audit-run'
  | 'case-change'
  | 'user-change'
  | 'sign-in'
  | 'decision'
  | 'replay'
  | 'webhook-change';

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
  /** Entries in order, all at once. */
  insert(entries: StoredEntry[]): Promise<void>;
  all(): Promise<StoredEntry[]>;
}

export class DuckLedgerRepository implements LedgerRepository {
  /** The newest entry as this process wrote it (it is the store's only writer), until a rollback. */
  private head: { entry: StoredEntry; rollbacks: number } | null = null;

  constructor(private readonly db: Db) {}

  async last(): Promise<StoredEntry | null> {
    if (this.head && this.head.rollbacks === this.db.rollbacks) return this.head.entry;
    return (
      (await this.db.first(
        storedEntrySchema,
        'SELECT * FROM ledger WHERE seq = (SELECT max(seq) FROM ledger)',
      )) ?? null
    );
  }

  async insert(entries: StoredEntry[]): Promise<void> {
    const rollbacks = this.db.rollbacks;
    this.head = null;
    await this.db.insertRows(
      'ledger',
      entries.map((e) => [BigInt(e.seq), e.recorded_at, e.kind, e.actor, e.body, e.prev_hash, e.hash]),
    );
    if (entries.length) this.head = { entry: entries.at(-1)!, rollbacks };
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
  async insert(entries: StoredEntry[]) {
    for (const e of entries) this.entries.push({ ...e });
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
export function linesDigest(lines: readonly string[]): string {
  // The lines joined by '\n', hashed a line at a time: joining first made one string of them all (167 MB of
  // findings at XL, ten times slower to hash).
  const hash = createHash('sha256');
  lines.forEach((line, i) => {
    if (i > 0) hash.update('\n');
    hash.update(line);
  });
  return hash.digest('hex');
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
    return (await this.appendAll([{ kind, actor, body }]))[0]!;
  }

  /** Entries chained in order and written with one statement (decisions recorded in a batch). */
  async appendAll(
    items: { kind: LedgerKind; actor: string; body: Record<string, unknown> }[],
  ): Promise<LedgerEntry[]> {
    const last = await this.repository.last();
    let seq = last?.seq ?? 0;
    let prev = last?.hash ?? GENESIS;
    const entries = items.map(({ kind, actor, body }) => {
      const partial = {
        seq: ++seq,
        at: new Date().toISOString(),
        kind,
        actor,
        body: JSON.parse(canonicalJson(body)) as Record<string, unknown>,
        prev_hash: prev,
      };
      const entry = { ...partial, hash: entryHash(partial) };
      prev = entry.hash;
      return entry;
    });
    await this.repository.insert(
      entries.map((e) => ({
        seq: e.seq,
        recorded_at: e.at,
        kind: e.kind,
        actor: e.actor,
        body: canonicalJson(e.body),
        prev_hash: e.prev_hash,
        hash: e.hash,
      })),
    );
    return entries;
  }

  async entries(): Promise<LedgerEntry[]> {
    return (await this.repository.all()).map(toEntry);
  }
}

export interface Verification {
  ok: boolean;
  entries: number;
  head: string;
  /** The first entry that does not match (0: a stored row no entry records), and why. */
  broken?: { seq: number; reason: string };
}

/**
 * Recomputes the chain; then folds the entries into the state they record (snapshots and their tables' digests,
 * telemetry readings, runs and their outputs, cases, comments, users, tokens, sessions) and compares it with what
 * the store holds. With `savedHead`, also proves the history up to that head is unchanged.
 */
export async function verifyLedger(
  repository: LedgerRepository,
  stored: StoredState,
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
  const entries: LedgerEntry[] = [];
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
    entries.push(e);
    prev = hash;
    if (hash === savedHead) sawSaved = true;
  }
  if (!sawSaved)
    return fail(
      0,
      `the saved head ${savedHead} is not in the ledger: the history it closed was changed or removed`,
    );
  const { state, setBy } = foldLedger(entries);
  const mismatch = await compareState(state, setBy, stored);
  if (mismatch) return fail(mismatch.seq, mismatch.reason);
  return { ok: true, entries: rows.length, head: prev };
}
