import { explainFigure } from '../../../usecases/explain.ts';
import { latestOrEmpty } from '../../usecases/views.ts';
import type { ApiContext } from '../context.ts';
import { figureQuery, revenueQuery } from '../requests.ts';
import { figureRowsResponse, flowsResponse, reconciliationResponse, revenueResponse } from '../responses.ts';
import { type Route, route } from '../route.ts';

/** The newest run's figures: revenue by basis, the rows behind one figure, flows, reconciliation. */
export const revenueRoutes = ({ store, ws }: ApiContext): Route[] => [
  route({
    method: 'GET',
    url: '/api/revenue',
    role: 'viewer',
    summary: 'Revenue by basis, period and region (the newest run)',
    query: revenueQuery,
    response: revenueResponse,
    handler: async (_req, _reply, { query }) => {
      const run = await latestOrEmpty(ws);
      return (await store.runs.output(run.runId, 'revenue')).filter(
        (r) =>
          (!query.basis || r.basis === query.basis) &&
          (!query.period || r.period === query.period) &&
          (!query.region || r.region_id === query.region),
      );
    },
  }),
  route({
    method: 'GET',
    url: '/api/revenue/rows',
    role: 'viewer',
    summary: 'The invoice rows behind one figure, each with its lineage',
    query: figureQuery,
    response: figureRowsResponse,
    handler: async (_req, _reply, { query }) =>
      explainFigure(
        store.snapshots,
        (await latestOrEmpty(ws)).snapshotId,
        query.basis,
        query.period,
        query.region,
      ),
  }),
  route({
    method: 'GET',
    url: '/api/revenue/flows',
    role: 'viewer',
    summary: 'Revenue from booked region to the HQ country of the accounts (the Sankey of the newest run)',
    response: flowsResponse,
    handler: async () => store.runs.output((await latestOrEmpty(ws)).runId, 'sankey'),
  }),
  route({
    method: 'GET',
    url: '/api/reconciliation',
    role: 'viewer',
    summary: 'Reported against computed revenue',
    response: reconciliationResponse,
    handler: async () => store.runs.output((await latestOrEmpty(ws)).runId, 'reconciliation'),
  }),
];
