import { listValue } from '@duckdb/node-api';
import { z } from 'zod';
import type { Db } from './db.ts';

/** A decision as stored: its answer, the request it answered, and the idempotency key it was asked with. */
export const storedDecisionSchema = z.object({
  id: z.string(),
  idempotency_key: z.string().nullable(),
  request_digest: z.string(),
  actor: z.string(),
  body: z.string(),
});
export type StoredDecision = z.infer<typeof storedDecisionSchema>;

/** A replay of a snapshot's history through the gate: its summary and the events worth a look, as JSON. */
export const storedReplaySchema = z.object({
  replay_id: z.string(),
  snapshot_id: z.string(),
  replayed_at: z.string(),
  body: z.string(),
});
export type StoredReplay = z.infer<typeof storedReplaySchema>;

export class DecisionsRepository {
  constructor(private readonly db: Db) {}

  async get(id: string): Promise<StoredDecision | null> {
    return (
      (await this.db.first(storedDecisionSchema, 'SELECT * FROM decisions WHERE id = $id', { id })) ?? null
    );
  }

  /** Decisions asked with an idempotency key since a time (ISO), oldest first. */
  keyedSince(since: string): Promise<(StoredDecision & { decided_at: string })[]> {
    return this.db.rows(
      storedDecisionSchema.extend({ decided_at: z.string() }),
      `SELECT *, (body->>'decided_at') AS decided_at FROM decisions
       WHERE idempotency_key IS NOT NULL AND (body->>'decided_at') >= $since ORDER BY decided_at`,
      { since },
    );
  }

  async put(decisions: StoredDecision[]): Promise<void> {
    await this.db.insertRows(
      'decisions',
      decisions.map((d) => [d.id, d.idempotency_key, d.request_digest, d.actor, d.body]),
    );
  }

  all(): Promise<StoredDecision[]> {
    return this.db.rows(storedDecisionSchema, 'SELECT * FROM decisions ORDER BY id');
  }

  /** Which of these ids are stored. */
  async existing(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.rows(
      z.object({ id: z.string() }),
      'SELECT id FROM decisions WHERE list_contains($ids, id)',
      {
        ids: listValue(ids),
      },
    );
    return new Set(rows.map((r) => r.id));
  }

  /** The newest decisions first. */
  recent(limit: number): Promise<StoredDecision[]> {
    return this.db.rows(
      storedDecisionSchema,
      `SELECT * FROM decisions ORDER BY (body->>'decided_at') DESC, id DESC LIMIT $n`,
      { n: limit },
    );
  }

  async putReplay(r: StoredReplay): Promise<void> {
    await this.db.run('INSERT INTO replays VALUES ($id, $s, $at, $b)', {
      id: r.replay_id,
      s: r.snapshot_id,
      at: r.replayed_at,
      b: r.body,
    });
  }

  /** The newest replay (of one snapshot, when given). */
  async latestReplay(snapshotId?: string): Promise<StoredReplay | null> {
    return (
      (await this.db.first(
        storedReplaySchema,
        `SELECT * FROM replays ${snapshotId ? 'WHERE snapshot_id = $s' : ''} ORDER BY replayed_at DESC, replay_id DESC LIMIT 1`,
        snapshotId ? { s: snapshotId } : {},
      )) ?? null
    );
  }
}
