import type { Evidence, Finding, Severity } from '../../contract/finding.ts';
import { SEVERITIES } from '../../contract/finding.ts';
import { bundleMetaSchema } from '../../contract/meta.ts';
import { parseMoney } from '../../contract/money.ts';
import type { CaseStatus } from '../../contract/names.ts';
import { TABLES, type TableName } from '../../contract/tables.ts';
import type { CaseState, RunInfo } from '../../contract/workspace.ts';
import { FINDING_CODES, type FindingCode } from '../../engine/findings/registry.ts';
import type { Rulebook } from '../../engine/rulebook/rulebook.ts';
import type { World } from '../../engine/world.ts';
import type { Store } from '../../store/store.ts';
import { creditingWorld } from '../../usecases/explain.ts';
import { HttpError } from '../api/http.ts';
import { accountNexus } from './account-nexus.ts';
import { caseOf } from './cases.ts';

export interface LatestRun {
  runId: string;
  snapshotId: string;
  asOf: string;
  findings: Finding[];
}

/** Read models of the workspace over the store: the newest run's findings with their cases, evidence rows. */
export class Workspace {
  private cache: { runId: string; findings: Finding[] } | null = null;
  /** What the store held when last read; the server forgets it after every write (it is the store's only writer). */
  private known: { run?: Promise<RunInfo | null>; cases?: Promise<Map<string, CaseState>> } = {};

  constructor(
    readonly store: Store,
    readonly rulebook: Rulebook,
  ) {}

  /** Forget what was read: the store has been written to. */
  changed(): void {
    this.known = {};
  }

  private world: { snapshotId: string; world: Promise<World> } | null = null;

  /** What crediting needs of the newest run's snapshot, read once and kept (one snapshot at a time). */
  creditingWorld(latest: LatestRun): Promise<World> {
    if (this.world?.snapshotId !== latest.snapshotId) {
      const world = creditingWorld(this.store.snapshots, latest.snapshotId, latest.asOf);
      world.catch(() => {
        this.world = null;
      });
      this.world = { snapshotId: latest.snapshotId, world };
    }
    return this.world.world;
  }

  async latest(): Promise<LatestRun | null> {
    this.known.run ??= this.store.runs.latest().catch((e) => {
      this.known.run = undefined;
      throw e;
    });
    const run = await this.known.run;
    if (!run) return null;
    if (this.cache?.runId !== run.run_id)
      this.cache = { runId: run.run_id, findings: await this.store.runs.findings(run.run_id) };
    return { runId: run.run_id, snapshotId: run.snapshot_id, asOf: run.as_of, findings: this.cache.findings };
  }

  cases(): Promise<Map<string, CaseState>> {
    this.known.cases ??= this.store.cases
      .all()
      .then((all) => new Map(all.map((c) => [c.finding_id, c])))
      .catch((e) => {
        this.known.cases = undefined;
        throw e;
      });
    return this.known.cases;
  }

  /** The bundle rows an evidence line cites (table and `column=value` key), from the snapshot of the run. */
  evidenceRows(snapshotId: string, e: Evidence): Promise<Record<string, unknown>[]> {
    if (!TABLES.some((t) => t.name === e.table)) return Promise.resolve([]);
    const pairs = e.key
      .split(', ')
      .map(
        (part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)] as [string, string],
      )
      .filter(([, v]) => v !== '');
    return this.store.snapshots.citedRows(snapshotId, e.table as TableName, pairs);
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

export async function latestOrEmpty(ws: Workspace): Promise<LatestRun> {
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
  // Money parsed once per finding, not once per comparison (a sort compares n log n times).
  const stake = new Map(selected.map((f) => [f, parseMoney(f.revenue_at_stake)]));
  const key: Record<typeof q.sort, (f: Finding) => string | number | bigint> = {
    severity: severityRank,
    period_from: (f) => f.period_from,
    revenue_at_stake: (f) => stake.get(f)!,
    code: (f) => f.code,
    account_id: (f) => f.account_id ?? f.staff_id ?? '',
  };
  const dir = q.order === 'asc' ? 1 : -1;
  const keys = new Map(selected.map((f) => [f, key[q.sort](f)]));
  selected.sort((a, b) => {
    const x = keys.get(a)!;
    const y = keys.get(b)!;
    // Ties (the same severity) put the most money at stake first.
    const stakeA = stake.get(a)!;
    const stakeB = stake.get(b)!;
    return (
      (x < y ? -1 : x > y ? 1 : 0) * dir ||
      (stakeA > stakeB ? -1 : stakeA < stakeB ? 1 : 0) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
    );
  });
  const count = (field: (f: Finding) => string) =>
    selected.reduce<Record<string, number>>((acc, f) => {
      acc[field(f)] = (acc[field(f)] ?? 0) + 1;
      return acc;
    }, {});
  const start = (q.page - 1) * q.page_size;
  return {
    total: selected.length,
    codes: [...FINDING_CODES],
    page: q.page,
    page_size: q.page_size,
    counts: { code: count((f) => f.code), severity: count((f) => f.severity), status: count(statusOf) },
    items: selected
      .slice(start, start + q.page_size)
      .map((f) => ({ ...f, case: cases.get(f.id) ?? { status: 'open' as const } })),
  };
}

export async function findingDetail(ws: Workspace, id: string) {
  const latest = await latestOrEmpty(ws);
  const finding = await mustExist(ws, id);
  // Asked together: the store answers one after another, but no answer waits for this side to ask.
  const [evidence, state, comments] = await Promise.all([
    Promise.all(
      finding.evidence.map(async (e) => ({ ...e, rows: await ws.evidenceRows(latest.snapshotId, e) })),
    ),
    caseOf(ws.store, id),
    ws.store.cases.comments(id),
  ]);
  return { finding: { ...finding, evidence }, case: state, comments };
}

export async function accountDetail(ws: Workspace, id: string) {
  const latest = await latestOrEmpty(ws);
  const rows = (table: string) =>
    ws.evidenceRows(latest.snapshotId, { table, key: `account_id=${id}`, fact: '' });
  const [account] = await rows('accounts');
  if (!account) throw new HttpError(404, `no account ${id}`);
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
    nexus: await accountNexus(
      ws.store.snapshots,
      ws.rulebook,
      {
        snapshotId: latest.snapshotId,
        asOf: latest.asOf,
        settings: await ws.store.runs.settings(latest.runId),
      },
      id,
    ),
    findings: latest.findings.filter((f) => f.account_id === id),
    verdicts: await ws.store.runs.verdictsOf(latest.runId, id),
    revenue_by_month: await ws.store.snapshots.revenueByMonth(
      latest.snapshotId,
      id,
      bundleMetaSchema.parse(JSON.parse((await ws.store.snapshots.get(latest.snapshotId))!.meta)).currency,
    ),
  };
}
