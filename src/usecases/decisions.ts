import { randomBytes } from 'node:crypto';
import { type Decision, decisionSchema, type Proposal, proposalAsJson } from '../contract/decision.ts';
import { decide } from '../engine/decisions/decide.ts';
import type { Facts } from '../engine/facts.ts';
import type { Settings } from '../engine/settings.ts';
import { DecisionJournal, type JournaledDecision } from '../store/decision-journal.ts';
import type { Store } from '../store/store.ts';
import { canonicalJson } from '../util/canonical-json.ts';
import { GroupCommit } from '../util/group-commit.ts';
import { sha256Hex } from '../util/hash.ts';
import { bundleSettings } from './audit-bundle.ts';
import { loadFacts } from './load-facts.ts';
import { shippedRules } from './rules.ts';
import { storedSignals } from './telemetry-reading.ts';
import { outboxEvent } from './webhooks.ts';

/** An idempotency key used again for a different request. */
export class IdempotencyConflict extends Error {
  override name = 'IdempotencyConflict';
}

/** There is nothing to decide against yet. */
export class NoSnapshot extends Error {
  override name = 'NoSnapshot';
}

/** How long an idempotency key answers a retry with the first decision; after it, the key may be used afresh. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;

interface Loaded {
  snapshotId: string;
  facts: Facts;
  settings: Settings;
}

export interface GateOptions {
  /** Runs store writes one at a time with the caller's other writes (the API's write lock). */
  serialise?: <T>(work: () => Promise<T>) => Promise<T>;
  /**
   * A write-ahead journal file: a decision is answered once it is synced there, and moved into the store (table
   * and ledger) every `drainMs`. Without one, each decision is committed to the store before it is answered.
   */
  journal?: string;
  drainMs?: number;
}

/**
 * The decision gate: a proposed address change, transfer or discount judged against the latest snapshot's facts
 * before it takes effect (see engine/decisions/decide.ts). The snapshot's facts are loaded once and kept while it is
 * the latest. Every decision is stored and recorded in the ledger with its inputs before it is answered; decisions
 * asked at the same time are written in one transaction. A retried request with the same idempotency key within a
 * day gets the same decision, even while the first is still being written; the keys of the last day are held in
 * memory (this process is the store's only writer), so a new key costs no query.
 */
export class DecisionGate {
  private loaded: Promise<Loaded> | null = null;
  private loadedId: string | null = null;
  /** Idempotency keys of the last day, in the order they were first used: actor and key → the answer. */
  private readonly keys = new Map<
    string,
    { at: number; answer: Promise<{ digest: string; decision: Decision }> }
  >();
  private keysLoaded: Promise<void> | null = null;
  private readonly record: (d: JournaledDecision) => Promise<void>;
  private readonly journal: DecisionJournal | null;
  private readonly serialise: <T>(work: () => Promise<T>) => Promise<T>;
  private opened: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Journaled and not yet in the store: answered from here until they are. */
  private readonly unstored = new Map<string, Decision & { actor: string }>();

  constructor(
    private readonly store: Store,
    private readonly options: GateOptions = {},
  ) {
    this.serialise = options.serialise ?? ((work) => work());
    this.journal = options.journal ? new DecisionJournal(options.journal) : null;
    if (this.journal) {
      const journal = this.journal;
      this.record = (d) => journal.append(d);
    } else {
      const commits = new GroupCommit<JournaledDecision>((ds) => this.storeAll(ds));
      this.record = (d) => commits.add(d);
    }
  }

  /** Moves what a previous process left in the journal into the store, then starts draining it. */
  open(): Promise<void> {
    this.opened ??= (async () => {
      if (!this.journal) return;
      await this.storeAll(await this.journal.recover());
      await this.journal.forgetRecovered();
      this.timer = setInterval(() => void this.drain().catch(() => {}), this.options.drainMs ?? 200);
      this.timer.unref();
    })();
    return this.opened;
  }

