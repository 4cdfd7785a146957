import { z } from 'zod';
import { type Finding, findingSchema } from '../contract/finding.ts';
import { type RunInfo, runInfoSchema } from '../contract/workspace.ts';
import type { Db } from './db.ts';

/** An audit run as it is stored: its findings (as the lines its digest covers), outputs and verdict periods. */
export interface RunRecord {
  runId: string;
  snapshotId: string;
  settings: Record<string, unknown>;
  rulebookVersion: string;
  /** The export date the run used (findings.md: as_of, or the latest date in the bundle). */
  asOf: string;
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

const RUN_COLUMNS = `run_id, snapshot_id, strftime(started_at, '%Y-%m-%dT%H:%M:%SZ') AS started_at, rulebook_version,
  findings_digest, finding_count::INTEGER AS finding_count, as_of`;
const bodySchema = z.object({ body: z.string() });
const tableRows = z.array(z.record(z.string(), z.union([z.string(), z.boolean()])));

/** Audit runs and what each produced. */
export class RunsRepository {
  constructor(private readonly db: Db) {}

  exists(runId: string): Promise<boolean> {
    return this.db.exists('SELECT 1 FROM audit_runs WHERE run_id = $r', { r: runId });
  }

  /** Stores a run in the caller's transaction. */
  async insert(run: RunRecord): Promise<void> {
    await this.db.run(
      `INSERT INTO audit_runs (run_id, snapshot_id, started_at, settings, rulebook_version, findings_digest, finding_count, as_of)
       VALUES ($r, $s, now(), $settings, $v, $d, $n, $asOf)`,
      {
        asOf: run.asOf,
        r: run.runId,
        s: run.snapshotId,
        settings: JSON.stringify(run.settings),
        v: run.rulebookVersion,
        d: run.findingsDigest,
        n: run.findings.length,
      },
    );
    const findings = await this.db.appender('findings');
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
    });
    findings.flushSync();
    findings.closeSync();
    const verdicts = await this.db.appender('run_verdicts');
    for (const v of run.verdicts) {
      verdicts.appendVarchar(run.runId);
      for (const cell of v) verdicts.appendVarchar(cell);
      verdicts.endRow();
    }
    verdicts.flushSync();
    verdicts.closeSync();
    for (const [name, rows] of Object.entries(run.outputs))
      await this.db.run('INSERT INTO run_outputs VALUES ($r, $n, $b)', {
        r: run.runId,
        n: name,
        b: JSON.stringify(rows),
      });
  }

  /** The newest run of a snapshot (or of the store). */
  async latest(snapshotId?: string): Promise<RunInfo | null> {
    return (
      (await this.db.first(
        runInfoSchema,
        `SELECT ${RUN_COLUMNS} FROM audit_runs ${snapshotId ? 'WHERE snapshot_id = $s' : ''} ORDER BY started_at DESC LIMIT 1`,
        snapshotId ? { s: snapshotId } : {},
      )) ?? null
    );
  }

  list(): Promise<RunInfo[]> {
    return this.db.rows(runInfoSchema, `SELECT ${RUN_COLUMNS} FROM audit_runs ORDER BY started_at DESC`);
  }

  /** A run's findings as stored, in their order. */
  async findingLines(runId: string): Promise<string[]> {
    const rows = await this.db.rows(bodySchema, 'SELECT body FROM findings WHERE run_id = $r ORDER BY ord', {
      r: runId,
    });
    return rows.map((r) => r.body);
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
