import { randomBytes } from 'node:crypto';
import { type Decision, decisionSchema, type Proposal, proposalAsJson } from '../contract/decision.ts';
import { decide } from '../engine/decisions/decide.ts';
import type { Facts } from '../engine/facts.ts';
import type { Settings } from '../engine/settings.ts';
import type { Store } from '../store/store.ts';
import { canonicalJson } from '../util/canonical-json.ts';
import { sha256Hex } from '../util/hash.ts';
import { bundleSettings } from './audit-bundle.ts';
import { loadFacts } from './load-facts.ts';
import { shippedRules } from './rules.ts';
import { storedSignals } from './telemetry-reading.ts';

/** An idempotency key used again for a different request. */
export class IdempotencyConflict extends Error {
  override name = 'IdempotencyConflict';
}

/** There is nothing to decide against yet. */
export class NoSnapshot extends Error {
  override name = 'NoSnapshot';
}

/**
 * The decision gate: a proposed address change, transfer or discount judged against the latest snapshot's facts
 * before it takes effect (see engine/decisions/decide.ts). The snapshot's facts are loaded once and kept while it is
 * the latest; every decision is stored and recorded in the ledger with its inputs, and a retried request with the
 * same idempotency key gets the same decision.
 */
export class DecisionGate {
  private loaded: { snapshotId: string; facts: Facts; settings: Settings } | null = null;

  constructor(private readonly store: Store) {}

  private async facts(): Promise<{ snapshotId: string; facts: Facts; settings: Settings }> {
    const latest = (await this.store.snapshots.list()).at(-1);
    if (!latest) throw new NoSnapshot('no snapshot is stored yet: ingest a bundle first');
    if (this.loaded?.snapshotId !== latest.snapshot_id) {
      const reading = await this.store.telemetry.first(latest.snapshot_id);
      const signals = reading ? await storedSignals(this.store, reading.readingId) : [];
      this.loaded = {
        snapshotId: latest.snapshot_id,
        facts: await loadFacts(this.store.snapshots, latest.snapshot_id, signals),
        settings: bundleSettings(JSON.parse(latest.meta).settings ?? {}, {}),
      };
    }
    return this.loaded;
  }

  async decide(proposal: Proposal, actor: string, idempotencyKey?: string): Promise<Decision> {
    const request = sha256Hex(canonicalJson(proposalAsJson(proposal)));
    if (idempotencyKey) {
      const earlier = await this.store.decisions.byKey(actor, idempotencyKey);
      if (earlier) {
        if (earlier.request_digest !== request)
          throw new IdempotencyConflict(`the idempotency key ${idempotencyKey} was used for another request`);
        return decisionSchema.parse(JSON.parse(earlier.body));
      }
    }
    const { snapshotId, facts, settings } = await this.facts();
    const { decision, reasons } = decide(facts, shippedRules(), proposal, settings);
    const answer: Decision = {
      id: `dec-${randomBytes(8).toString('hex')}`,
      proposal: proposalAsJson(proposal),
      decision,
      reasons,
      snapshot_id: snapshotId,
      decided_at: new Date().toISOString(),
    };
    const body = JSON.stringify(answer);
    await this.store.transaction(async () => {
      await this.store.decisions.put({
        id: answer.id,
        idempotency_key: idempotencyKey ?? null,
        request_digest: request,
        actor,
        body,
      });
      await this.store.ledger.append('decision', actor, {
        id: answer.id,
        idempotency_key: idempotencyKey ?? null,
        request_digest: request,
        actor,
        proposal: proposalAsJson(proposal),
        snapshot_id: snapshotId,
        decision,
        reasons: reasons.map((r) => ({ code: r.code, severity: r.severity })),
        body_digest: sha256Hex(body),
      });
    });
    return answer;
  }

  /** The newest decisions, with who asked. */
  async recent(limit: number): Promise<(Decision & { actor: string })[]> {
    return (await this.store.decisions.recent(limit)).map((d) => ({
      ...decisionSchema.parse(JSON.parse(d.body)),
      actor: d.actor,
    }));
  }

  async get(id: string): Promise<Decision | null> {
    const stored = await this.store.decisions.get(id);
    return stored ? decisionSchema.parse(JSON.parse(stored.body)) : null;
  }
}
