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

export class DecisionsRepository {
  constructor(private readonly db: Db) {}

  async get(id: string): Promise<StoredDecision | null> {
    return (
      (await this.db.first(storedDecisionSchema, 'SELECT * FROM decisions WHERE id = $id', { id })) ?? null
    );
  }

  /** The decision an actor asked for with this idempotency key, if any. */
  async byKey(actor: string, key: string): Promise<StoredDecision | null> {
    return (
      (await this.db.first(
        storedDecisionSchema,
        'SELECT * FROM decisions WHERE actor = $a AND idempotency_key = $k',
        { a: actor, k: key },
      )) ?? null
    );
  }

  async put(d: StoredDecision): Promise<void> {
    await this.db.run('INSERT INTO decisions VALUES ($id, $k, $r, $a, $b)', {
      id: d.id,
      k: d.idempotency_key,
      r: d.request_digest,
      a: d.actor,
      b: d.body,
    });
  }

  all(): Promise<StoredDecision[]> {
    return this.db.rows(storedDecisionSchema, 'SELECT * FROM decisions ORDER BY id');
  }
}
