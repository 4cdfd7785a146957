import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { formatMoney } from '../contract/money.ts';
import type { AuditResult } from '../engine/audit.ts';
import { toCsv } from './csv.ts';
import { sankeyLinks } from './report/model.ts';

/** The run's tables as rows of plain values (money as exact decimal text). */
export function outputTables(result: AuditResult): Record<string, Record<string, string | boolean>[]> {
  return {
    revenue: result.revenue.map((c) => ({
      basis: c.basis,
      period: c.period,
      region_id: c.region,
      amount: formatMoney(c.amount),
    })),
    segments: result.segments.map((s) => ({
      period: s.period,
      segment: s.segment,
      amount: formatMoney(s.amount),
      prohibited_amount: formatMoney(s.prohibited),
    })),
    reconciliation: result.reconciliation.map((r) => ({
      basis: r.row.basis,
      period: r.row.period,
      region_id: r.row.region_id,
      reported: formatMoney(r.row.amount),
      computed: formatMoney(r.computed),
      difference: formatMoney(r.difference),
      within_tolerance: r.withinTolerance,
      matching_bases: r.matchingBases.join(' '),
    })),
    sankey: sankeyLinks(result),
  };
}

/**
 * findings.md section 7: findings.ndjson, revenue.csv, segments.csv and reconciliation.csv. `findingLines`: the
 * findings as JSON, when the caller has them already (the run's record stores the same lines; 167 MB at XL).
 */
export function writeAuditFiles(
  result: AuditResult,
  dir: string,
  findingLines: readonly string[] = result.findings.map((f) => JSON.stringify(f)),
): string[] {
  mkdirSync(dir, { recursive: true });
  writeLines(join(dir, 'findings.ndjson'), findingLines);
  const files: [string, string][] = [
    [
      'revenue.csv',
      toCsv(
        ['basis', 'period', 'region_id', 'amount'],
        result.revenue.map((c) => [c.basis, c.period, c.region, formatMoney(c.amount)]),
      ),
    ],
    [
      'segments.csv',
      toCsv(
        ['period', 'segment', 'amount', 'prohibited_amount'],
        result.segments.map((s) => [s.period, s.segment, formatMoney(s.amount), formatMoney(s.prohibited)]),
      ),
    ],
    [
      'reconciliation.csv',
      toCsv(
        ['basis', 'period', 'region_id', 'reported', 'computed', 'difference', 'within_tolerance'],
        result.reconciliation.map((r) => [
          r.row.basis,
          r.row.period,
          r.row.region_id,
          formatMoney(r.row.amount),
          formatMoney(r.computed),
          formatMoney(r.difference),
          r.withinTolerance,
        ]),
      ),
    ],
  ];
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  return [join(dir, 'findings.ndjson'), ...files.map(([name]) => join(dir, name))];
}

/** Lines written a thousand at a time, each ended by '\n' (not first joined into one string: 167 MB at XL). */
function writeLines(path: string, lines: readonly string[]): void {
  const fd = openSync(path, 'w');
  try {
    for (let i = 0; i < lines.length; i += 1000) writeSync(fd, `${lines.slice(i, i + 1000).join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
}
