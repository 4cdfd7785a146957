import {
  approveDismissal,
  caseChangeSchema,
  caseDecisionSchema,
  casesOf,
  changeCase,
  commentCase,
  rejectDismissal,
} from '../../usecases/cases.ts';
import {
  accountDetail,
  findingDetail,
  latestOrEmpty,
  listFindings,
  mustExist,
} from '../../usecases/views.ts';
import type { ApiContext } from '../context.ts';
import { commentBody, findingsQuery, idParams } from '../requests.ts';
import {
  accountDetailResponse,
  caseResponse,
  casesResponse,
  findingDetailResponse,
  findingListResponse,
  okResponse,
} from '../responses.ts';
import { type Route, route } from '../route.ts';

/** Findings, their cases and comments, and the accounts they concern. */
export const findingRoutes = ({ store, ws }: ApiContext): Route[] => [
  route({
    method: 'GET',
    url: '/api/findings',
    role: 'viewer',
    summary: 'Findings of the newest run with their cases: filters, counts, paging and sorting',
    query: findingsQuery,
    response: findingListResponse,
    handler: async (_req, _reply, { query }) => listFindings(ws, query),
  }),
  route({
    method: 'GET',
    url: '/api/findings/:id',
    role: 'viewer',
    summary: 'One finding: its evidence resolved to the bundle rows it cites, its case and comments',
    params: idParams,
    response: findingDetailResponse,
    handler: async (_req, _reply, { params }) => findingDetail(ws, params.id),
  }),
  route({
    method: 'GET',
    url: '/api/cases',
    role: 'viewer',
    summary:
      'Cases of the newest run, and cases whose finding disappeared from it (triage is kept by stable id)',
    response: casesResponse,
    handler: async () =>
      (await casesOf(store, (await latestOrEmpty(ws)).findings)).map(({ finding, ...c }) => ({
        ...c,
        code: finding?.code ?? null,
      })),
  }),
  route({
    method: 'PATCH',
    url: '/api/findings/:id/case',
    role: 'analyst',
    summary: 'Change the case: status, resolution, snooze date, assignee, with the reason',
    params: idParams,
    body: caseChangeSchema,
    response: caseResponse,
    write: true,
    handler: async (req, _reply, { params, body }) =>
      changeCase(store, params.id, body, req.principal!.name, await mustExist(ws, params.id)),
  }),
  ...(['approve', 'reject'] as const).map((decision) =>
    route({
      method: 'POST',
      url: `/api/findings/:id/case/${decision}`,
      role: 'analyst',
      summary:
        decision === 'approve'
          ? 'Approve a proposed dismissal of a high finding (four eyes: not by the one who proposed it)'
          : 'Reject a proposed dismissal (or withdraw your own)',
      params: idParams,
      body: caseDecisionSchema,
      response: caseResponse,
      write: true,
      handler: async (req, _reply, { params, body }) => {
        await mustExist(ws, params.id);
        return (decision === 'approve' ? approveDismissal : rejectDismissal)(
          store,
          params.id,
          body,
          req.principal!.name,
        );
      },
    }),
  ),
  route({
    method: 'POST',
    url: '/api/findings/:id/comments',
    role: 'analyst',
    summary: 'Comment on a finding',
    params: idParams,
    body: commentBody,
    response: okResponse,
    write: true,
    handler: async (req, _reply, { params, body }) => {
      await mustExist(ws, params.id);
      await commentCase(store, params.id, body.text, req.principal!.name);
      return { ok: true };
    },
  }),
  route({
    method: 'GET',
    url: '/api/accounts/:id',
    role: 'viewer',
    summary: 'An account with its timelines, findings and revenue by month',
    response: accountDetailResponse,
    params: idParams,
    handler: async (_req, _reply, { params }) => accountDetail(ws, params.id),
  }),
];
