import type { Command } from 'commander';
import { type Decision, PROPOSAL_KINDS, proposalSchema } from '../../contract/decision.ts';
import { actor } from '../../usecases/actor.ts';
import { DecisionGate } from '../../usecases/decisions.ts';
import { replayBundle } from '../../usecases/replay.ts';
import { bold, dim, Progress, red } from '../ui.ts';
import { collectSetting, pickSnapshot, printJson, storeOption, withStore } from './shared.ts';

interface DecideOptions {
  store: string;
  kind: string;
  account: string;
  by: string;
  at: string;
  country?: string;
  city?: string;
  postalCode?: string;
  line1?: string;
  toTeam?: string;
  toOwner?: string;
  deal?: string;
  discountPct?: string;
  agent?: string;
  validTo?: string;
  idempotencyKey?: string;
  json?: boolean;
}

/** The proposal the options describe (the contract's schema checks it). */
function proposalOf(o: DecideOptions) {
  const base = { kind: o.kind, account_id: o.account, by: o.by, at: o.at };
  const defined = (r: Record<string, string | undefined>) =>
    Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));
  if (o.kind === 'address-change')
    return {
      ...base,
      address: defined({ country: o.country, city: o.city, postal_code: o.postalCode, line1: o.line1 }),
    };
  if (o.kind === 'transfer') return { ...base, to_team_id: o.toTeam, to_owner_staff_id: o.toOwner };
  return {
    ...base,
    deal: defined({ deal_id: o.deal, discount_pct: o.discountPct, agent_id: o.agent, valid_to: o.validTo }),
  };
}

function printDecision(d: Decision): void {
  const colour = d.decision === 'allow' ? (s: string) => s : d.decision === 'deny' ? red : bold;
  const lines = [`${colour(d.decision.toUpperCase())} ${dim(`(${d.id}, snapshot ${d.snapshot_id})`)}`];
  for (const r of d.reasons) {
    lines.push(`  ${r.severity} ${r.code}: ${r.text}`, dim(`    rule ${r.rule}`));
    for (const e of r.evidence) lines.push(dim(`    ${e.table} [${e.key}]: ${e.fact}`));
  }
  if (!d.reasons.length) lines.push(dim('  the change raises no finding'));
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function registerDecide(program: Command): void {
  storeOption(
    program
      .command('decide')
      .description(
        'Ask before an address change, a transfer or a discount takes effect: allow, review or deny, judged on the latest snapshot',
      )
      .requiredOption('--kind <kind>', PROPOSAL_KINDS.join(' | '))
      .requiredOption('--account <id>', 'the account')
      .requiredOption('--by <staff id>', 'who would make the change')
      .requiredOption('--at <YYYY-MM-DD>', 'the day it would take effect')
      .option('--country <CC>', 'address-change: the new billing country')
      .option('--city <name>', 'address-change: city')
      .option('--postal-code <code>', 'address-change: postal code')
      .option('--line1 <text>', 'address-change: street line')
      .option('--to-team <id>', 'transfer: the receiving team')
      .option('--to-owner <staff id>', 'transfer: the new owner')
      .option('--deal <id>', 'discount: the deal')
      .option('--discount-pct <pct>', 'discount: the discount in percent')
      .option('--agent <id>', 'discount: the agent it goes through')
      .option('--valid-to <YYYY-MM-DD>', 'discount: the day it ends')
      .option('--idempotency-key <key>', 'a retry with the same key gets the same decision')
      .option('--json', 'print the decision as JSON'),
  ).action(async (opts: DecideOptions) => {
    const proposal = proposalSchema.parse(proposalOf(opts));
    const decision = await withStore(opts.store, async (store) => {
      // The same journal as `daylight serve`: what a stopped server left in it is stored first.
      const gate = new DecisionGate(store, { journal: `${store.path}.decisions-journal` });
      try {
        return await gate.decide(proposal, actor(), opts.idempotencyKey);
      } finally {
        await gate.close();
      }
    });
    if (opts.json) return printJson(decision);
    printDecision(decision);
  });
}

export function registerReplay(program: Command): void {
  storeOption(
    program
      .command('replay')
      .description(
        "Walk a bundle's history in time order, ask the decision gate at every address change, transfer and deal on what was known the day before, and count what it would have stopped and what it would have held up",
      )
      .argument('[bundle]', 'bundle folder (or --snapshot)')
      .option('--snapshot <id>', 'replay a stored snapshot (an id, a prefix of one, or latest)')
      .requiredOption(
        '--out <dir>',
        'folder for decisions.ndjson, replay-summary.json and the audit (audit/)',
      )
      .option(
        '--set <name=value>',
        'override a setting (repeatable), e.g. decision_deny_at=medium',
        collectSetting,
        {},
      )
      .option('--json', 'print the summary as JSON'),
  ).action(
    async (
      bundle: string | undefined,
      opts: { store: string; snapshot?: string; out: string; set: Record<string, unknown>; json?: boolean },
    ) => {
      if ((bundle === undefined) === (opts.snapshot === undefined))
        throw new Error('give a bundle folder or --snapshot ID|latest, not both');
      const progress = new Progress(18, opts.json);
      const { record, files } = await withStore(opts.store, async (store) =>
        replayBundle(store, bundle, opts.out, {
          snapshotId: opts.snapshot
            ? await pickSnapshot(store, opts.snapshot === 'latest' ? undefined : opts.snapshot)
            : undefined,
          overrides: opts.set,
          onStep: (s) => progress.step(s),
          onEvent: (done, total) => {
            if (done % 50 === 0) progress.detail(`replaying: event ${done} of ${total}`);
          },
        }),
      );
      const seconds = progress.done();
      if (opts.json) return printJson({ ...record, notable: record.notable.length, seconds, files });
      const s = record.summary;
      process.stdout.write(
        `${[
          bold(`Replayed ${s.events} events of snapshot ${record.snapshot_id} in ${seconds} s`),
          `  later findings: ${s.flagged.total} events; the gate would have denied ${s.flagged.deny}, sent ${s.flagged.review} to review, allowed ${s.flagged.allow}`,
          `  ordinary: ${s.ordinary.total} events; ${s.ordinary.held} held up (${s.ordinary.heldPct} %)`,
          dim(`  ${files.slice(0, 2).join(', ')}; report ${opts.out}/audit/report.html`),
        ].join('\n')}\n`,
      );
    },
  );
}
