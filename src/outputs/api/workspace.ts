import type { z } from 'zod';
import { columnMeta } from '../../contract/columns.ts';
import {
  type Evidence,
  type Finding,
  type FindingCode,
  SEVERITIES,
  type Severity,
} from '../../contract/finding.ts';
import { parseMoney } from '../../contract/money.ts';
import { TABLES, type TableName } from '../../contract/tables.ts';
import type { Store } from '../../store/store.ts';
import { accountNexus } from '../../usecases/account-nexus.ts';
import { type CaseState, type CaseStatus, caseOf } from '../../usecases/cases.ts';
import { HttpError } from './http.ts';

/** Read models of the workspace over the store: the newest run's findings with their cases, evidence rows. */
export class Workspace {
  private cache: { runId: string; findings: Finding[] } | null = null;
  /** What the store held when last read; the server forgets it after every write (it is the store's only writer). */
  private known: {
    run?: Promise<Awaited<ReturnType<Store['latestRun']>>>;
    cases?: Promise<Map<string, CaseState>>;
  } = {};

  constructor(readonly store: Store) {}

  /** Forget what was read: the store has been written to. */
  changed(): void {
    this.known = {};
  }

  async latest(): Promise<{ runId: string; snapshotId: string; findings: Finding[] } | null> {
    this.known.run ??= this.store.latestRun().catch((e) => {
      this.known.run = undefined;
      throw e;
    });
    const run = await this.known.run;
    if (!run) return null;
    if (this.cache?.runId !== run.run_id) {
      const r = await this.store.db.runAndReadAll(
        'SELECT body FROM findings WHERE run_id = $r ORDER BY ord',
        { r: run.run_id },
      );
      this.cache = {
        runId: run.run_id,
        findings: r.getRowObjectsJson().map((x) => JSON.parse(String(x.body)) as Finding),
      };
    }
    return { runId: run.run_id, snapshotId: run.snapshot_id, findings: this.cache.findings };
  }

  cases(): Promise<Map<string, CaseState>> {
    this.known.cases ??= this.store.db
      .runAndReadAll('SELECT * FROM cases')
      .then((r) => new Map((r.getRowObjectsJson() as unknown as CaseState[]).map((c) => [c.finding_id, c])))
      .catch((e) => {
        this.known.cases = undefined;
        throw e;
      });
    return this.known.cases;
  }

  async caseOf(id: string): Promise<CaseState> {
    return caseOf(this.store, id);
  }

  async comments(id: string): Promise<{ commented_at: string; author: string; text: string }[]> {
    const r = await this.store.db.runAndReadAll(
      'SELECT commented_at, author, text FROM case_comments WHERE finding_id = $f ORDER BY commented_at',
      { f: id },
    );
    return r.getRowObjectsJson() as unknown as { commented_at: string; author: string; text: string }[];
  }

  /** The bundle rows an evidence line cites (table and key), from the snapshot of the run. */
  async evidenceRows(snapshotId: string, e: Evidence): Promise<Record<string, unknown>[]> {
    const def = TABLES.find((t) => t.name === (e.table as TableName));
    if (!def) return [];
    const columns = Object.keys(def.schema.shape);
    const pairs = e.key
      .split(', ')
      .map((part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)] as const)
      .filter(([c, v]) => columns.includes(c) && v !== '');
    if (pairs.length === 0) return [];
    const select = columns
      .map((c) => {
        const sql = columnMeta(def.schema.shape[c] as z.ZodType).sql;
        return sql === 'DATE'
          ? `strftime("${c}", '%Y-%m-%d') AS "${c}"`
          : `CAST("${c}" AS VARCHAR) AS "${c}"`;
      })
      .join(', ');
    const where = pairs.map(([c], i) => `CAST("${c}" AS VARCHAR) = $v${i}`).join(' AND ');
    const params: Record<string, string> = { s: snapshotId };
    pairs.forEach(([, v], i) => {
      params[`v${i}`] = v;
    });
    const r = await this.store.db.runAndReadAll(
      `SELECT ${select} FROM "${def.name}" WHERE snapshot_id = $s AND ${where} LIMIT 20`,
      params,
    );
    return r.getRowObjectsJson();
  }
}

export interface FindingsQuery {
  code?: FindingCode;
  severity?: Severity;
  status?: CaseStatus;
  account?: string;
  staff?: string;
  jurisdiction?: string;
  period?: string;
  text?: string;
  sort: 'severity' | 'period_from' | 'revenue_at_stake' | 'code' | 'account_id';
  order: 'asc' | 'desc';
  page: number;
  page_size: number;
}

const severityRank = (f: Finding) => SEVERITIES.indexOf(f.severity);

export async function latestOrEmpty(ws: Workspace) {
  const latest = await ws.latest();
  if (!latest) throw new HttpError(404, 'nothing has been audited yet');
  return latest;
}

