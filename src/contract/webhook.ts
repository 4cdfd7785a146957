import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** What a webhook can be told about. */
export const WEBHOOK_EVENTS = ['findings.raised', 'case.changed', 'decision.made'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const endpointInputSchema = z.strictObject({
  url: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'an http or https address'),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1),
});
export type EndpointInput = z.infer<typeof endpointInputSchema>;

export const endpointSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  created_at: z.string(),
  created_by: z.string(),
  disabled: z.boolean(),
});
export type Endpoint = z.infer<typeof endpointSchema>;

/** One attempt to deliver an event to an endpoint, as the delivery log keeps it. */
export const deliveryAttemptSchema = z.object({
  event_id: z.string(),
  event: z.string(),
  endpoint_id: z.string(),
  attempt: z.number().int(),
  attempted_at: z.string(),
  /** delivered, retrying (another attempt is due at next_at) or failed (no more attempts). */
  outcome: z.enum(['delivered', 'retrying', 'failed']),
  http_status: z.number().int().nullable(),
  error: z.string().nullable(),
  duration_ms: z.number().int(),
  next_at: z.string().nullable(),
});
export type DeliveryAttempt = z.infer<typeof deliveryAttemptSchema>;

/** The header that signs a delivery: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the secret>`. */
export const SIGNATURE_HEADER = 'daylight-signature';

export function signWebhook(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/**
 * What a receiver checks: the signature over the exact body, and a timestamp within `toleranceSeconds` of its clock
 * (an old delivery replayed is refused even with a good signature).
 */
export function verifyWebhook(
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): { ok: true } | { ok: false; why: string } {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1) return { ok: false, why: 'malformed signature header' };
  if (Math.abs(nowSeconds - t) > toleranceSeconds)
    return { ok: false, why: 'timestamp outside the tolerance' };
  const expected = Buffer.from(signWebhook(secret, t, body).split('v1=')[1]!, 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, why: 'signature does not match' };
  return { ok: true };
}
