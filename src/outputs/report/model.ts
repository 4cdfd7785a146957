import { type Finding, SEVERITIES } from '../../contract/finding.ts';
import { type Cents, formatMoney, parseMoney } from '../../contract/money.ts';
import { BASES } from '../../contract/tables.ts';
import type { AuditResult } from '../../engine/audit.ts';
import type { ReplayedEvent, ReplaySummary } from '../../engine/decisions/replay.ts';
import { FINDING_CODES } from '../../engine/findings/registry.ts';

/** What the report shows, as plain data (money as decimal strings), separate from how it is drawn. */
export interface ReportModel {
  title: string;
  asOf: string;
  homeCountry: string;
  currency: string;
  rulebookVersion: string;
  headline: { revenue: string; atStake: string; findings: number; high: number; prohibitedShare: string };
  regions: { region: string; depth: number; jurisdiction: boolean; byBasis: Record<string, string> }[];
  sankey: { nodes: string[]; links: { source: string; target: string; value: string }[] };
  segments: { periods: string[]; series: Record<string, string[]>; prohibitedShare: string[] };
  findingCounts: { code: string; bySeverity: Record<string, number>; atStake: string }[];
  findings: Finding[];
  findingsShown: number;
  rules: {
    id: string;
    jurisdiction: string;
    activity: string;
    status: string;
    from: string;
    /** Exclusive: the day the rule no longer applies. */
    to: string;
    instrument: string;
    titleEn: string;
    issuers: string;
    conditions: string;
    notes: string;
  }[];
  /** Accounts whose names hold words an instrument bars from business names. */
  nameIndicators: { account_id: string; fact: string }[];
  /** Network signals per account and month (telemetry), newest first, capped like the findings. */
  signals: {
    account_id: string;
    period: string;
    signal: string;
    network: string | null;
    strength: string;
    records: number;
    rests_on: string;
  }[];
  /** A replay of the history through the decision gate, when one was made (`daylight replay`). */
  replay?: { summary: ReplaySummary; notable: ReplayedEvent[] };
}

const MAX_FINDINGS_SHOWN = 500;

/** A share in per cent to one decimal, rounded half away from zero (2.576 % → 2.6), never truncated. */
export function pct(part: Cents, whole: Cents): string {
  if (whole === 0n) return '0.0';
  const negative = part < 0n !== whole < 0n && part !== 0n;
  const p = part < 0n ? -part : part;
  const w = whole < 0n ? -whole : whole;
  const tenths = (p * 2000n + w) / (2n * w);
  return `${negative ? '-' : ''}${tenths / 10n}.${tenths % 10n}`;
}