export async function mustExist(ws: Workspace, id: string): Promise<Finding> {
  const f = (await latestOrEmpty(ws)).findings.find((x) => x.id === id);
  if (!f) throw new HttpError(404, `no finding ${id} in the newest run`);
  return f;
}

export async function listFindings(ws: Workspace, q: FindingsQuery) {
  const { findings } = await latestOrEmpty(ws);
  const cases = await ws.cases();
  const statusOf = (f: Finding) => cases.get(f.id)?.status ?? 'open';
  const text = q.text?.toLowerCase();
  const selected = findings.filter(
    (f) =>
      (!q.code || f.code === q.code) &&
      (!q.severity || f.severity === q.severity) &&
      (!q.status || statusOf(f) === q.status) &&
      (!q.account || f.account_id === q.account) &&
      (!q.staff || f.staff_id === q.staff) &&
      (!q.jurisdiction || f.jurisdiction === q.jurisdiction) &&
      (!q.period || (f.period_from <= q.period && q.period <= f.period_to)) &&
      (!text || f.summary.toLowerCase().includes(text) || f.id.includes(text)),
  );
  const key: Record<typeof q.sort, (f: Finding) => string | number | bigint> = {
    severity: severityRank,
    period_from: (f) => f.period_from,
    revenue_at_stake: (f) => parseMoney(f.revenue_at_stake),
    code: (f) => f.code,
    account_id: (f) => f.account_id ?? f.staff_id ?? '',
  };
  const dir = q.order === 'asc' ? 1 : -1;
  const keys = new Map(selected.map((f) => [f, key[q.sort](f)]));
  selected.sort((a, b) => {
    const x = keys.get(a)!;
    const y = keys.get(b)!;
    return (x < y ? -1 : x > y ? 1 : 0) * dir || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });
  const count = (field: (f: Finding) => string) =>
    selected.reduce<Record<string, number>>((acc, f) => {
      acc[field(f)] = (acc[field(f)] ?? 0) + 1;
      return acc;
    }, {});
  const start = (q.page - 1) * q.page_size;
  return {
    total: selected.length,
    page: q.page,
    page_size: q.page_size,
    counts: { code: count((f) => f.code), severity: count((f) => f.severity), status: count(statusOf) },
    items: selected
      .slice(start, start + q.page_size)
      .map((f) => ({ ...f, case: cases.get(f.id) ?? { status: 'open' } })),
  };
}

export async function findingDetail(ws: Workspace, id: string) {
  const latest = await latestOrEmpty(ws);
  const finding = await mustExist(ws, id);
  const evidence = [];
  for (const e of finding.evidence)
    evidence.push({ ...e, rows: await ws.evidenceRows(latest.snapshotId, e) });
  return { finding: { ...finding, evidence }, case: await ws.caseOf(id), comments: await ws.comments(id) };
}

export async function accountDetail(ws: Workspace, id: string) {
  const latest = await latestOrEmpty(ws);
  const rows = (table: string) =>
    ws.evidenceRows(latest.snapshotId, { table, key: `account_id=${id}`, fact: '' });
  const [account] = await rows('accounts');
  if (!account) throw new HttpError(404, `no account ${id}`);
  const revenue = await ws.store.db.runAndReadAll(
    'SELECT period, CAST(SUM(net_amount) AS VARCHAR) AS amount FROM invoices WHERE snapshot_id = $s AND account_id = $a GROUP BY period ORDER BY period',
    { s: latest.snapshotId, a: id },
  );
  const byDate = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    String(a.valid_from ?? a.occurred_at).localeCompare(String(b.valid_from ?? b.occurred_at));
  return {
    account,
    billing_addresses: (await rows('billing_addresses')).sort(byDate),
    ownership: (await rows('ownership')).sort(byDate),
    transfer_requests: (await rows('transfer_requests')).sort((a, b) =>
      String(a.requested_at).localeCompare(String(b.requested_at)),
    ),
    payment_methods: (await rows('payment_methods')).sort(byDate),
    activities: (await rows('activities')).sort(byDate),
    deals: await rows('deals'),
    nexus: await accountNexus(ws.store, latest.snapshotId, id, await runSettings(ws.store, latest.runId)),
    findings: latest.findings.filter((f) => f.account_id === id),
    verdicts: (
      await ws.store.db.runAndReadAll(
        'SELECT period, jurisdiction, activity, strength, nexus, rules FROM run_verdicts WHERE run_id = $r AND account_id = $a ORDER BY period, jurisdiction, activity',
        { r: latest.runId, a: id },
      )
    ).getRowObjectsJson(),
    revenue_by_month: revenue.getRowObjectsJson(),
  };
}

async function runSettings(store: Store, runId: string): Promise<Record<string, unknown>> {
  const r = await store.db.runAndReadAll('SELECT settings FROM audit_runs WHERE run_id = $r', { r: runId });
  return JSON.parse(String(r.getRowObjectsJson()[0]?.settings ?? '{}')) as Record<string, unknown>;
}
