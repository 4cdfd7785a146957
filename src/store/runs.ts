import { z } from 'zod';
import { type Finding, findingSchema } from '../contract/finding.ts';
import { type RunInfo, runInfoSchema } from '../contract/workspace.ts';
import { sha256Hex } from '../util/hash.ts';
import type { Db } from './db.ts';
import { runRowsDigest } from './stored-state.ts';

/** An audit run as it is stored: its findings (as the lines its digest covers), outputs and verdict periods. */
export interface RunRecord {
  runId: string;
  snapshotId: string;
  settings: Record<string, unknown>;
  rulebookVersion: string;
  /** The export date the run used (findings.md: as_of, or the latest date in the bundle). */
  asOf: string;
  startedAt: string;
  /** The telemetry reading whose signals the run used. */
  readingId: string | null;
  findingsDigest: string;
  findings: Finding[];
  findingLines: string[];
  /** Tables of the run (revenue, segments, reconciliation, sankey) as rows of plain values. */
  outputs: Record<string, Record<string, string | boolean>[]>;
  /** Every prohibited-activity period: account, period, jurisdiction, activity, strength, nexus tests, rules. */
  verdicts: string[][];
}

export const verdictRowSchema = z.object({
  period: z.string(),
  jurisdiction: z.string(),
  activity: z.string(),
  strength: z.string(),
  nexus: z.string(),
  rules: z.string(),
});

const RUN_COLUMNS = `r.run_id, r.snapshot_id, r.started_at, r.rulebook_version, r.findings_digest,
  r.finding_count::INTEGER AS finding_count, r.as_of`;
/** Runs in the order the ledger recorded them: a run no entry records is never among them, let alone the newest. */
const CHAINED_RUNS = `audit_runs r JOIN ledger l ON l.kind = 'audit-run' AND json_extract_string(l.body, '$.run_id') = r.run_id`;
const bodySchema = z.object({ body: z.string() });
const tableRows = z.array(z.record(z.string(), z.union([z.string(), z.boolean()])));

/** Audit runs and what each produced. */
export class RunsRepository {
  constructor(private readonly db: Db) {}

  exists(runId: string): Promise<boolean> {
    return this.db.exists('SELECT 1 FROM audit_runs WHERE run_id = $r', { r: runId });
  }

  /**
   * Stores a run in the caller's transaction, and returns what the ledger records of it: the same shape
   * `verifyLedger` reads back (digests of its findings rows, outputs and verdicts included).
   */
  async insert(run: RunRecord): Promise<Record<string, unknown>> {
    await this.db.run(
      `INSERT INTO audit_runs (run_id, snapshot_id, started_at, settings, rulebook_version, findings_digest, finding_count, as_of, reading_id)
       VALUES ($r, $s, $at, $settings, $v, $d, $n, $asOf, $reading)`,
      {
        asOf: run.asOf,
        at: run.startedAt,
        reading: run.readingId,
        r: run.runId,
        s: run.snapshotId,
        settings: JSON.stringify(run.settings),
        v: run.rulebookVersion,
        d: run.findingsDigest,
        n: run.findings.length,
      },
    );
    await this.db.appendTo('findings', (findings) =>
      run.findings.forEach((f, i) => {
        for (const v of [
          run.runId,
          f.id,
          f.code,
          f.severity,
          f.account_id,
          f.staff_id,
          f.jurisdiction,
          f.period_from,
          f.period_to,
          f.revenue_at_stake,
          run.findingLines[i]!,
        ])
          v === null ? findings.appendNull() : findings.appendVarchar(v);
        findings.appendInteger(i);
        findings.endRow();
      }),
    );
    await this.db.appendTo('run_verdicts', (verdicts) => {
      for (const v of run.verdicts) {
        verdicts.appendVarchar(run.runId);
        for (const cell of v) verdicts.appendVarchar(cell);
        verdicts.endRow();
      }
    });
    const outputs: Record<string, string> = {};
    for (const [name, rows] of Object.entries(run.outputs)) {
      const body = JSON.stringify(rows);
      outputs[name] = sha256Hex(body);
      await this.db.run('INSERT INTO run_outputs VALUES ($r, $n, $b)', { r: run.runId, n: name, b: body });
    }
    return {
      run_id: run.runId,
      snapshot_id: run.snapshotId,
      started_at: run.startedAt,
      settings: run.settings,
      rulebook_version: run.rulebookVersion,
      findings_digest: run.findingsDigest,
      finding_count: run.findings.length,
      as_of: run.asOf,
      reading_id: run.readingId,
      findings_rows: await runRowsDigest(this.db, 'findings', run.runId),
      outputs,
      verdicts: await runRowsDigest(this.db, 'run_verdicts', run.runId),
    };
  }

  /** The newest run of a snapshot (or of the store). */
  async latest(snapshotId?: string): Promise<RunInfo | null> {
    return (
      (await this.db.first(
        runInfoSchema,
        `SELECT ${RUN_COLUMNS} FROM ${CHAINED_RUNS} ${snapshotId ? 'WHERE r.snapshot_id = $s' : ''} ORDER BY l.seq DESC LIMIT 1`,
        snapshotId ? { s: snapshotId } : {},
      )) ?? null
    );
  }

  list(): Promise<RunInfo[]> {
    return this.db.rows(runInfoSchema, `SELECT ${RUN_COLUMNS} FROM ${CHAINED_RUNS} ORDER BY l.seq DESC`);
  }

  /** A run's findings as stored, in their order. */
  async findingLines(runId: string): Promise<string[]> {
    const rows = await this.db.rows(bodySchema, 'SELECT body FROM findings WHERE run_id = $r ORDER BY ord', {
      r: runId,
    });
    return rows.map((r) => r.body);
  }

  async findingIds(runId: string): Promise<Set<string>> {
    const rows = await this.db.rows(
      z.object({ id: z.string() }),
      'SELECT id FROM findings WHERE run_id = $r',
      {
        r: runId,
      },
    );
    return new Set(rows.map((r) => r.id));
  }

  async findings(runId: string): Promise<Finding[]> {
    return (await this.findingLines(runId)).map((line) => findingSchema.parse(JSON.parse(line)));
  }

  /** A table of a run's outputs (revenue, segments, reconciliation, sankey). */
  async output(runId: string, name: string): Promise<Record<string, string | boolean>[]> {
    const row = await this.db.first(
      bodySchema,
      'SELECT body FROM run_outputs WHERE run_id = $r AND name = $n',
      {
        r: runId,
        n: name,
      },
    );
    return row ? tableRows.parse(JSON.parse(row.body)) : [];
  }

  async settings(runId: string): Promise<Record<string, unknown>> {
    const row = await this.db.first(
      z.object({ settings: z.string() }),
      'SELECT settings FROM audit_runs WHERE run_id = $r',
      {
        r: runId,
      },
    );
    return row ? (JSON.parse(row.settings) as Record<string, unknown>) : {};
  }

  verdictsOf(runId: string, accountId: string): Promise<z.infer<typeof verdictRowSchema>[]> {
    return this.db.rows(
      verdictRowSchema,
      'SELECT period, jurisdiction, activity, strength, nexus, rules FROM run_verdicts WHERE run_id = $r AND account_id = $a ORDER BY period, jurisdiction, activity',
      { r: runId, a: accountId },
    );
  }
}
