import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReplayRecord } from '../contract/decision.ts';
import { replay } from '../engine/decisions/replay.ts';
import { renderReport } from '../outputs/report/html.ts';
import { reportModel } from '../outputs/report/model.ts';
import type { Store } from '../store/store.ts';
import { sha256Hex } from '../util/hash.ts';
import { actor } from './actor.ts';
import { type AuditRun, auditBundle, auditSnapshot } from './audit-bundle.ts';
import { shippedRules } from './rules.ts';

export type { ReplayRecord };

export interface ReplayOptions {
  /** Replay a stored snapshot instead of a bundle folder. */
  snapshotId?: string;
  overrides?: Record<string, unknown>;
  onStep?: (step: string) => void;
  onEvent?: (done: number, total: number) => void;
}

/**
 * `daylight replay`: the bundle (or snapshot) audited whole into `outDir/audit`, then its history asked of the
 * decision gate event by event on what was known the day before. Writes `decisions.ndjson` and
 * `replay-summary.json`, the audit's report with the replay in it, and stores the replay with a ledger entry so the
 * workspace shows it.
 */
export async function replayBundle(
  store: Store,
  bundleDir: string | undefined,
  outDir: string,
  options: ReplayOptions = {},
): Promise<{ record: ReplayRecord; run: Omit<AuditRun, 'created'>; files: string[] }> {
  const auditDir = join(outDir, 'audit');
  const auditOptions = { outDir: auditDir, overrides: options.overrides, onStep: options.onStep };
  const run = options.snapshotId
    ? await auditSnapshot(store, options.snapshotId, auditOptions)
    : await auditBundle(store, bundleDir!, auditOptions);
  options.onStep?.('replaying the history through the decision gate');
  const { events, summary } = replay(
    run.result.context.world.facts,
    shippedRules(),
    run.result.findings,
    run.result.settings,
    options.onEvent,
  );
  const record: ReplayRecord = {
    replay_id: `rep-${randomBytes(8).toString('hex')}`,
    snapshot_id: run.snapshotId,
    replayed_at: new Date().toISOString(),
    summary,
    notable: events.filter((e) => e.decision !== 'allow' || e.became.length > 0),
  };
  mkdirSync(outDir, { recursive: true });
  const files = [join(outDir, 'decisions.ndjson'), join(outDir, 'replay-summary.json')];
  writeFileSync(files[0]!, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
  writeFileSync(files[1]!, `${JSON.stringify({ snapshot_id: run.snapshotId, ...summary }, null, 2)}\n`);
  writeFileSync(
    join(auditDir, 'report.html'),
    renderReport({ ...reportModel(run.result, 'Daylight audit'), replay: record }),
  );
  const body = JSON.stringify({ summary: record.summary, notable: record.notable });
  await store.transaction(async () => {
    await store.decisions.putReplay({
      replay_id: record.replay_id,
      snapshot_id: record.snapshot_id,
      replayed_at: record.replayed_at,
      body,
    });
    await store.ledger.append('replay', actor(), {
      replay_id: record.replay_id,
      snapshot_id: record.snapshot_id,
      run_id: run.runId,
      replayed_at: record.replayed_at,
      summary,
      body_digest: sha256Hex(body),
    });
  });
  return { record, run, files: [...files, ...run.files] };
}

/** The newest stored replay (of a snapshot, when given). */
export async function latestReplay(store: Store, snapshotId?: string): Promise<ReplayRecord | null> {
  const stored = await store.decisions.latestReplay(snapshotId);
  if (!stored) return null;
  const { summary, notable } = JSON.parse(stored.body) as Pick<ReplayRecord, 'summary' | 'notable'>;
  return {
    replay_id: stored.replay_id,
    snapshot_id: stored.snapshot_id,
    replayed_at: stored.replayed_at,
    summary,
    notable,
  };
}
