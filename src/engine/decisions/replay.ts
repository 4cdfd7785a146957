import type { Proposal, ReplayedEvent, ReplaySummary } from '../../contract/decision.ts';

export type { ReplayedEvent, ReplaySummary };

import { type Finding, rowKey } from '../../contract/finding.ts';
import type { AuditRules } from '../audit.ts';
import type { Facts } from '../facts.ts';
import type { Settings } from '../settings.ts';
import { decide } from './decide.ts';

/** A change in the bundle's history the gate would have been asked about, and the row it became. */
export interface HistoryEvent {
  proposal: Proposal;
  table: 'billing_addresses' | 'ownership' | 'deals';
  key: string;
}

/** Address changes made by staff, ownership changes and deals, in the order they took effect. */
export function historyEvents(facts: Facts): HistoryEvent[] {
  const t = facts.tables;
  const out: HistoryEvent[] = [];
  const first = <T extends { account_id: string; valid_from: string }>(rows: T[]) => {
    const earliest = new Map<string, string>();
    for (const r of rows) {
      const e = earliest.get(r.account_id);
      if (e === undefined || r.valid_from < e) earliest.set(r.account_id, r.valid_from);
    }
    return (r: T) => earliest.get(r.account_id) === r.valid_from;
  };
  const firstAddress = first(t.billing_addresses);
  for (const r of t.billing_addresses)
    if (r.changed_by && !firstAddress(r))
      out.push({
        table: 'billing_addresses',
        key: rowKey({ account_id: r.account_id, valid_from: r.valid_from }),
        proposal: {
          kind: 'address-change',
          account_id: r.account_id,
          by: r.changed_by,
          at: r.valid_from,
          address: {
            country: r.country,
            ...(r.city ? { city: r.city } : {}),
            ...(r.postal_code ? { postal_code: r.postal_code } : {}),
            ...(r.line1 ? { line1: r.line1 } : {}),
          },
        },
      });
  const firstOwner = first(t.ownership);
  for (const r of t.ownership)
    if (!firstOwner(r))
      out.push({
        table: 'ownership',
        key: rowKey({ account_id: r.account_id, valid_from: r.valid_from }),
        proposal: {
          kind: 'transfer',
          account_id: r.account_id,
          by: r.changed_by ?? r.owner_staff_id,
          at: r.valid_from,
          to_team_id: r.team_id,
          to_owner_staff_id: r.owner_staff_id,
        },
      });
  for (const d of t.deals)
    out.push({
      table: 'deals',
      key: rowKey({ deal_id: d.deal_id }),
      proposal: {
        kind: 'discount',
        account_id: d.account_id,
        by: d.approved_by,
        at: d.valid_from,
        deal: {
          deal_id: d.deal_id,
          discount_pct: d.discount_pct,
          ...(d.agent_id ? { agent_id: d.agent_id } : {}),
          ...(d.valid_to ? { valid_to: d.valid_to } : {}),
        },
      },
    });
  return out.sort((a, b) =>
    a.proposal.at !== b.proposal.at ? (a.proposal.at < b.proposal.at ? -1 : 1) : a.key < b.key ? -1 : 1,
  );
}

/**
 * The finding codes an event of each kind can become: the one that judges it, and the one that cites it as an
 * aggravation (a deal soon after a self-credited address change, and the reverse).
 */
const CODES: Record<Proposal['kind'], string[]> = {
  'address-change': ['self-credited-address-change', 'discount-beyond-policy'],
  transfer: ['transfer-after-risk', 'offshore-contract-onshore-work'],
  discount: ['discount-beyond-policy', 'self-credited-address-change'],
};

/**
 * The findings each event became: those that judge it (its kind's first code), and those it aggravated after the
 * fact they judge (a deal made after the address change it is cited with). A deal made before the address change
 * was ordinary when it was made; the change is what the gate should have stopped.
 */
function becameFindings(history: HistoryEvent[], findings: Finding[]): Map<HistoryEvent, string[]> {
  const byRow = new Map(history.map((e) => [`${e.table}\u0000${e.key}`, e]));
  const out = new Map<HistoryEvent, string[]>();
  for (const f of findings) {
    const cited = f.evidence.flatMap((x) => byRow.get(`${x.table}\u0000${x.key}`) ?? []);
    const judged = cited.filter((e) => CODES[e.proposal.kind][0] === f.code);
    // With no event it judges (a finding about staff citing a transfer), every cited event counts.
    const since = judged.reduce(
      (d, e) => (e.proposal.at < d ? e.proposal.at : d),
      judged.length ? '9999' : '',
    );
    for (const e of new Set(cited))
      if (CODES[e.proposal.kind].includes(f.code) && (judged.includes(e) || e.proposal.at >= since))
        out.set(e, [...(out.get(e) ?? []), f.id]);
  }
  return out;
}

/**
 * The bundle's history asked of the gate, event by event in time order, each judged on what was known the day
 * before; set against the findings the audit of the whole history raises.
 */
export function replay(
  facts: Facts,
  rules: AuditRules,
  findings: Finding[],
  settings: Settings,
  onEvent: (done: number, total: number) => void = () => {},
): { events: ReplayedEvent[]; summary: ReplaySummary } {
  const history = historyEvents(facts);
  const became = becameFindings(history, findings);
  const events: ReplayedEvent[] = history.map((e, i) => {
    onEvent(i, history.length);
    const { decision, reasons } = decide(facts, rules, e.proposal, settings, e.proposal.at);
    return {
      at: e.proposal.at,
      kind: e.proposal.kind,
      account_id: e.proposal.account_id,
      table: e.table,
      key: e.key,
      decision,
      reasons,
      became: became.get(e) ?? [],
    };
  });
  const flagged = events.filter((e) => e.became.length > 0);
  const ordinary = events.filter((e) => e.became.length === 0);
  const held = ordinary.filter((e) => e.decision !== 'allow').length;
  return {
    events,
    summary: {
      events: events.length,
      flagged: {
        total: flagged.length,
        deny: flagged.filter((e) => e.decision === 'deny').length,
        review: flagged.filter((e) => e.decision === 'review').length,
        allow: flagged.filter((e) => e.decision === 'allow').length,
      },
      ordinary: {
        total: ordinary.length,
        held,
        heldPct: ordinary.length ? ((held * 100) / ordinary.length).toFixed(1) : '0.0',
      },
    },
  };
}
