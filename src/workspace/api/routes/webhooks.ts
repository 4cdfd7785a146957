import { z } from 'zod';
import { endpointInputSchema, endpointSchema } from '../../../contract/webhook.ts';
import { addEndpoint, listEndpoints, setEndpointDisabled } from '../../../usecases/webhooks.ts';
import type { ApiContext } from '../context.ts';
import { idParams } from '../requests.ts';
import { deliveriesResponse, endpointsResponse } from '../responses.ts';
import { type Route, route } from '../route.ts';

/** Webhook endpoints and their delivery log (admins only: an endpoint receives what the findings say). */
export const webhookRoutes = ({ store }: ApiContext): Route[] => [
  route({
    method: 'GET',
    url: '/api/webhooks',
    role: 'admin',
    summary: 'Webhook endpoints and the events each receives',
    response: endpointsResponse,
    handler: async () => listEndpoints(store),
  }),
  route({
    method: 'POST',
    url: '/api/webhooks',
    role: 'admin',
    summary:
      'Add an endpoint for findings.raised, case.changed and/or decision.made; answers its signing secret once (deliveries carry daylight-signature: t=<unix>,v1=<HMAC-SHA256 of "<t>.<body>">)',
    body: endpointInputSchema,
    response: z.object({ endpoint: endpointSchema, secret: z.string() }),
    write: true,
    handler: async (req, _reply, { body }) => addEndpoint(store, body, req.principal!.name),
  }),
  ...(['disable', 'enable'] as const).map((change) =>
    route({
      method: 'POST',
      url: `/api/webhooks/:id/${change}`,
      role: 'admin',
      summary: change === 'disable' ? 'Stop delivering to an endpoint' : 'Deliver to an endpoint again',
      params: idParams,
      response: z.object({ id: z.string(), disabled: z.boolean() }),
      write: true,
      handler: async (req, _reply, { params }) =>
        setEndpointDisabled(store, params.id, change === 'disable', req.principal!.name),
    }),
  ),
  route({
    method: 'GET',
    url: '/api/webhooks/deliveries',
    role: 'admin',
    summary: 'The delivery log, newest first: every attempt, its answer or error, and when the next is due',
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) }),
    response: deliveriesResponse,
    handler: async (_req, _reply, { query }) => store.webhooks.attempts(query.limit),
  }),
];
