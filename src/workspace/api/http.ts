import type { FastifyReply, FastifyRequest } from 'fastify';
import { ZodError, type z } from 'zod';
import type { Role } from '../../contract/names.ts';
import { roleAtLeast } from '../../contract/names.ts';
import type { Principal } from '../../contract/workspace.ts';

/** An error with an HTTP status and, for bad requests, the field at fault. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Request input checked against its Zod schema: a 400 naming the first bad field. */
export function input<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.') || undefined;
  throw new HttpError(400, field ? `${field}: ${issue.message}` : issue.message, field);
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export function requireRole(request: FastifyRequest, role: Role): Principal {
  const p = request.principal;
  if (!p) throw new HttpError(401, 'sign in first');
  if (!roleAtLeast(p.role, role)) throw new HttpError(403, `needs the ${role} role`);
  return p;
}

/** Errors that are the caller's, with the status they answer. */
const CALLER_ERRORS: Record<string, number> = {
  BundleError: 400,
  TelemetryError: 400,
  IndicatorListError: 400,
  CaseRuleError: 409,
  UserRuleError: 409,
  IdempotencyConflict: 422,
  NoSnapshot: 409,
  UnknownAccount: 404,
  WebhookRuleError: 409,
};

export function sendError(reply: FastifyReply, e: unknown): FastifyReply {
  if (e instanceof HttpError)
    return reply.status(e.status).send({ error: e.message, ...(e.field ? { field: e.field } : {}) });
  const known = e instanceof Error ? (CALLER_ERRORS[e.name] ?? CALLER_ERRORS[e.constructor.name]) : undefined;
  if (known) return reply.status(known).send({ error: (e as Error).message });
  if (e instanceof ZodError) {
    const issue = e.issues[0]!;
    const field = issue.path.join('.') || undefined;
    return reply
      .status(400)
      .send({ error: field ? `${field}: ${issue.message}` : issue.message, ...(field ? { field } : {}) });
  }
  const status = (e as { statusCode?: number }).statusCode;
  if (status && status >= 400 && status < 500)
    return reply.status(status).send({ error: (e as Error).message });
  // The reason stays in the server's log; the client learns only that the fault is ours.
  process.stderr.write(`daylight serve: ${(e as Error)?.stack ?? String(e)}\n`);
  return reply.status(500).send({ error: 'internal error' });
}

/** Serialises write work on the store's one connection (transactions must not interleave). */
export class WriteLock {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.tail.then(work, work);
    this.tail = next.catch(() => {});
    return next;
  }
}
