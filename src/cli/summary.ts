import { SEVERITIES } from '../contract/finding.ts';
import { formatMoney, groupedMoney, parseMoney } from '../contract/money.ts';
import { FINDING_CODES } from '../engine/findings/registry.ts';
import type { AuditRun } from '../usecases/audit-bundle.ts';
import { bold, dim, severityColour } from './ui.ts';

export function printSummary(run: AuditRun, seconds: number): void {
  const { result } = run;
  const out: string[] = [];
  const total = result.context.world.facts.invoiceTotals.total();
  out.push(
    bold(`Daylight audit of snapshot ${run.snapshotId}`) +
      dim(` (${seconds.toFixed(1)} s${run.created ? ', newly ingested' : ''})`),
  );
  out.push(
    `net revenue ${groupedMoney(formatMoney(total))} ${result.context.world.facts.currency}, as of ${result.context.world.facts.asOf}`,
  );
  out.push('');
  out.push(bold('findings'));
  for (const code of FINDING_CODES) {
    const list = result.findings.filter((f) => f.code === code);
    if (list.length === 0) continue;
    const bySeverity = SEVERITIES.map((s) => [s, list.filter((f) => f.severity === s).length] as const)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${severityColour(s)}`)
      .join(', ');
    const stake = list.reduce((s, f) => s + parseMoney(f.revenue_at_stake), 0n);
    out.push(
      `  ${code.padEnd(32)} ${String(list.length).padStart(5)}  (${bySeverity}); at stake ${groupedMoney(formatMoney(stake))}`,
    );
  }
  if (result.findings.length === 0) out.push('  none');
  out.push('');
  out.push(bold('files'));
  for (const f of run.files) out.push(`  ${f}`);
  process.stdout.write(`${out.join('\n')}\n`);
}
