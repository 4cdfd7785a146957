import { z } from 'zod';
import {
  type DeliveryAttempt,
  deliveryAttemptSchema,
  type Endpoint,
  endpointSchema,
  WEBHOOK_EVENTS,
  type WebhookEvent,
} from '../contract/webhook.ts';
import type { Db } from './db.ts';

/** An event waiting in the outbox, written in the same transaction as the change it tells of. */
export interface OutboxEvent {
  event_id: string;
  event: WebhookEvent;
  created_at: string;
  payload: Record<string, unknown>;
}

/** Where changes put their events: the store's outbox, or memory in tests. */
export interface Outbox {
  enqueue(events: OutboxEvent[]): Promise<void>;
}

export class MemoryOutbox implements Outbox {
  readonly events: OutboxEvent[] = [];
  async enqueue(events: OutboxEvent[]) {
    this.events.push(...events);
  }
}

/** A delivery that is due: the event, the endpoint with its secret, and the attempts made so far. */
export interface DueDelivery {
  event: OutboxEvent;
  endpoint: Endpoint & { secret: string };
  attempts: number;
}

const endpointRow = endpointSchema.extend({
  events: z.string().transform((s) => s.split(',') as WebhookEvent[]),
  secret: z.string(),
});

const dueRow = z.object({
  event_id: z.string(),
  event: z.enum(WEBHOOK_EVENTS),
  event_created_at: z.string(),
  payload: z.string(),
  endpoint_id: z.string(),
  attempts: z.coerce.number().int(),
});

/** Webhook endpoints, the outbox, and the delivery state and log. */
export class WebhooksRepository implements Outbox {
  constructor(private readonly db: Db) {}

  async enqueue(events: OutboxEvent[]): Promise<void> {
    await this.db.insertRows(
      'webhook_outbox',
      events.map((e) => [e.event_id, e.event, e.created_at, JSON.stringify(e.payload)]),
    );
  }

  async addEndpoint(e: Endpoint & { secret: string }): Promise<void> {
    await this.db.insertRows('webhook_endpoints', [
      [e.id, e.url, e.events.join(','), e.secret, e.created_at, e.created_by, e.disabled],
    ]);
  }

  async setDisabled(id: string, disabled: boolean): Promise<void> {
    await this.db.run('UPDATE webhook_endpoints SET disabled = $d WHERE id = $id', { id, d: disabled });
  }

  async endpoints(): Promise<(Endpoint & { secret: string })[]> {
    return this.db.rows(endpointRow, 'SELECT * FROM webhook_endpoints ORDER BY created_at, id');
  }

  /**
   * Deliveries due at `now`: each event of the outbox to each enabled endpoint that asks for it and existed when
   * it was written, not yet delivered or given up, and never tried or due for a retry. Oldest events first.
   */
  async due(now: string, limit: number): Promise<DueDelivery[]> {
    const endpoints = new Map((await this.endpoints()).map((e) => [e.id, e]));
    const rows = await this.db.rows(
      dueRow,
      `SELECT o.event_id, o.event, o.created_at AS event_created_at, o.payload, e.id AS endpoint_id,
              coalesce(d.attempts, 0) AS attempts
       FROM webhook_outbox o
       JOIN webhook_endpoints e
         ON NOT e.disabled AND list_contains(string_split(e.events, ','), o.event) AND o.created_at >= e.created_at
       LEFT JOIN webhook_deliveries d ON d.event_id = o.event_id AND d.endpoint_id = e.id
       WHERE d.state IS NULL OR (d.state = 'retrying' AND d.next_at <= $now)
       ORDER BY o.created_at, o.event_id, e.id
       LIMIT $limit`,
      { now, limit },
    );
    return rows.map((r) => ({
      event: {
        event_id: r.event_id,
        event: r.event,
        created_at: r.event_created_at,
        payload: JSON.parse(r.payload),
      },
      endpoint: endpoints.get(r.endpoint_id)!,
      attempts: r.attempts,
    }));
  }

  /** An attempt in the log, and the delivery's state after it. */
  async recordAttempt(a: DeliveryAttempt): Promise<void> {
    await this.db.run('DELETE FROM webhook_deliveries WHERE event_id = $e AND endpoint_id = $p', {
      e: a.event_id,
      p: a.endpoint_id,
    });
    await this.db.insertRows('webhook_deliveries', [
      [a.event_id, a.endpoint_id, a.attempt, a.outcome, a.next_at],
    ]);
    await this.db.insertRows('webhook_attempts', [
      [
        a.event_id,
        a.event,
        a.endpoint_id,
        a.attempt,
        a.attempted_at,
        a.outcome,
        a.http_status,
        a.error,
        a.duration_ms,
        a.next_at,
      ],
    ]);
  }

  /** The delivery log, newest first. */
  attempts(limit: number): Promise<DeliveryAttempt[]> {
    return this.db.rows(
      deliveryAttemptSchema.extend({
        attempt: z.coerce.number().int(),
        http_status: z.coerce.number().int().nullable(),
        duration_ms: z.coerce.number().int(),
      }),
      'SELECT * FROM webhook_attempts ORDER BY attempted_at DESC, event_id, endpoint_id LIMIT $limit',
      { limit },
    );
  }

  /** Events in the outbox, oldest first. */
  outbox(): Promise<OutboxEvent[]> {
    return this.db
      .rows(
        z.object({
          event_id: z.string(),
          event: z.enum(WEBHOOK_EVENTS),
          created_at: z.string(),
          payload: z.string(),
        }),
        'SELECT * FROM webhook_outbox ORDER BY created_at, event_id',
      )
      .then((rows) => rows.map((r) => ({ ...r, payload: JSON.parse(r.payload) })));
  }
}

export const WEBHOOK_SCHEMA = `
  CREATE TABLE IF NOT EXISTS webhook_endpoints (
    id VARCHAR PRIMARY KEY, url VARCHAR NOT NULL, events VARCHAR NOT NULL, secret VARCHAR NOT NULL,
    created_at VARCHAR NOT NULL, created_by VARCHAR NOT NULL, disabled BOOLEAN NOT NULL);
  CREATE TABLE IF NOT EXISTS webhook_outbox (
    event_id VARCHAR PRIMARY KEY, event VARCHAR NOT NULL, created_at VARCHAR NOT NULL, payload VARCHAR NOT NULL);
  CREATE TABLE IF NOT EXISTS webhook_deliveries (
    event_id VARCHAR NOT NULL, endpoint_id VARCHAR NOT NULL, attempts INTEGER NOT NULL, state VARCHAR NOT NULL,
    next_at VARCHAR);
  CREATE TABLE IF NOT EXISTS webhook_attempts (
    event_id VARCHAR NOT NULL, event VARCHAR NOT NULL, endpoint_id VARCHAR NOT NULL, attempt INTEGER NOT NULL,
    attempted_at VARCHAR NOT NULL, outcome VARCHAR NOT NULL, http_status INTEGER, error VARCHAR, duration_ms INTEGER NOT NULL,
    next_at VARCHAR);`;
