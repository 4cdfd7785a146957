import type { AccountDetail } from './api.ts';

export interface TimelineEvent {
  date: string;
  kind: 'address' | 'owner' | 'transfer' | 'payment' | 'activity' | 'deal' | 'verdict' | 'finding';
  text: string;
  finding?: string;
}

type Row = Record<string, unknown>;
const s = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const who = (r: Row) =>
  `${r.changed_by ? ` by ${s(r.changed_by)}` : ''}${r.reason ? ` (${s(r.reason)})` : ''}`;
const ORDER: TimelineEvent['kind'][] = [
  'address',
  'owner',
  'payment',
  'deal',
  'activity',
  'verdict',
  'finding',
];

/** Runs of consecutive months with the same verdict, as [first, last, row]. */
function verdictRuns(rows: Row[]): [string, string, Row][] {
  const runs: [string, string, Row][] = [];
  const next = (p: string) => {
    const [y, m] = p.split('-').map(Number) as [number, number];
    return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  };
  const key = (r: Row) => `${s(r.jurisdiction)}|${s(r.activity)}|${s(r.strength)}`;
  const sorted = [...rows].sort((a, b) => (key(a) + s(a.period) < key(b) + s(b.period) ? -1 : 1));
  for (const r of sorted) {
    const last = runs.at(-1);
    if (last && key(last[2]) === key(r) && next(last[1]) === s(r.period)) last[1] = s(r.period);
    else runs.push([s(r.period), s(r.period), r]);
  }
  return runs;
}

/**
 * An account's history in one list, oldest first: address moves, ownership and transfer requests, payment methods,
 * deals, CRM activities, verdict periods and findings.
 */
export function accountTimeline(d: AccountDetail): TimelineEvent[] {
  const events: TimelineEvent[] = [
    ...d.billing_addresses.map((r) => ({
      date: s(r.valid_from),
      kind: 'address' as const,
      text: `billing address ${[r.country, r.postal_code, r.city].filter(Boolean).join(' ')}${who(r)}`,
    })),
    ...d.ownership.map((r) => ({
      date: s(r.valid_from),
      kind: 'owner' as const,
      text: `owned by team ${s(r.team_id)}, staff ${s(r.owner_staff_id)}${who(r)}`,
    })),
    ...d.transfer_requests.map((r) => ({
      date: s(r.requested_at),
      kind: 'transfer' as const,
      text: `transfer from team ${s(r.from_team_id)} to ${s(r.to_team_id)} asked by ${s(r.requested_by)}: ${s(r.decision)}${r.decided_by ? ` by ${s(r.decided_by)}` : ''}${r.decided_at ? ` on ${s(r.decided_at)}` : ''}${r.reason ? ` (${s(r.reason)})` : ''}`,
    })),
    ...d.payment_methods.map((r) => ({
      date: s(r.valid_from),
      kind: 'payment' as const,
      text: `pays by ${s(r.kind)} issued in ${s(r.issuer_country)}`,
    })),
    ...d.deals.map((r) => ({
      date: s(r.valid_from),
      kind: 'deal' as const,
      text: `deal ${s(r.deal_id)}: ${s(r.discount_pct)} % discount${r.agent_id ? ` through agent ${s(r.agent_id)}` : ''}, approved by ${s(r.approved_by)}${r.valid_to ? ` until ${s(r.valid_to)}` : ''}`,
    })),
    ...d.activities.map((r) => ({
      date: s(r.occurred_at).slice(0, 10),
      kind: 'activity' as const,
      text: `${s(r.type)} by ${s(r.staff_id)}${r.subject ? `: ${s(r.subject)}` : ''}`,
    })),
    ...verdictRuns(d.verdicts as Row[]).map(([from, to, r]) => ({
      date: `${from}-01`,
      kind: 'verdict' as const,
      text: `${s(r.activity)} prohibited in ${s(r.jurisdiction)} (${s(r.strength)} evidence), ${from === to ? from : `${from} to ${to}`}`,
    })),
    ...d.findings.map((f) => ({
      date: `${f.period_from}-01`,
      kind: 'finding' as const,
      text: `${f.code}: ${f.summary}`,
      finding: f.id,
    })),
  ];
  return events.sort((a, b) =>
    a.date < b.date ? -1 : a.date > b.date ? 1 : ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind),
  );
}
