import { useCallback, useEffect, useState } from 'react';
import type { z } from 'zod';
import type * as R from '../../api/responses.ts';
import type { CaseChange } from '../../usecases/cases.ts';

/** The JSON API's answers, typed by the schemas the server checks them against before sending. */
export type FindingList = z.infer<typeof R.findingListResponse>;
export type FindingDetail = z.infer<typeof R.findingDetailResponse>;
export type AccountDetail = z.infer<typeof R.accountDetailResponse>;
export type FigureRows = z.infer<typeof R.figureRowsResponse>;
export type RevenueCell = z.infer<typeof R.revenueResponse>[number];
export type Flow = z.infer<typeof R.flowsResponse>[number];
export type RegionNode = z.infer<typeof R.regionsResponse>[number];
export type ReconciliationRow = z.infer<typeof R.reconciliationResponse>[number];
export type RuleRow = z.infer<typeof R.rulesResponse>[number];
export type LedgerEntry = z.infer<typeof R.ledgerResponse>[number];
export type Verification = z.infer<typeof R.verificationResponse>;
export type Principal = z.infer<typeof R.principalResponse>;
export type CaseRow = z.infer<typeof R.casesResponse>[number];
export type Finding = FindingList['items'][number];
export type ReplayAnswer = z.infer<typeof R.replayResponse>;
export type ReplayEvent = NonNullable<ReplayAnswer['replay']>['notable'][number];
export type DecisionRow = z.infer<typeof R.decisionsResponse>[number];
export type EndpointRow = z.infer<typeof R.endpointsResponse>[number];
export type DeliveryRow = z.infer<typeof R.deliveriesResponse>[number];
export type { CaseChange };
export type Row = Record<string, unknown>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export async function api<T>(method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const json = (await res.json().catch(() => ({}))) as { error?: string; field?: string };
  if (!res.ok) throw new ApiError(res.status, json.error ?? res.statusText, json.field);
  return json as T;
}

export const changeCase = (id: string, change: CaseChange) =>
  api('PATCH', `/api/findings/${encodeURIComponent(id)}/case`, change);
export const comment = (id: string, text: string) =>
  api('POST', `/api/findings/${encodeURIComponent(id)}/comments`, { text });

/**
 * Loads a URL when it changes; `reload` fetches it again (after a change). While a new answer is on its way the
 * last one stays shown and `loading` is true from the very render that asks for it.
 */
export function useApi<T>(url: string | null): {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  /** The data shown was asked for by another URL (another finding, say): show it as loading instead. */
  stale: boolean;
  reload: () => void;
} {
  const [round, setRound] = useState(0);
  const [state, setState] = useState<{
    url: string | null;
    round: number;
    data: T | null;
    error: ApiError | null;
  }>({ url: null, round: -1, data: null, error: null });
  const reload = useCallback(() => setRound((n) => n + 1), []);
  useEffect(() => {
    if (url === null) return;
    let live = true;
    api<T>('GET', url).then(
      (data) => live && setState({ url, round, data, error: null }),
      (error: ApiError) => live && setState({ url, round, data: null, error }),
    );
    return () => {
      live = false;
    };
  }, [url, round]);
  const loading = url !== null && (state.url !== url || state.round !== round);
  return { data: state.data, error: loading ? null : state.error, loading, stale: state.url !== url, reload };
}
