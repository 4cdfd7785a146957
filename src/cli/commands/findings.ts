import type { Command } from 'commander';
import type { Finding } from '../../contract/finding.ts';
import { groupedMoney } from '../../contract/money.ts';
import { severityColour } from '../ui.ts';
import { latestFindings, pickSnapshot, storeOption, withStore } from './shared.ts';

interface FindingsOptions {
  store: string;
  snapshot?: string;
  code?: string;
  severity?: string;
  account?: string;
  staff?: string;
  json?: boolean;
}

export function registerFindings(program: Command): void {
  storeOption(
    program
      .command('findings')
      .description('List the findings of the newest audit run of a snapshot')
      .option('--snapshot <id>', 'snapshot (default: the newest)')
      .option('--code <code>', 'only this finding code')
      .option('--severity <level>', 'only this severity (high, medium, low)')
      .option('--account <id>', 'only this account')
      .option('--staff <id>', 'only this staff member')
      .option('--json', 'one JSON finding per line'),
  ).action(async (opts: FindingsOptions) => {
    const findings = await withStore(opts.store, async (store) => {
      const snapshot = await pickSnapshot(store, opts.snapshot);
      const found = await latestFindings(store, snapshot);
      if (found === null)
        throw new Error(`snapshot ${snapshot} has not been audited yet: run daylight audit BUNDLE --out DIR`);
      return found;
    });
    const selected = findings.filter(
      (f: Finding) =>
        (!opts.code || f.code === opts.code) &&
        (!opts.severity || f.severity === opts.severity) &&
        (!opts.account || f.account_id === opts.account) &&
        (!opts.staff || f.staff_id === opts.staff),
    );
    if (opts.json) {
      process.stdout.write(selected.map((f) => `${JSON.stringify(f)}\n`).join(''));
      return;
    }
    for (const f of selected)
      process.stdout.write(
        `${severityColour(f.severity).padEnd(6)} ${f.code.padEnd(30)} ${(f.account_id ?? f.staff_id ?? f.region_id ?? '').padEnd(12)} ${f.period_from}…${f.period_to} ${groupedMoney(f.revenue_at_stake).padStart(16)}  ${f.id}\n    ${f.summary}\n`,
      );
    process.stdout.write(`${selected.length} finding(s)\n`);
  });
}
