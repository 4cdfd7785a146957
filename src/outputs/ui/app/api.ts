import { useCallback, useEffect, useState } from 'react';
import type { Finding } from '../../../contract/finding.ts';
import type { LedgerEntry } from '../../../store/ledger.ts';
import type { CaseChange } from '../../../usecases/cases.ts';
import type { explainFigure } from '../../../usecases/explain.ts';
import type { Principal } from '../../../usecases/users.ts';
import type { accountDetail, findingDetail, listFindings } from '../../api/workspace.ts';

/** The JSON API's answers, typed by the server functions that produce them. */
export type FindingList = Awaited<ReturnType<typeof listFindings>>;
export type FindingDetail = Awaited<ReturnType<typeof findingDetail>>;
export type AccountDetail = Awaited<ReturnType<typeof accountDetail>>;
export type FigureRows = Awaited<ReturnType<typeof explainFigure>>;
export type { Finding, LedgerEntry, Principal };
export type Row = Record<string, unknown>;
export interface RevenueCell {
  basis: string;
  period: string;
  region_id: string;
  amount: string;
}
export interface Flow {
  source: string;
  target: string;
  value: string;
}
export interface RuleRow {
  jurisdiction: string;
  activity: string;
  status: string;
  from: string;
  to: string | null;
  instrument: { number?: string | null; title: string };
}
export interface Verification {
  ok: boolean;
  entries: number;
  head: string;
  broken?: { seq: number; reason: string };
}

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
