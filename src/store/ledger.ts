import type { DuckDBConnection } from '@duckdb/node-api';
import { canonicalJson } from '../util/canonical-json.ts';
import { sha256Hex } from '../util/hash.ts';

export const GENESIS = '0'.repeat(64);

export type LedgerKind = 'ingest' | 'audit-run' | 'case-change' | 'user-change';

export interface LedgerEntry {
  seq: number;
  at: string;
  kind: LedgerKind;
  actor: string;
  body: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** The hash of an entry: over the previous hash and the canonical text of everything else in it. */
export function entryHash(e: Omit<LedgerEntry, 'hash'>): string {
  return sha256Hex(
    `${e.prev_hash}\n${canonicalJson({ seq: e.seq, at: e.at, kind: e.kind, actor: e.actor, body: e.body })}`,
  );
}

export const LEDGER_SCHEMA = `
  CREATE TABLE IF NOT EXISTS ledger (
    seq BIGINT PRIMARY KEY, recorded_at VARCHAR NOT NULL, kind VARCHAR NOT NULL, actor VARCHAR NOT NULL,
    body VARCHAR NOT NULL, prev_hash VARCHAR NOT NULL, hash VARCHAR NOT NULL)`;

/** The findings of an audit run as recorded, digested the way the run's ledger entry states it. */
export function findingsDigest(lines: string[]): string {
  return sha256Hex(lines.join('\n'));
}

/**
 * The append-only, hash-chained log of everything that changes what an auditor sees: ingests, audit runs,
 * case and user changes. Appends run inside the caller's transaction when there is one.
 */
export class Ledger {
  constructor(private readonly db: DuckDBConnection) {}

  async head(): Promise<LedgerEntry | null> {
    const r = await this.db.runAndReadAll('SELECT * FROM ledger ORDER BY seq DESC LIMIT 1');
    const row = r.getRowObjectsJson()[0];
    return row ? toEntry(row) : null;
  }

  async append(kind: LedgerKind, actor: string, body: Record<string, unknown>): Promise<LedgerEntry> {
    const last = await this.head();
    const partial = {
      seq: (last?.seq ?? 0) + 1,
      at: new Date().toISOString(),
      kind,
      actor,
      body: JSON.parse(canonicalJson(body)) as Record<string, unknown>,
      prev_hash: last?.hash ?? GENESIS,
    };
    const entry = { ...partial, hash: entryHash(partial) };
    await this.db.run('INSERT INTO ledger VALUES ($seq, $at, $kind, $actor, $body, $prev, $hash)', {
      seq: entry.seq,
      at: entry.at,
      kind: entry.kind,
      actor: entry.actor,
      body: canonicalJson(entry.body),
      prev: entry.prev_hash,
      hash: entry.hash,
    });
    return entry;
  }

  async entries(): Promise<LedgerEntry[]> {
    const r = await this.db.runAndReadAll('SELECT * FROM ledger ORDER BY seq');
    return r.getRowObjectsJson().map(toEntry);
  }
}

function toEntry(row: Record<string, unknown>): LedgerEntry {
  return {
    seq: Number(row.seq),
    at: String(row.recorded_at),
    kind: String(row.kind) as LedgerKind,
    actor: String(row.actor),
    body: JSON.parse(String(row.body)) as Record<string, unknown>,
    prev_hash: String(row.prev_hash),
    hash: String(row.hash),
  };
}

export interface Verification {
  ok: boolean;
  entries: number;
  head: string;
  /** The first entry that does not match, and why. */
  broken?: { seq: number; reason: string };
}

/**
 * Recomputes the chain, and for each ingest and audit run what the store holds now (file hashes, findings)
 * against what the entry recorded. With `savedHead`, also proves the history up to that head is unchanged.
 */
export async function verifyLedger(db: DuckDBConnection, savedHead?: string): Promise<Verification> {
  const rows = (await db.runAndReadAll('SELECT * FROM ledger ORDER BY seq')).getRowObjectsJson();
  let prev = GENESIS;
  let sawSaved = savedHead === undefined;
  const fail = (seq: number, reason: string): Verification => ({
    ok: false,
    entries: rows.length,
    head: prev,
    broken: { seq, reason },
  });
  for (const [i, row] of rows.entries()) {
    const seq = Number(row.seq);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(String(row.body)) as Record<string, unknown>;
    } catch {
      return fail(seq, 'its body is not valid JSON');
    }
    if (String(row.body) !== canonicalJson(body)) return fail(seq, 'its body is not in canonical form');
    const e: LedgerEntry = { ...toEntry({ ...row, body: '{}' }), body };
    if (e.seq !== i + 1) return fail(e.seq, `sequence number ${e.seq} where ${i + 1} was expected`);
    if (e.prev_hash !== prev) return fail(e.seq, 'it does not point to the hash of the entry before it');
    const { hash, ...rest } = e;
    if (entryHash(rest) !== hash) return fail(e.seq, 'its content does not match its hash');
    const recorded = await recordedStateMatches(db, e);
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
async function recordedStateMatches(db: DuckDBConnection, e: LedgerEntry): Promise<string | null> {
  if (e.kind === 'ingest') {
    const r = await db.runAndReadAll(
      'SELECT file, sha256 FROM snapshot_files WHERE snapshot_id = $s ORDER BY file',
      {
        s: String(e.body.snapshot_id),
      },
    );
    const now = r.getRowObjectsJson().map((x) => `${x.file}:${x.sha256}`);
    const then = (e.body.files as { file: string; sha256: string }[])
      .map((f) => `${f.file}:${f.sha256}`)
      .sort();
    return canonicalJson(now) === canonicalJson(then)
      ? null
      : 'the stored file hashes of its snapshot differ from the recorded ones';
  }
  if (e.kind === 'audit-run') {
    const r = await db.runAndReadAll('SELECT body FROM findings WHERE run_id = $r ORDER BY ord', {
      r: String(e.body.run_id),
    });
    const digest = findingsDigest(r.getRowObjectsJson().map((x) => String(x.body)));
    return digest === e.body.findings_digest
      ? null
      : 'the stored findings of its run differ from the recorded digest';
  }
  return null;
}
