import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DecisionSettings, decisionSettings } from '../engine/decisions/decide.ts';
import { type ReplaySummary, replay } from '../engine/decisions/replay.ts';
import type { Store } from '../store/store.ts';
import { auditBundle } from './audit-bundle.ts';
import { shippedRules } from './rules.ts';

/**
 * `daylight replay`: the bundle audited whole, then its history asked of the decision gate event by event on what
 * was known the day before; `decisions.ndjson` and `replay-summary.json` written to `outDir`.
 */
export async function replayBundle(
  store: Store,
  bundleDir: string,
  outDir: string,
  options: {
    decisions?: Partial<DecisionSettings>;
    onStep?: (step: string) => void;
    onEvent?: (done: number, total: number) => void;
  } = {},
): Promise<{ summary: ReplaySummary; files: string[] }> {
  const run = await auditBundle(store, bundleDir, { outDir: join(outDir, 'audit'), onStep: options.onStep });
  options.onStep?.('replaying the history');
  const { facts } = run.result.context.world;
  const { events, summary } = replay(
    facts,
    shippedRules(),
    run.result.findings,
    run.result.settings,
    decisionSettings.parse(options.decisions ?? {}),
    options.onEvent,
  );
  mkdirSync(outDir, { recursive: true });
  const files = [join(outDir, 'decisions.ndjson'), join(outDir, 'replay-summary.json')];
  writeFileSync(files[0]!, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
  writeFileSync(files[1]!, `${JSON.stringify({ snapshot_id: run.snapshotId, ...summary }, null, 2)}\n`);
  return { summary, files };
}
