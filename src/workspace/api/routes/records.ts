import type { ApiContext } from '../context.ts';
import { rulesQuery } from '../requests.ts';
import {
  ledgerResponse,
  rulesResponse,
  runsResponse,
  snapshotsResponse,
  verificationResponse,
} from '../responses.ts';
import { type Route, route } from '../route.ts';

/** What was ingested and run, the rulebook, and the ledger that records them. */
export const recordRoutes = ({ store, rulebook }: ApiContext): Route[] => [
  route({
    method: 'GET',
    url: '/api/snapshots',
    role: 'viewer',
    summary: 'Ingested bundles',
    response: snapshotsResponse,
    handler: async () => (await store.snapshots.list()).map(({ meta: _, ...s }) => s),
  }),
  route({
    method: 'GET',
    url: '/api/runs',
    role: 'viewer',
    summary: 'Audit runs',
    response: runsResponse,
    handler: async () => store.runs.list(),
  }),
  route({
    method: 'GET',
    url: '/api/rules',
    role: 'viewer',
    summary: 'The rulebook in force at a date',
    query: rulesQuery,
    response: rulesResponse,
    handler: async (_req, _reply, { query }) =>
      rulebook
        .inForce(query.at ?? new Date().toISOString().slice(0, 10), { jurisdiction: query.jurisdiction })
        .map(({ instrumentInfo, ...r }) => ({ ...r, instrument: instrumentInfo })),
  }),
  route({
    method: 'GET',
    url: '/api/ledger',
    role: 'viewer',
    summary: 'The ledger, newest first',
    response: ledgerResponse,
    handler: async () => (await store.ledger.entries()).reverse(),
  }),
  route({
    method: 'GET',
    url: '/api/ledger/verify',
    role: 'viewer',
    summary: 'Recompute the ledger chain',
    response: verificationResponse,
    handler: async () => store.verifyLedger(),
  }),
];
