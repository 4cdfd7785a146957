import { createHash } from 'node:crypto';
import { z } from 'zod';
import { sha256Hex } from '../util/hash.ts';
import type { Row, StoredState } from './anchored-state.ts';
import { type Db, quote } from './db.ts';
import { isSortedDigest, rowsDigest, sortedRowsDigests } from './digest.ts';
import { linesDigest } from './ledger.ts';
import type { SnapshotsRepository } from './snapshots.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const text = z.string().nullable();
const json = (s: string | null) => (s === null ? null : (JSON.parse(s) as unknown));

/** What the store holds, read in the shapes the ledger records (see anchored-state.ts). */
export class DuckStoredState implements StoredState {
  constructor(
    private readonly db: Db,
    private readonly snapshotsRepository: SnapshotsRepository,
  ) {}

  async snapshots(): Promise<Map<string, Row>> {
    const rows = await this.db.rows(
      z.object({
        snapshot_id: z.string(),
        bundle_dir: text,
        ingested_at: text,
        meta: text,
        extends_id: text,
      }),
      'SELECT snapshot_id, bundle_dir, ingested_at, meta, extends_id FROM snapshots',
    );
    const files = await this.db.rows(
      z.object({
        snapshot_id: z.string(),
        table_name: text,
        file: z.string(),
        sha256: text,
        row_count: z.number().nullable(),
      }),
      'SELECT snapshot_id, table_name, file, sha256, row_count::DOUBLE AS row_count FROM snapshot_files',
    );
    return new Map(
      rows.map((r) => [
        r.snapshot_id,
        {
          bundle_dir: r.bundle_dir,
          ingested_at: r.ingested_at,
          meta: json(r.meta),
          extends: r.extends_id,
          files: files
            .filter((f) => f.snapshot_id === r.snapshot_id)
            .map((f) => ({ table: f.table_name, file: f.file, sha256: f.sha256, rows: f.row_count }))
            .sort((a, b) => (a.file < b.file ? -1 : 1)),
        },
      ]),
    );
  }

  tableDigests(snapshotId: string, recorded: Record<string, string>): Promise<Record<string, string>> {
    return this.snapshotsRepository.tableDigests(snapshotId, recorded);
  }

  async readings(): Promise<Map<string, Row>> {
    const rows = await this.db.rows(
      z.object({ reading_id: z.string(), snapshot_id: z.string(), read_at: text, made: text }),
      'SELECT reading_id, snapshot_id, read_at, made FROM telemetry_readings',
    );
    const out = new Map<string, Row>();
    for (const r of rows) {
      const lines = await this.db.rows(
        z.object({ body: z.string() }),
        'SELECT body FROM network_signals WHERE reading_id = $r ORDER BY ord',
        {
          r: r.reading_id,
        },
      );
      out.set(r.reading_id, {
        snapshot_id: r.snapshot_id,
        read_at: r.read_at,
        made: json(r.made),
        signals_digest: linesDigest(lines.map((l) => l.body)),
      });
    }
    return out;
  }

  async runs(recorded: Map<string, Row> = new Map()): Promise<Map<string, Row>> {
    const rows = await this.db.rows(
      z.object({
        run_id: z.string(),
        snapshot_id: text,
        started_at: text,
        settings: text,
        rulebook_version: text,
        finding_count: z.number().nullable(),
        as_of: text,
        reading_id: text,
      }),
      'SELECT run_id, snapshot_id, started_at, settings, rulebook_version, finding_count::DOUBLE AS finding_count, as_of, reading_id FROM audit_runs',
    );
    const out = new Map<string, Row>();
    for (const r of rows) {
      // Rows an earlier version digested by sums (see rowsDigest) are digested that way again.
      const was = recorded.get(r.run_id);
      const kindOf = (digest: unknown): RunRowsKind =>
        typeof digest === 'string' && !isSortedDigest(digest) ? 'sums' : 'sorted';
      const bodies = await this.db.rows(
        z.object({ body: z.string() }),
        'SELECT body FROM findings WHERE run_id = $r ORDER BY ord',
        {
          r: r.run_id,
        },
      );
      const outputs = await this.db.rows(
        z.object({ name: z.string(), body: z.string() }),
        'SELECT name, body FROM run_outputs WHERE run_id = $r',
        { r: r.run_id },
      );
      out.set(r.run_id, {
        run_id: r.run_id,
        snapshot_id: r.snapshot_id,
        started_at: r.started_at,
        settings: json(r.settings),
        rulebook_version: r.rulebook_version,
        findings_digest: linesDigest(bodies.map((b) => b.body)),
        finding_count: r.finding_count,
        as_of: r.as_of,
        reading_id: r.reading_id,
        findings_rows: await runRowsDigest(this.db, 'findings', r.run_id, kindOf(was?.findings_rows)),
        outputs: Object.fromEntries(outputs.map((o) => [o.name, sha256(o.body)])),
        verdicts: await runRowsDigest(this.db, 'run_verdicts', r.run_id, kindOf(was?.verdicts)),
      });
    }
    return out;
  }

