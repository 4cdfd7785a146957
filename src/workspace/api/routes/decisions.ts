import { z } from 'zod';
import { decisionSchema, proposalSchema } from '../../../contract/decision.ts';
import type { ApiContext } from '../context.ts';
import { HttpError } from '../http.ts';
import { type Route, route } from '../route.ts';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The decision gate: a change asked about before it takes effect. */
export const decisionRoutes = ({ gate }: ApiContext): Route[] => [
  route({
    method: 'POST',
    url: '/api/decisions',
    role: 'decider',
    summary:
      'Ask before an address change, a transfer or a discount takes effect: allow, review or deny, with the findings it would raise as reasons (Idempotency-Key header: a retry gets the same decision)',
    body: proposalSchema,
    response: decisionSchema,
    write: true,
    handler: async (req, _reply, { body }) => {
      const key = req.headers['idempotency-key'];
      if (key !== undefined && (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)))
        throw new HttpError(400, 'Idempotency-Key: 1 to 255 visible ASCII characters');
      return gate.decide(body, req.principal!.name, key);
    },
  }),
  route({
    method: 'GET',
    url: '/api/decisions/:id',
    role: 'decider',
    summary: 'A decision made earlier',
    params: z.object({ id: z.string() }),
    response: decisionSchema,
    handler: async (_req, _reply, { params }) => {
      const found = await gate.get(params.id);
      if (!found) throw new HttpError(404, `no decision ${params.id}`);
      return found;
    },
  }),
];
