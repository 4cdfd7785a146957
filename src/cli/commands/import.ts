import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { type ImportMap, importMapSchema } from '../../contract/import-map.ts';
import { groupedMoney } from '../../contract/money.ts';
import { CUR, FOCUS } from '../../ingest/exports/billing-formats.ts';
import { BundleError } from '../../ingest/problems.ts';
import { importBilling } from '../../usecases/import-billing.ts';
import { importCrm } from '../../usecases/import-crm.ts';
import { bold, dim } from '../ui.ts';
import { printJson } from './shared.ts';

const KINDS = ['focus', 'cur', 'salesforce', 'workday'] as const;

function readMap(path?: string): ImportMap {
  if (!path) return importMapSchema.parse({});
  if (!existsSync(path)) throw new BundleError([{ file: path, message: 'no such mapping file' }]);
  const parsed = importMapSchema.safeParse(parse(readFileSync(path, 'utf8')) ?? {});
  if (parsed.success) return parsed.data;
  throw new BundleError(
    parsed.error.issues.map((i) => ({ file: path, column: i.path.join('.'), message: i.message })),
  );
}

/** An exact sum as DuckDB writes it (18 decimals) without the zeros after the cents. */
const exact = (sum: string) => sum.replace(/(\.\d\d\d*?)0+$/, '$1');

export function registerImport(program: Command): void {
  program
    .command('import')
    .description(
      'Turn real exports into a bundle: FOCUS or AWS CUR billing, Salesforce CRM objects, a Workday worker export',
    )
    .argument('<kind>', KINDS.join(', '))
    .argument('<sources...>', 'files or folders (CSV, gzipped CSV or Parquet; a folder is searched)')
    .requiredOption('--out <bundle>', 'the bundle folder to write (or add) tables to')
    .option(
      '--map <mapping.yaml>',
      'how names become ids: sellers, accounts, territories, teams, users, companies…',
    )
    .option(
      '--account-level <level>',
      'which account a billing line belongs to: billing or sub (FOCUS), usage or payer (CUR)',
    )
    .option('--json', 'print the import report as JSON')
    .action(
      async (
        kind: string,
        sources: string[],
        opts: { out: string; map?: string; accountLevel?: string; json?: boolean },
      ) => {
        if (!(KINDS as readonly string[]).includes(kind))
          throw new Error(`the kind must be one of ${KINDS.join(', ')}`);
        const levels: Record<string, string[]> = { focus: ['billing', 'sub'], cur: ['usage', 'payer'] };
        if (opts.accountLevel && !levels[kind]?.includes(opts.accountLevel))
          throw new Error(
            levels[kind]
              ? `--account-level for ${kind} is ${levels[kind].join(' or ')}`
              : `--account-level is for billing exports (focus, cur)`,
          );
        const map = readMap(opts.map);
        mkdirSync(opts.out, { recursive: true });
        const report =
          kind === 'focus' || kind === 'cur'
            ? await importBilling(kind === 'focus' ? FOCUS : CUR, sources, opts.out, {
                map,
                accountLevel: opts.accountLevel,
              })
            : await importCrm(kind as 'salesforce' | 'workday', sources, opts.out, map);
        if (opts.json) return printJson(report);
        process.stdout.write(`${bold(`imported ${kind}`)} into ${opts.out} (report: import-report.json)\n`);
        if ('periods' in report)
          for (const p of report.periods)
            process.stdout.write(
              `  ${p.period}: ${p.rows.toLocaleString('en')} rows, net ${groupedMoney(p.bundle_net)}${dim(` (source ${exact(p.source_net)}, residue ${exact(p.residue)}, tax ${exact(p.source_tax)})`)}\n`,
            );
        if ('tables' in report)
          for (const [table, n] of Object.entries(report.tables))
            process.stdout.write(`  ${table}: ${n} row(s)\n`);
        for (const warning of report.warnings ?? []) process.stdout.write(dim(`  note: ${warning}\n`));
      },
    );
}