  /** Everything journaled so far, in the store. */
  async drain(): Promise<void> {
    if (!this.journal) return;
    await this.journal.drain(async (ds) => {
      await this.storeAll(ds);
      for (const d of ds) this.unstored.delete(d.stored.id);
    });
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.opened) await this.opened;
    await this.drain();
    await this.journal?.close();
  }

  /** Decisions and their ledger entries in one transaction; those already stored (a drain retried) are skipped. */
  private async storeAll(all: JournaledDecision[]): Promise<void> {
    if (all.length === 0) return;
    await this.serialise(async () => {
      const stored = this.journal
        ? await this.store.decisions.existing(all.map((d) => d.stored.id))
        : new Set();
      const ds = all.filter((d) => !stored.has(d.stored.id));
      await this.store.transaction(async () => {
        await this.store.decisions.put(ds.map((d) => d.stored));
        await this.store.ledger.appendAll(
          ds.map((d) => ({ kind: 'decision' as const, actor: d.stored.actor, body: d.ledger })),
        );
        await this.store.outbox.enqueue(
          ds.map((d) => outboxEvent('decision.made', JSON.parse(d.stored.body) as Record<string, unknown>)),
        );
      });
    });
  }

  private async facts(): Promise<Loaded> {
    const latest = await this.store.snapshots.latestId();
    if (!latest) throw new NoSnapshot('no snapshot is stored yet: ingest a bundle first');
    if (this.loadedId !== latest || !this.loaded) {
      this.loadedId = latest;
      this.loaded = this.load(latest);
      this.loaded.catch(() => {
        this.loaded = null;
      });
    }
    return this.loaded;
  }

  private async load(snapshotId: string): Promise<Loaded> {
    const snapshot = (await this.store.snapshots.get(snapshotId))!;
    const reading = await this.store.telemetry.first(snapshotId);
    const signals = reading ? await storedSignals(this.store, reading.readingId) : [];
    return {
      snapshotId,
      facts: await loadFacts(this.store.snapshots, snapshotId, signals),
      settings: bundleSettings(JSON.parse(snapshot.meta).settings ?? {}, {}),
    };
  }

  async decide(proposal: Proposal, actor: string, idempotencyKey?: string): Promise<Decision> {
    const digest = sha256Hex(canonicalJson(proposalAsJson(proposal)));
    if (!idempotencyKey) return (await this.decideAndRecord(proposal, actor, digest, null)).decision;
    this.keysLoaded ??= this.loadKeys();
    await this.keysLoaded;
    this.forgetOldKeys();
    const slot = `${actor}\u0000${idempotencyKey}`;
    const earlier = this.keys.get(slot);
    if (earlier) {
      const { digest: asked, decision } = await earlier.answer;
      if (asked !== digest)
        throw new IdempotencyConflict(`the idempotency key ${idempotencyKey} was used for another request`);
      return decision;
    }
    const answer = this.decideAndRecord(proposal, actor, digest, idempotencyKey);
    this.keys.set(slot, { at: Date.now(), answer });
    // A failed attempt keeps no key: the retry decides afresh.
    answer.catch(() => this.keys.delete(slot));
    return (await answer).decision;
  }

  /** The keys used in the last day, from the store (a restart keeps retries answered). */
  private async loadKeys(): Promise<void> {
    await this.open();
    const since = new Date(Date.now() - IDEMPOTENCY_WINDOW_MS).toISOString();
    for (const d of await this.store.decisions.keyedSince(since))
      this.keys.set(`${d.actor}\u0000${d.idempotency_key}`, {
        at: Date.parse(d.decided_at),
        answer: Promise.resolve({
          digest: d.request_digest,
          decision: decisionSchema.parse(JSON.parse(d.body)),
        }),
      });
  }

  private forgetOldKeys(): void {
    const cutoff = Date.now() - IDEMPOTENCY_WINDOW_MS;
    for (const [slot, { at }] of this.keys) {
      if (at >= cutoff) break;
      this.keys.delete(slot);
    }
  }

  private async decideAndRecord(
    proposal: Proposal,
    actor: string,
    digest: string,
    idempotencyKey: string | null,
  ): Promise<{ digest: string; decision: Decision }> {
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
    await this.open();
    const record: JournaledDecision = {
      stored: { id: answer.id, idempotency_key: idempotencyKey, request_digest: digest, actor, body },
      ledger: {
        id: answer.id,
        idempotency_key: idempotencyKey,
        request_digest: digest,
        actor,
        proposal: proposalAsJson(proposal),
        snapshot_id: snapshotId,
        decision,
        reasons: reasons.map((r) => ({ code: r.code, severity: r.severity })),
        body_digest: sha256Hex(body),
      },
    };
    if (this.journal) this.unstored.set(answer.id, { ...answer, actor });
    try {
      await this.record(record);
    } catch (e) {
      this.unstored.delete(answer.id);
      throw e;
    }
    return { digest, decision: answer };
  }

  /** The newest decisions, with who asked. */
  async recent(limit: number): Promise<(Decision & { actor: string })[]> {
    await this.drain();
    return (await this.store.decisions.recent(limit)).map((d) => ({
      ...decisionSchema.parse(JSON.parse(d.body)),
      actor: d.actor,
    }));
  }

  async get(id: string): Promise<Decision | null> {
    const unstored = this.unstored.get(id);
    if (unstored) {
      const { actor: _, ...decision } = unstored;
      return decision;
    }
    const stored = await this.store.decisions.get(id);
    return stored ? decisionSchema.parse(JSON.parse(stored.body)) : null;
  }
}
