import { randomBytes } from 'node:crypto';
import {
  type DeliveryAttempt,
  type Endpoint,
  type EndpointInput,
  endpointInputSchema,
  SIGNATURE_HEADER,
  signWebhook,
  type WebhookEvent,
} from '../contract/webhook.ts';
import type { Store } from '../store/store.ts';
import type { DueDelivery, OutboxEvent } from '../store/webhooks.ts';
import { sha256Hex } from '../util/hash.ts';

/** An event for the outbox, with a fresh id; the caller writes it in the transaction of the change. */
export function outboxEvent(event: WebhookEvent, payload: Record<string, unknown>): OutboxEvent {
  return {
    event_id: `evt-${randomBytes(8).toString('hex')}`,
    event,
    created_at: new Date().toISOString(),
    payload,
  };
}

export class WebhookRuleError extends Error {
  override name = 'WebhookRuleError';
}

/** A new endpoint and its signing secret (shown once; the ledger keeps only its digest). */
export async function addEndpoint(
  store: Store,
  input: EndpointInput,
  by: string,
): Promise<{ endpoint: Endpoint; secret: string }> {
  const parsed = endpointInputSchema.parse(input);
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  const endpoint: Endpoint = {
    id: `wh-${randomBytes(6).toString('hex')}`,
    url: parsed.url,
    events: [...new Set(parsed.events)].sort(),
    created_at: new Date().toISOString(),
    created_by: by,
    disabled: false,
  };
  await store.transaction(async () => {
    await store.webhooks.addEndpoint({ ...endpoint, secret });
    await store.ledger.append('webhook-change', by, {
      endpoint: endpoint.id,
      change: 'added',
      url: endpoint.url,
      events: endpoint.events,
      created_at: endpoint.created_at,
      secret: sha256Hex(secret),
    });
  });
  return { endpoint, secret };
}

export async function setEndpointDisabled(store: Store, id: string, disabled: boolean, by: string) {
  const endpoint = (await store.webhooks.endpoints()).find((e) => e.id === id);
  if (!endpoint) throw new WebhookRuleError(`no webhook endpoint ${id}`);
  if (endpoint.disabled === disabled)
    throw new WebhookRuleError(`${id} is already ${disabled ? 'disabled' : 'enabled'}`);
  await store.transaction(async () => {
    await store.webhooks.setDisabled(id, disabled);
    await store.ledger.append('webhook-change', by, {
      endpoint: id,
      change: disabled ? 'disabled' : 'enabled',
    });
  });
  return { id, disabled };
}

export const listEndpoints = async (store: Store): Promise<Endpoint[]> =>
  (await store.webhooks.endpoints()).map(({ secret: _, ...e }) => e);

export interface DispatchOptions {
  /** How often the outbox is read (ms). */
  intervalMs?: number;
  /** How long a receiver has to answer (ms). */
  timeoutMs?: number;
  /** Attempts before a delivery is given up. */
  maxAttempts?: number;
  /** The wait before the second attempt (ms); it doubles with each attempt, up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Runs store writes one at a time with the caller's other writes (the API's write lock). */
  serialise?: <T>(work: () => Promise<T>) => Promise<T>;
}

/**
 * Delivers the outbox: each due event to each endpoint that asks for it, as a signed POST (see signWebhook), a
 * retry after each failure or timeout with exponential backoff, every attempt in the delivery log. An event stays
 * in the outbox until delivered or given up, so a crash loses none: the next dispatcher picks them up.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private readonly o: Required<Omit<DispatchOptions, 'serialise'>>;
  private readonly serialise: <T>(work: () => Promise<T>) => Promise<T>;

  constructor(
    private readonly store: Store,
    options: DispatchOptions = {},
  ) {
    this.o = {
      intervalMs: options.intervalMs ?? 1000,
      timeoutMs: options.timeoutMs ?? 5000,
      maxAttempts: options.maxAttempts ?? 8,
      backoffMs: options.backoffMs ?? 5000,
      maxBackoffMs: options.maxBackoffMs ?? 3_600_000,
    };
    this.serialise = options.serialise ?? ((work) => work());
  }

  start(): void {
    this.timer ??= setInterval(() => void this.runOnce().catch(() => {}), this.o.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
  }

  /** One pass over what is due now; the number of attempts made. Passes never overlap. */
  runOnce(): Promise<number> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<number> {
    const due = await this.store.webhooks.due(new Date().toISOString(), 100);
    await Promise.all(due.map((d) => this.deliver(d)));
    return due.length;
  }

  private async deliver({ event, endpoint, attempts }: DueDelivery): Promise<void> {
    const attempt = attempts + 1;
    const body = JSON.stringify({
      id: event.event_id,
      event: event.event,
      created_at: event.created_at,
      data: event.payload,
    });
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'daylight-webhooks',
          'daylight-event': event.event,
          'daylight-event-id': event.event_id,
          'daylight-attempt': String(attempt),
          [SIGNATURE_HEADER]: signWebhook(endpoint.secret, Math.floor(started / 1000), body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => {});
      if (status < 200 || status >= 300) error = `answered ${status}`;
    } catch (e) {
      error =
        (e as Error).name === 'TimeoutError'
          ? `no answer within ${this.o.timeoutMs} ms`
          : (e as Error).message;
    }
    const now = Date.now();
    const wait = Math.min(this.o.backoffMs * 2 ** (attempt - 1), this.o.maxBackoffMs);
    const outcome: DeliveryAttempt['outcome'] =
      error === null ? 'delivered' : attempt >= this.o.maxAttempts ? 'failed' : 'retrying';
    await this.serialise(() =>
      this.store.transaction(() =>
        this.store.webhooks.recordAttempt({
          event_id: event.event_id,
          event: event.event,
          endpoint_id: endpoint.id,
          attempt,
          attempted_at: new Date(now).toISOString(),
          outcome,
          http_status: status,
          error,
          duration_ms: now - started,
          next_at: outcome === 'retrying' ? new Date(now + wait).toISOString() : null,
        }),
      ),
    );
  }
}
