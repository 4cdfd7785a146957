import type { Command } from 'commander';
import { actor } from '../../usecases/actor.ts';
import {
  approveDismissal,
  type CaseRow,
  caseOf,
  casesOf,
  changeCase,
  commentCase,
  rejectDismissal,
} from '../../workspace/usecases/cases.ts';
import { bold, dim, severityColour } from '../ui.ts';
import { latestFindings, pickSnapshot, printJson, storeOption, withStore } from './shared.ts';

export function registerCases(program: Command): void {
  const kase = program
    .command('case')
    .description('Triage a finding: status, assignee, comments (every change goes to the ledger)');
  storeOption(
    kase
      .command('set')
      .description(
        "Change a finding's case: open → investigating → closed (confirmed | dismissed), or snoozed until a date",
      )
      .argument('<finding-id>', "the finding's stable id")
      .option('--status <status>', 'open, investigating, closed or snoozed')
      .option('--resolution <resolution>', 'confirmed or dismissed (when closing)')
      .option('--until <date>', 'snoozed until (YYYY-MM-DD)')
      .option('--assign <user>', 'assignee')
      .requiredOption('--why <text>', 'why (recorded in the ledger)')
      .option('--json', 'machine-readable output'),
  ).action(
    async (
      id: string,
      opts: {
        store: string;
        status?: string;
        resolution?: string;
        until?: string;
        assign?: string;
        why: string;
        json?: boolean;
      },
    ) => {
      const after = await withStore(opts.store, async (store) => {
        const run = await store.runs.latest();
        const finding = run ? (await store.runs.findings(run.run_id)).find((f) => f.id === id) : undefined;
        return changeCase(
          store,
          id,
          {
            status: opts.status,
            resolution: opts.resolution,
            snoozed_until: opts.until,
            assignee: opts.assign,
            why: opts.why,
          },
          actor(),
          finding,
        );
      });
      if (opts.json) return printJson(after);
      if (after.proposal) {
        process.stdout.write(
          `${id}: dismissal of a high finding proposed; a second person approves it (daylight case approve ${id} --why …)\n`,
        );
        return;
      }
      process.stdout.write(
        `${id}: ${after.status}${after.resolution ? ` (${after.resolution})` : ''}${after.assignee ? `, assigned to ${after.assignee}` : ''}\n`,
      );
    },
  );
  for (const decision of ['approve', 'reject'] as const)
    storeOption(
      kase
        .command(decision)
        .description(
          decision === 'approve'
            ? 'Approve a proposed dismissal of a high finding (not the one who proposed it)'
            : 'Reject a proposed dismissal, or withdraw your own',
        )
        .argument('<finding-id>')
        .requiredOption('--why <text>', 'why (recorded in the ledger)'),
    ).action(async (id: string, opts: { store: string; why: string }) => {
      const after = await withStore(opts.store, (store) =>
        (decision === 'approve' ? approveDismissal : rejectDismissal)(store, id, { why: opts.why }),
      );
      process.stdout.write(`${id}: ${after.status}${after.resolution ? ` (${after.resolution})` : ''}\n`);
    });
  storeOption(
    kase
      .command('comment')
      .description('Comment on a finding')
      .argument('<finding-id>')
      .requiredOption('--text <text>', 'the comment'),
  ).action(async (id: string, opts: { store: string; text: string }) => {
    await withStore(opts.store, (store) => commentCase(store, id, opts.text));
    process.stdout.write(`commented on ${id}\n`);
  });
  storeOption(
    kase
      .command('show')
      .description("A finding's case")
      .argument('<finding-id>')
      .option('--json', 'machine-readable output'),
  ).action(async (id: string, opts: { store: string; json?: boolean }) => {
    const state = await withStore(opts.store, (store) => caseOf(store, id));
    if (opts.json) return printJson(state);
    process.stdout.write(
      `${id}: ${state.status}${state.resolution ? ` (${state.resolution})` : ''}${state.snoozed_until ? ` until ${state.snoozed_until}` : ''}${state.assignee ? `, assigned to ${state.assignee}` : ''}\n`,
    );
  });

  storeOption(
    program
      .command('cases')
      .description(
        'The findings of the newest audit run with their cases, and cases whose finding disappeared',
      )
      .option('--snapshot <id>', 'snapshot (default: the newest)')
      .option('--status <status>', 'only this status')
      .option('--json', 'one JSON row per line'),
  ).action(async (opts: { store: string; snapshot?: string; status?: string; json?: boolean }) => {
    const rows = await withStore(opts.store, async (store) => {
      const snapshot = await pickSnapshot(store, opts.snapshot);
      return casesOf(store, (await latestFindings(store, snapshot)) ?? []);
    });
    const selected = rows.filter((r: CaseRow) => !opts.status || r.status === opts.status);
    if (opts.json) {
      process.stdout.write(selected.map((r) => `${JSON.stringify(r)}\n`).join(''));
      return;
    }
    for (const r of selected)
      process.stdout.write(
        `${r.finding_id}  ${bold(r.status.padEnd(13))} ${r.finding ? `${severityColour(r.finding.severity)} ${r.finding.code} ${r.finding.account_id ?? r.finding.staff_id ?? ''}` : dim('(finding disappeared from the newest run)')}\n`,
      );
    process.stdout.write(`${selected.length} case(s)\n`);
  });
}
