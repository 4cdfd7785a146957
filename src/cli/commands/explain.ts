import type { Command } from 'commander';
import { isPeriod, periodEnd } from '../../contract/dates.ts';
import { groupedMoney } from '../../contract/money.ts';
import { BASES, type Basis } from '../../contract/tables.ts';
import { creditingWorld, type Explanation, explainAccount, explainFigure } from '../../usecases/explain.ts';
import { bold, dim } from '../ui.ts';
import { pickSnapshot, printJson, storeOption, withStore } from './shared.ts';

interface ExplainOptions {
  store: string;
  snapshot?: string;
  basis?: string;
  period: string;
  region?: string;
  account?: string;
  limit: string;
  json?: boolean;
}

export function registerExplain(program: Command): void {
  storeOption(
    program
      .command('explain')
      .description(
        'Lineage of a figure (--basis --period --region) or of one account in one period (--account --period)',
      )
      .requiredOption('--period <YYYY-MM>', 'the period')
      .option('--basis <basis>', `one of ${BASES.join(', ')}`)
      .option('--region <id>', 'region of the figure')
      .option('--account <id>', 'an account instead of a figure')
      .option('--snapshot <id>', 'snapshot (default: the newest)')
      .option('--limit <n>', 'rows to print (text output)', '50')
      .option('--json', 'machine-readable output'),
  ).action(async (opts: ExplainOptions) => {
    if (!isPeriod(opts.period)) throw new Error(`--period must be YYYY-MM, got ${opts.period}`);
    const result = await withStore(opts.store, async (store) => {
      const snapshot = await pickSnapshot(store, opts.snapshot);
      const run = await store.runs.latest(snapshot);
      // Crediting looks at the end of each period; the export date only bounds periods, taken from the newest run.
      const world = await creditingWorld(store.snapshots, snapshot, run?.as_of ?? periodEnd(opts.period));
      if (opts.account) return explainAccount(store.snapshots, world, snapshot, opts.account, opts.period);
      if (!opts.basis || !BASES.includes(opts.basis as Basis) || !opts.region)
        throw new Error(`give --account, or --basis (${BASES.join(', ')}) and --region`);
      return explainFigure(store.snapshots, world, snapshot, {
        basis: opts.basis as Basis,
        period: opts.period,
        region: opts.region,
      });
    });
    if (opts.json) return printJson(result);
    printExplanation(result, Number(opts.limit));
  });
}

function printExplanation(e: Explanation, limit: number): void {
  const what = e.account_id ? `account ${e.account_id}` : `${e.basis} revenue of ${e.region}`;
  const lines = [
    bold(`${what} in ${e.period}: ${groupedMoney(e.amount)} from ${e.invoice_rows} invoice row(s)`) +
      dim(` (snapshot ${e.snapshot_id})`),
  ];
  for (const row of e.rows.slice(0, limit)) {
    lines.push(
      `  invoice ${row.invoice_id}  account ${row.account_id}  ${row.service}@${row.usage_region}  ${groupedMoney(row.net_amount)}`,
    );
    for (const c of row.credits) {
      lines.push(`    ${c.basis} → ${c.region}`);
      for (const l of c.lineage) lines.push(dim(`      ${l.table} [${l.key}]: ${l.fact}`));
    }
  }
  if (e.invoice_rows > Math.min(limit, e.rows.length))
    lines.push(dim(`  … ${e.invoice_rows - Math.min(limit, e.rows.length)} more (use --json or --limit)`));
  process.stdout.write(`${lines.join('\n')}\n`);
}