  async cases(): Promise<Map<string, Row>> {
    const rows = await this.db.objects('SELECT * FROM cases');
    return new Map(rows.map((r) => [String(r.finding_id), r]));
  }

  comments(): Promise<Row[]> {
    return this.db.objects('SELECT finding_id, commented_at, author, text FROM case_comments');
  }

  async users(): Promise<Map<string, Row>> {
    const rows = await this.db.objects('SELECT name, role, password_hash, created_at, disabled FROM users');
    return new Map(
      rows.map((r) => [
        String(r.name),
        {
          role: r.role,
          password: sha256(String(r.password_hash)),
          created_at: r.created_at,
          disabled: r.disabled,
        },
      ]),
    );
  }

  async tokens(): Promise<Map<string, Row>> {
    const rows = await this.db.objects(
      'SELECT token_hash, name, label, created_at, expires_at, revoked_at FROM api_tokens',
    );
    return new Map(rows.map(({ token_hash, ...r }) => [String(token_hash), r]));
  }

  async sessions(): Promise<Map<string, Row>> {
    const rows = await this.db.objects(
      'SELECT session_hash, name, started_at, expires_at, ended_at FROM sessions',
    );
    return new Map(rows.map(({ session_hash, ...r }) => [String(session_hash), r]));
  }

  async decisions(): Promise<Map<string, Row>> {
    const rows = await this.db.objects(
      'SELECT id, idempotency_key, request_digest, actor, body FROM decisions',
    );
    return new Map(
      rows.map(({ id, body, ...r }) => [String(id), { ...r, body_digest: sha256Hex(String(body)) }]),
    );
  }

  /** Endpoints as the ledger states them: the secret by its digest. */
  async webhooks(): Promise<Map<string, Row>> {
    const rows = await this.db.objects(
      'SELECT id, url, events, created_at, secret, disabled FROM webhook_endpoints',
    );
    return new Map(
      rows.map(({ id, secret, ...r }) => [String(id), { ...r, secret: sha256Hex(String(secret)) }]),
    );
  }

  async replays(): Promise<Map<string, Row>> {
    const rows = await this.db.objects('SELECT replay_id, snapshot_id, replayed_at, body FROM replays');
    return new Map(
      rows.map(({ replay_id, body, ...r }) => [
        String(replay_id),
        { ...r, body_digest: sha256Hex(String(body)) },
      ]),
    );
  }
}

/** How a run's rows are digested: soundly (sortedRowsDigests), or by sums as earlier versions did (rowsDigest). */
export type RunRowsKind = 'sorted' | 'sums';

/** Digest of a run's rows of a table, every column but none left out. */
export async function runRowsDigest(
  db: Db,
  table: 'findings' | 'run_verdicts',
  runId: string,
  kind: RunRowsKind = 'sorted',
): Promise<string> {
  const columns =
    table === 'findings'
      ? [
          'id',
          'code',
          'severity',
          'account_id',
          'staff_id',
          'jurisdiction',
          'period_from',
          'period_to',
          'revenue_at_stake',
          'body',
          'ord',
        ]
      : ['account_id', 'period', 'jurisdiction', 'activity', 'strength', 'nexus', 'rules'];
  if (kind === 'sums') return rowsDigest(db, table, columns, 'run_id = $r', { r: runId });
  const [digest] = await sortedRowsDigests(db, [{ from: quote(table), columns, where: 'run_id = $r' }], {
    r: runId,
  });
  return digest!;
}