export function reportModel(result: AuditResult, title: string): ReportModel {
  const { world } = result.context;
  const facts = world.facts;
  const total = facts.invoiceTotals.total();
  const prohibited = result.segments.reduce((s, c) => s + c.prohibited, 0n);
  const atStake = result.distinctAtStake;

  // Totals per region over all periods, in tree order.
  const byRegion = new Map<string, Map<string, Cents>>();
  for (const c of result.revenue) {
    const m = byRegion.get(c.region) ?? new Map<string, Cents>();
    m.set(c.basis, (m.get(c.basis) ?? 0n) + c.amount);
    byRegion.set(c.region, m);
  }
  const regions: ReportModel['regions'] = [];
  const children = new Map<string, string[]>();
  for (const id of world.regions.ids()) {
    const parent = world.regions.parentOf(id);
    if (parent !== null) children.set(parent, [...(children.get(parent) ?? []), id].sort());
  }
  const jurisdictions = new Set(world.regions.jurisdictionRegions());
  const walk = (id: string, depth: number) => {
    const m = byRegion.get(id);
    if (m)
      regions.push({
        region: id,
        depth,
        jurisdiction: jurisdictions.has(id),
        byBasis: Object.fromEntries(BASES.map((b) => [b, formatMoney(m.get(b) ?? 0n)])),
      });
    for (const c of children.get(id) ?? []) walk(c, depth + 1);
  };
  walk(world.regions.root, 0);

  const links = sankeyLinks(result);
  const nodes = [...new Set(links.flatMap((l) => [l.source, l.target]))];

  const periods = [...new Set(result.segments.map((s) => s.period))].sort();
  const series: Record<string, string[]> = {};
  const perPeriod = new Map<string, { total: Cents; prohibited: Cents }>();
  for (const s of result.segments) {
    series[s.segment] ??= periods.map(() => '0.00');
    series[s.segment]![periods.indexOf(s.period)] = formatMoney(s.amount);
    const p = perPeriod.get(s.period) ?? { total: 0n, prohibited: 0n };
    p.total += s.amount;
    p.prohibited += s.prohibited;
    perPeriod.set(s.period, p);
  }

  const findingCounts = FINDING_CODES.map((code) => {
    const list = result.findings.filter((f) => f.code === code);
    return {
      code,
      bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, list.filter((f) => f.severity === s).length])),
      atStake: formatMoney(list.reduce((s, f) => s + parseMoney(f.revenue_at_stake), 0n)),
    };
  });

  return {
    title,
    asOf: facts.asOf,
    homeCountry: facts.homeCountry,
    currency: facts.currency,
    rulebookVersion: result.rulebook.version,
    headline: {
      revenue: formatMoney(total),
      atStake: formatMoney(atStake),
      findings: result.findings.length,
      high: result.findings.filter((f) => f.severity === 'high').length,
      prohibitedShare: pct(prohibited, total),
    },
    regions,
    sankey: { nodes, links },
    segments: {
      periods,
      series,
      prohibitedShare: periods.map((p) => pct(perPeriod.get(p)!.prohibited, perPeriod.get(p)!.total)),
    },
    findingCounts,
    findings: result.findings.slice(0, MAX_FINDINGS_SHOWN),
    findingsShown: Math.min(MAX_FINDINGS_SHOWN, result.findings.length),
    signals: [...facts.networkSignals]
      .sort((a, b) => b.period.localeCompare(a.period) || a.account_id.localeCompare(b.account_id))
      .slice(0, MAX_FINDINGS_SHOWN)
      .map((x) => ({
        account_id: x.account_id,
        period: x.period,
        signal: x.signal,
        network: x.network,
        strength: x.strength,
        records: x.records,
        rests_on: x.rests_on.join('; '),
      })),
    rules: result.rulebook.inForce(facts.asOf).map((r) => ({
      id: r.id,
      jurisdiction: r.jurisdiction,
      activity: r.activity,
      status: r.status,
      from: r.from,
      to: r.to ?? '',
      instrument: `${r.instrumentInfo.number ?? ''} ${r.instrumentInfo.title}`.trim(),
      titleEn: r.instrumentInfo.title_en,
      issuers: [
        r.instrumentInfo.issuers.join(', '),
        r.instrumentInfo.regulator ? `administered by ${r.instrumentInfo.regulator}` : '',
      ]
        .filter(Boolean)
        .join('; '),
      conditions: r.conditions ?? '',
      notes: [
        r.instrumentInfo.superseded_by
          ? `replaced by ${r.instrumentInfo.superseded_by} on ${r.instrumentInfo.superseded_on}`
          : '',
        r.instrumentInfo.notes ?? '',
      ]
        .filter(Boolean)
        .join(' '),
    })),
    nameIndicators: result.context.names
      .all()
      .flatMap(([account_id, evidence]) => evidence.map((e) => ({ account_id, fact: e.fact }))),
  };
}

/** The Sankey's flows as the report and the workspace show them (money as decimal text). */
export const sankeyLinks = (result: AuditResult) =>
  result.flows.map((f) => ({ source: f.source, target: f.target, value: formatMoney(f.amount) }));
