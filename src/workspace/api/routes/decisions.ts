import { z } from 'zod';
import { decisionSchema, proposalSchema } from '../../../contract/decision.ts';
import { latestReplay } from '../../../usecases/replay.ts';
import type { ApiContext } from '../context.ts';
import { HttpError } from '../http.ts';
import { decisionsResponse, replayResponse } from '../responses.ts';
import { type Route, route } from '../route.ts';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The decision gate: a change asked about before it takes effect. */
export const decisionRoutes = ({ gate, store }: ApiContext): Route[] => [
  route({
    method: 'POST',
    url: '/api/decisions',
    role: 'decider',
    summary:
      'Ask before an address change, a transfer or a discount takes effect: allow, review or deny, with the findings it would raise as reasons (Idempotency-Key header: a retry gets the same decision)',
    body: proposalSchema,
    response: decisionSchema,
    // Not under the API's write lock as a whole: the gate takes it to write, so decisions asked together are
    // stored together.
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
  route({
    method: 'GET',
    url: '/api/decisions',
    role: 'viewer',
    summary: 'The newest decisions of the gate, with who asked',
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
    response: decisionsResponse,
    handler: async (_req, _reply, { query }) => gate.recent(query.limit),
  }),
  route({
    method: 'GET',
    url: '/api/replay',
    role: 'viewer',
    summary:
      'The newest replay of the history through the gate (daylight replay): what it would have stopped, what it would have held up, and the events worth a look',
    response: replayResponse,
    handler: async () => ({ replay: await latestReplay(store) }),
  }),
];
