import { explainFigure } from '../../../usecases/explain.ts';
import { latestOrEmpty } from '../../usecases/views.ts';
import type { ApiContext } from '../context.ts';
import { figureQuery, revenueQuery } from '../requests.ts';
import {
  figureRowsResponse,
  flowsResponse,
  reconciliationResponse,
  regionsResponse,
  revenueResponse,
} from '../responses.ts';
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
    summary:
      'The invoice rows behind one figure, a page at a time (sorted and paged in the store), each with its lineage; with their count and total',
    query: figureQuery,
    response: figureRowsResponse,
    handler: async (_req, _reply, { query }) => {
      const latest = await latestOrEmpty(ws);
      const { basis, period, region, ...page } = query;
      return explainFigure(
        store.snapshots,
        await ws.creditingWorld(latest),
        latest.snapshotId,
        { basis, period, region },
        page,
      );
    },
  }),
  route({
    method: 'GET',
    url: '/api/regions',
    role: 'viewer',
    summary: 'The sales regions of the newest run, as a tree in depth-first order (UNMAPPED under the root)',
    response: regionsResponse,
    handler: async () => {
      const world = await ws.creditingWorld(await latestOrEmpty(ws));
      const children = new Map<string, string[]>();
      for (const id of world.regions.ids()) {
        const parent = world.regions.parentOf(id);
        if (parent !== null) children.set(parent, [...(children.get(parent) ?? []), id].sort());
      }
      const out: { region_id: string; parent_id: string | null; depth: number }[] = [];
      const walk = (id: string, depth: number) => {
        out.push({ region_id: id, parent_id: world.regions.parentOf(id), depth });
        for (const c of children.get(id) ?? []) walk(c, depth + 1);
      };
      walk(world.regions.root, 0);
      return out;
    },
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
